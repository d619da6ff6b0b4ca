package runner

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets"
)

// ExactNeighbors computes the k nearest base vectors of every query by
// exact search on threads goroutines (0 = GOMAXPROCS). It returns the ids
// and their distances as datasets publish them: Euclidean (not squared)
// for l2, the inner product for ip, and 1 − cosine for angular.
func ExactNeighbors(ctx context.Context, metric datasets.Metric, base, queries datasets.Matrix, k, threads int) (datasets.IDMatrix, datasets.Matrix, error) {
	k = min(k, base.Rows)
	ids := datasets.IDMatrix{Data: make([]int32, queries.Rows*k), Rows: queries.Rows, Dim: k, Stride: k}
	dists := datasets.NewMatrix(queries.Rows, k)
	if k == 0 {
		return ids, dists, nil
	}
	idx, err := flat.New(metric, base.Dim)
	if err != nil {
		return ids, dists, fmt.Errorf("exact neighbors: %w", err)
	}
	if err := idx.Build(ctx, base); err != nil {
		return ids, dists, fmt.Errorf("exact neighbors: %w", err)
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	dist := distance.For(metric)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= queries.Rows {
					return
				}
				q := queries.Row(i)
				row := idx.Search(q, k, ids.Row(i)[:0])
				drow := dists.Row(i)
				for j, id := range row {
					drow[j] = published(metric, dist(q, base.Row(int(id))))
				}
			}
		}()
	}
	wg.Wait()
	return ids, dists, ctx.Err()
}

// published converts an internal distance (smaller is nearer) to the value
// ground-truth files hold.
func published(metric datasets.Metric, d float32) float32 {
	switch metric {
	case datasets.L2:
		return float32(math.Sqrt(float64(max(d, 0))))
	case datasets.IP:
		return -d
	default:
		return 1 + d
	}
}
