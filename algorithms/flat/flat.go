// Package flat is exact nearest neighbour search by a full scan: the
// reference every approximate index is measured against, and the exact
// computation (Exact) that algorithms/groundtruth computes ground truth with.
//
// Every path returns what a full scan with the distance kernels returns;
// the speed comes from how the scan is done:
//
//   - Search streams the base through the batch kernels ScanRows vectors at
//     a time into a fixed-size top-k heap, without allocating.
//   - l2 data whose components are all integers in 0..255 (SIFT, image
//     pixels) is stored as bytes and scanned with exact integer kernels,
//     a quarter of the memory traffic (bytes.go).
//   - Other l2 data whose variance sits in few dimensions is stored with
//     those dimensions first, and a vector's remaining dimensions are summed
//     only when the first ones have not already ruled it out (vectors.go).
//   - SearchBatch and Exact compute tiles of queries × base vectors
//     with the block kernels on several goroutines, so each vector loaded
//     from memory serves many queries (blocked.go).
//
// It imports algorithms, the kernels and codecs it builds on
// (algorithms/distance, topk, kmeans, binfmt) and datasets/vector and
// datasets/mapped; never the datasets catalogue, algorithms/registry,
// runner, report or cmd.
package flat

import (
	"context"
	"fmt"
	"sync"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/vector"
)

// Algorithm is the registry entry of the exact index.
var Algorithm = algorithms.Algorithm{
	Name:    "flat",
	Doc:     "exact search by a full scan of all base vectors (the recall = 1 reference)",
	Metrics: vector.Metrics,
	Params:  algorithms.Spec{},
	New: func(metric vector.Metric, dim int, _ algorithms.Params) (algorithms.Index, error) {
		return New(metric, dim)
	},
}

// Index is an exact index over a copy of the base vectors.
//
// Search scans the vectors in blocks of ScanRows with the batch distance
// kernels and keeps the k nearest in a fixed-size heap; for l2 on data
// whose variance sits in few dimensions it first bounds each distance by
// those dimensions and finishes only the vectors that can still enter the
// top k (see vectors.go), which returns exactly what a full scan returns.
// SearchBatch and Exact work through tiles of queries × rows that
// stay in cache (see blocked.go).
type Index struct {
	metric vector.Metric
	dim    int
	v      vectors
	algorithms.DistanceCounter
	pool sync.Pool // *scratch
}

var (
	_ algorithms.Persistent    = (*Index)(nil)
	_ algorithms.BatchSearcher = (*Index)(nil)
)

// ScanRows is the number of base vectors Search hands to one call of the
// batch distance kernel: small enough that the distances stay in L1, large
// enough that the call overhead vanishes.
const ScanRows = 256

// scratch is the per-search working memory, recycled through a pool so a
// steady-state Search does not allocate.
type scratch struct {
	heap  topk.Heap
	q     []float32 // the query in stored column order, negated for ip and angular
	dist  [ScanRows]float32
	idist [ScanRows]uint32 // byte storage: exact distances
	qb    []uint8          // byte storage: the query as bytes
	rows  []float32        // byte storage, other queries: widened rows
}

// New returns an empty exact index for dim-dimensional vectors.
func New(metric vector.Metric, dim int) (*Index, error) {
	if err := algorithms.CheckShape(metric, dim); err != nil {
		return nil, fmt.Errorf("flat: %w", err)
	}
	x := &Index{metric: metric, dim: dim, v: vectors{metric: metric, dim: dim, h: dim}}
	x.pool.New = func() any { return &scratch{q: make([]float32, dim)} }
	return x, nil
}

// Build copies the base vectors into the index.
func (x *Index) Build(ctx context.Context, base vector.Matrix) error {
	if err := algorithms.CheckBase(base, x.dim); err != nil {
		return fmt.Errorf("flat: %w", err)
	}
	if base.Rows == 0 {
		base.Dim = x.dim
	}
	x.v = newVectors(x.metric, base)
	return ctx.Err()
}

// Search scans every vector and returns the k nearest ids, nearest first.
func (x *Index) Search(q []float32, k int, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.v.n == 0 {
		return dst
	}
	s := x.pool.Get().(*scratch)
	s.heap.Reset(min(k, x.v.n))
	x.scan(q, s, 0, x.v.n)
	dst = s.heap.AppendSorted(dst, nil)
	x.pool.Put(s)
	x.AddDistances(int64(x.v.n))
	return dst
}

// scan offers the distances to q of base vectors [from, to) to s.heap.
func (x *Index) scan(q []float32, s *scratch, from, to int) {
	v := &x.v
	if v.bytes != nil {
		v.scanBytes(q, s, from, to)
		return
	}
	h, t := v.h, v.dim-v.h
	l2 := v.metric == vector.L2
	// The dot product with -q is the ip distance -<q, x>.
	v.permute(s.q, q, !l2)
	qh, qt := s.q[:h], s.q[h:]
	for start := from; start < to; start += ScanRows {
		end := min(start+ScanRows, to)
		out := s.dist[:end-start]
		rows := v.head[start*h : end*h]
		if !l2 {
			distance.DotBatch(qh, rows, out)
			s.heap.PushAll(out, int32(start))
			continue
		}
		distance.L2SqBatch(qh, rows, out)
		if t == 0 {
			s.heap.PushAll(out, int32(start))
			continue
		}
		// out holds head-only partial sums, lower bounds of the distances.
		thr := s.heap.Threshold()
		for i, p := range out {
			if p < thr {
				r := start + i
				full := p + distance.L2Sq(qt, v.tail[r*t:r*t+t])
				if full < thr {
					s.heap.Push(full, int32(r))
					thr = s.heap.Threshold()
				}
			}
		}
	}
}

// SizeBytes returns the bytes held by the stored vectors.
func (x *Index) SizeBytes() int64 {
	return int64(len(x.v.head)+len(x.v.tail)+len(x.v.perm)+len(x.v.norms))*4 + int64(len(x.v.bytes))
}
