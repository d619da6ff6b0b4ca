package conformance

import (
	"math"
	"math/rand/v2"
	"sort"

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

// exactDist is the float64 reference distance, smaller is nearer.
func exactDist(metric vector.Metric, a, b []float32) float64 {
	var s float64
	if metric == vector.L2 {
		for i := range a {
			d := float64(a[i]) - float64(b[i])
			s += d * d
		}
		return s
	}
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return -s
}

// truth holds, per query, the exact distances to all base vectors sorted
// ascending, enough to score any result tie-aware.
type truth struct {
	metric vector.Metric
	base   vector.Matrix
	sorted [][]float64
}

func newTruth(metric vector.Metric, base, queries vector.Matrix) *truth {
	t := &truth{metric: metric, base: base, sorted: make([][]float64, queries.Rows)}
	for qi := 0; qi < queries.Rows; qi++ {
		d := make([]float64, base.Rows)
		for i := range d {
			d[i] = exactDist(metric, queries.Row(qi), base.Row(i))
		}
		sort.Float64s(d)
		t.sorted[qi] = d
	}
	return t
}

// recall scores ids for query qi at k: an id counts when its exact
// distance is within the k-th true distance (ties count), each id once.
func (t *truth) recall(q []float32, qi int, ids []int32, k int) float64 {
	kk := min(k, t.base.Rows)
	if kk == 0 {
		return 1
	}
	limit := t.sorted[qi][kk-1]
	eps := 1e-4 * math.Max(1, math.Abs(limit))
	seen := map[int32]bool{}
	hits := 0
	for j, id := range ids {
		if j >= k {
			break
		}
		if id < 0 || int(id) >= t.base.Rows || seen[id] {
			continue
		}
		seen[id] = true
		if exactDist(t.metric, q, t.base.Row(int(id))) <= limit+eps {
			hits++
		}
	}
	return float64(hits) / float64(kk)
}
