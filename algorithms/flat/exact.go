package flat

import (
	"context"
	"fmt"

	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/vector"
)

// Exact computes the exact k nearest base vectors of every query by
// the blocked computation on threads goroutines (0 = GOMAXPROCS), for
// computing and checking ground-truth files. Row i of the returned ids
// lists query i's neighbours nearest first; row i of the returned distances
// holds their distances in the kernels' convention, smaller is nearer:
// squared Euclidean for l2 and the negated inner product for ip and angular
// (angular data must be normalized already). Both have min(k, base.Rows)
// columns. base is used in place when its rows are contiguous and copied
// otherwise; l2 data whose components are all integers in 0..255 is copied
// to bytes and computed exactly in integers (see bytes.go). Cancelling
// ctx stops the work and returns ctx's error.
func Exact(ctx context.Context, base, queries vector.Matrix, metric vector.Metric, k, threads int) (vector.IDMatrix, vector.Matrix, error) {
	switch {
	case !metric.Valid():
		return vector.IDMatrix{}, vector.Matrix{}, fmt.Errorf("exact search: unknown metric %q", metric)
	case k <= 0:
		return vector.IDMatrix{}, vector.Matrix{}, fmt.Errorf("exact search: k must be positive, got %d", k)
	case base.Rows > 0 && queries.Rows > 0 && base.Dim != queries.Dim:
		return vector.IDMatrix{}, vector.Matrix{}, fmt.Errorf("exact search: base dimension %d, query dimension %d", base.Dim, queries.Dim)
	}
	if err := base.Validate(); err != nil {
		return vector.IDMatrix{}, vector.Matrix{}, fmt.Errorf("exact search: base: %w", err)
	}
	k = min(k, base.Rows)
	ids := vector.IDMatrix{Data: make([]int32, queries.Rows*k), Rows: queries.Rows, Dim: k, Stride: k}
	dists := vector.NewMatrix(queries.Rows, k)
	if k == 0 || queries.Rows == 0 {
		return ids, dists, nil
	}
	v := exactVectors(metric, base)
	err := v.searchBlocked(ctx, queries, k, threads, func(i int, h *topk.Heap) {
		h.AppendSorted(ids.Row(i)[:0], dists.Row(i))
	})
	if err != nil {
		return vector.IDMatrix{}, vector.Matrix{}, fmt.Errorf("exact search: %w", err)
	}
	return ids, dists, nil
}

// exactVectors stores base for Exact: as the index stores it for l2 (bytes
// when the byte kernels run, else split into head and tail dimensions when
// its variance is concentrated, so the blocked search can skip tails; see
// searchBlock) except that byte-valued data goes to the exact tile kernel
// where that runs and the byte kernels do not (useTiles); used in place
// otherwise when its rows are contiguous.
func exactVectors(metric vector.Metric, base vector.Matrix) vectors {
	if metric == vector.L2 {
		return storeVectors(metric, base, true)
	}
	b := base.Compact(false)
	return vectors{metric: metric, n: b.Rows, dim: b.Dim, h: b.Dim, head: b.Data[:b.Rows*b.Dim]}
}
