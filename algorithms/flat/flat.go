// Package flat is exact nearest neighbour search by a full scan: the
// reference every approximate index is measured against.
package flat

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets"
)

// Algorithm is the registry entry of the exact index.
var Algorithm = algorithms.Algorithm{
	Name:    "flat",
	Doc:     "exact search by a full scan of all base vectors (the recall = 1 reference)",
	Metrics: datasets.Metrics,
	Params:  algorithms.Spec{},
	New: func(metric datasets.Metric, dim int, _ algorithms.Params) (algorithms.Index, error) {
		return New(metric, dim)
	},
}

// Index is an exact index over a contiguous copy of the base vectors.
type Index struct {
	metric datasets.Metric
	dim    int
	data   []float32
	n      int
	dist   distance.Func
	count  atomic.Int64
	pool   sync.Pool
}

var (
	_ algorithms.Index   = (*Index)(nil)
	_ algorithms.Saver   = (*Index)(nil)
	_ algorithms.Loader  = (*Index)(nil)
	_ algorithms.Sizer   = (*Index)(nil)
	_ algorithms.Counter = (*Index)(nil)
)

// New returns an empty exact index for dim-dimensional vectors.
func New(metric datasets.Metric, dim int) (*Index, error) {
	if !metric.Valid() {
		return nil, fmt.Errorf("flat: unknown metric %q", metric)
	}
	if dim <= 0 {
		return nil, fmt.Errorf("flat: dimension must be positive, got %d", dim)
	}
	x := &Index{metric: metric, dim: dim, dist: distance.For(metric)}
	x.pool.New = func() any { return new(topk.Heap) }
	return x, nil
}

// Build copies the base vectors into the index.
func (x *Index) Build(ctx context.Context, base datasets.Matrix) error {
	if base.Rows > 0 && base.Dim != x.dim {
		return fmt.Errorf("flat: base dimension %d, index dimension %d", base.Dim, x.dim)
	}
	c := base.Compact(true)
	x.data, x.n = c.Data, c.Rows
	return ctx.Err()
}

// Search scans every vector and returns the k nearest ids, nearest first.
func (x *Index) Search(q []float32, k int, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.n == 0 {
		return dst
	}
	h := x.pool.Get().(*topk.Heap)
	h.Reset(k)
	d := x.dim
	for i := 0; i < x.n; i++ {
		h.Push(x.dist(q, x.data[i*d:i*d+d]), int32(i))
	}
	dst = h.AppendSorted(dst, nil)
	x.pool.Put(h)
	x.count.Add(int64(x.n))
	return dst
}

// SizeBytes returns the bytes held by the stored vectors.
func (x *Index) SizeBytes() int64 { return int64(len(x.data)) * 4 }

// DistanceCount returns the distances computed since the last reset.
func (x *Index) DistanceCount() int64 { return x.count.Load() }

// ResetDistanceCount sets the distance count to zero.
func (x *Index) ResetDistanceCount() { x.count.Store(0) }
