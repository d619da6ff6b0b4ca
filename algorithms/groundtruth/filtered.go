package groundtruth

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// Filtered computes the exact k nearest base rows among those allow[i]
// admits for every query i, with flat's filtered scan on threads
// goroutines (0 = GOMAXPROCS). A row lists fewer than k ids, padded with
// -1, where fewer rows are allowed (score.NewFiltered scores such rows over
// the neighbours they have). A fault reading mapped vectors is returned as
// an error naming the file.
func Filtered(ctx context.Context, metric vector.Metric, base, queries vector.Matrix, allow []*algorithms.Allow, k, threads int) (vector.IDMatrix, error) {
	if len(allow) < queries.Rows {
		return vector.IDMatrix{}, fmt.Errorf("filtered ground truth: %d allow-sets for %d queries", len(allow), queries.Rows)
	}
	if k <= 0 {
		return vector.IDMatrix{}, fmt.Errorf("filtered ground truth: k must be positive, got %d", k)
	}
	x, err := flat.New(metric, base.Dim)
	if err != nil {
		return vector.IDMatrix{}, fmt.Errorf("filtered ground truth: %w", err)
	}
	if err := x.Build(ctx, base); err != nil {
		return vector.IDMatrix{}, fmt.Errorf("filtered ground truth: %w", err)
	}
	nq := queries.Rows
	gt := vector.IDMatrix{Data: make([]int32, nq*k), Rows: nq, Dim: k, Stride: k}
	for i := range gt.Data {
		gt.Data[i] = -1
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var faults mapped.Faults // the queries may be a mapped file
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := make([]int32, 0, k)
			faults.Guard(func() {
				for ctx.Err() == nil {
					qi := int(next.Add(1)) - 1
					if qi >= nq {
						return
					}
					copy(gt.Row(qi), x.SearchFiltered(queries.Row(qi), k, allow[qi], dst))
				}
			})
		}()
	}
	wg.Wait()
	if err := faults.Err(); err != nil {
		return vector.IDMatrix{}, err
	}
	return gt, ctx.Err()
}
