package runner

import (
	"context"
	"fmt"
	"math"

	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets/vector"
)

// ExactNeighbors computes the k nearest base vectors of every query by the
// blocked exact search on threads goroutines (0 = GOMAXPROCS). It returns
// the ids and their distances as datasets publish them: Euclidean (not
// squared) for l2, the inner product for ip, and 1 − cosine for angular.
func ExactNeighbors(ctx context.Context, metric vector.Metric, base, queries vector.Matrix, k, threads int) (vector.IDMatrix, vector.Matrix, error) {
	ids, dists, err := flat.GroundTruth(ctx, base, queries, metric, k, threads)
	if err != nil {
		return ids, dists, fmt.Errorf("exact neighbors: %w", err)
	}
	for i, d := range dists.Data {
		dists.Data[i] = published(metric, d)
	}
	return ids, dists, nil
}

// published converts an internal distance (smaller is nearer) to the value
// ground-truth files hold.
func published(metric vector.Metric, d float32) float32 {
	switch metric {
	case vector.L2:
		return float32(math.Sqrt(float64(max(d, 0))))
	case vector.IP:
		return -d
	default:
		return 1 + d
	}
}
