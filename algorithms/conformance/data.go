package conformance

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/annbench/annbench/algorithms/score"

	"github.com/annbench/annbench/datasets/vector"
)

// clustered returns n seeded vectors drawn from a Gaussian mixture with a
// few dozen clusters. For ip the vectors get widely varying norms; for
// angular they are normalized, as the dataset loader would do.
func clustered(rng *rand.Rand, centers [][]float64, n int, metric vector.Metric) vector.Matrix {
	dim := len(centers[0])
	m := vector.NewMatrix(n, dim)
	for i := 0; i < n; i++ {
		c := centers[rng.IntN(len(centers))]
		row := m.Row(i)
		scale := 1.0
		if metric == vector.IP {
			scale = 0.5 + 1.5*rng.Float64()
		}
		var norm float64
		for j := range row {
			v := (c[j] + 0.35*rng.NormFloat64()) * scale
			row[j] = float32(v)
			norm += v * v
		}
		if metric == vector.Angular && norm > 0 {
			inv := 1 / math.Sqrt(norm)
			for j := range row {
				row[j] = float32(float64(row[j]) * inv)
			}
		}
	}
	return m
}

func centers(rng *rand.Rand, k, dim int) [][]float64 {
	out := make([][]float64, k)
	for i := range out {
		out[i] = make([]float64, dim)
		for j := range out[i] {
			out[i][j] = rng.NormFloat64()
		}
	}
	return out
}

// exactNeighbors is the suite's own ground truth, independent of every
// index's code: the k nearest base vectors of each query by the float64
// reference distance of the scorer, found by sorting all of them.
func exactNeighbors(metric vector.Metric, base, queries vector.Matrix, k int) vector.IDMatrix {
	k = min(k, base.Rows)
	gt := vector.IDMatrix{Data: make([]int32, queries.Rows*k), Rows: queries.Rows, Dim: k, Stride: k}
	order := make([]int32, base.Rows)
	dist := make([]float64, base.Rows)
	for qi := 0; qi < queries.Rows; qi++ {
		for i := range order {
			order[i] = int32(i)
			dist[i] = score.Distance(metric, queries.Row(qi), base.Row(i))
		}
		sort.Slice(order, func(a, b int) bool { return dist[order[a]] < dist[order[b]] })
		copy(gt.Row(qi), order[:k])
	}
	return gt
}
