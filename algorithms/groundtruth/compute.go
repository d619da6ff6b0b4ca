package groundtruth

import (
	"context"
	"fmt"
	"math"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets/vector"
)

// Compute returns the exact k nearest base vectors of every query (row i
// lists query i's, nearest first; min(k, base rows) columns), found by the
// blocked flat search on threads goroutines (0 = GOMAXPROCS), and their
// distances as ground-truth files publish them (see Published). Angular data
// must be normalized already, as datasets.Open leaves it.
func Compute(ctx context.Context, metric vector.Metric, base, queries vector.Matrix, k, threads int) (vector.IDMatrix, vector.Matrix, error) {
	ids, dists, err := flat.Exact(ctx, base, queries, metric, k, threads)
	if err != nil {
		return ids, dists, fmt.Errorf("ground truth: %w", err)
	}
	for i, d := range dists.Data {
		dists.Data[i] = Published(metric, d)
	}
	return ids, dists, nil
}

// Published converts a distance in the kernels' convention (smaller is
// nearer: squared Euclidean for l2, the negated inner product for ip and
// angular) to the value ground-truth files hold: the Euclidean distance
// (not squared) for l2, the inner product for ip (largest first), and the
// cosine distance 1 − cos for angular, as ann-benchmarks writes them.
func Published(metric vector.Metric, d float32) float32 {
	switch metric {
	case vector.L2:
		return float32(math.Sqrt(float64(max(d, 0))))
	case vector.IP:
		return -d
	default:
		return 1 + d
	}
}

// computeProgress is Compute over slices of the queries, telling p of each
// slice done, so a long computation shows how far it got. A slice holds at
// least 256 queries, enough for the blocked search to keep its speed.
func computeProgress(ctx context.Context, metric vector.Metric, base, queries vector.Matrix, k, threads int, p algorithms.Progress) (vector.IDMatrix, vector.Matrix, error) {
	p.Stage("queries", int64(queries.Rows))
	step := max(256, (queries.Rows+49)/50)
	if step >= queries.Rows {
		ids, dists, err := Compute(ctx, metric, base, queries, k, threads)
		p.Done(int64(queries.Rows))
		return ids, dists, err
	}
	var ids vector.IDMatrix
	var dists vector.Matrix
	for lo := 0; lo < queries.Rows; lo += step {
		hi := min(lo+step, queries.Rows)
		si, sd, err := Compute(ctx, metric, base, queries.Slice(lo, hi), k, threads)
		if err != nil {
			return vector.IDMatrix{}, vector.Matrix{}, err
		}
		if lo == 0 {
			ids = vector.IDMatrix{Data: make([]int32, queries.Rows*si.Dim), Rows: queries.Rows, Dim: si.Dim, Stride: si.Dim}
			dists = vector.NewMatrix(queries.Rows, sd.Dim)
		}
		for i := 0; i < si.Rows; i++ {
			copy(ids.Row(lo+i), si.Row(i))
			copy(dists.Row(lo+i), sd.Row(i))
		}
		p.Done(int64(hi - lo))
	}
	return ids, dists, nil
}
