package score

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

func mustNew(t *testing.T, metric vector.Metric, base, queries vector.Matrix, gt vector.IDMatrix, k int) *Truth {
	t.Helper()
	tr, err := New(metric, base, queries, gt, k)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func mustScore(t *testing.T, tr *Truth, results [][]int32) Scores {
	t.Helper()
	s, err := tr.Score(results)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ids(rows, dim int, data ...int32) vector.IDMatrix {
	return vector.IDMatrix{Data: data, Rows: rows, Dim: dim, Stride: dim}
}

func TestTieAware(t *testing.T) {
	// Two base vectors at the same distance: either one is a correct
	// nearest neighbour.
	base := vector.Matrix{Data: []float32{1, 0, -1, 0, 5, 5}, Rows: 3, Dim: 2, Stride: 2}
	q := vector.Matrix{Data: []float32{0, 0}, Rows: 1, Dim: 2, Stride: 2}
	tr := mustNew(t, vector.L2, base, q, ids(1, 3, 0, 1, 2), 1)
	if s := mustScore(t, tr, [][]int32{{1}}); s.Recall != 1 || s.Recall1 != 1 {
		t.Errorf("tied neighbour scored recall %v recall@1 %v, want 1, 1", s.Recall, s.Recall1)
	}
	if s := mustScore(t, tr, [][]int32{{2}}); s.Recall != 0 || s.Recall1 != 0 {
		t.Errorf("far neighbour scored recall %v recall@1 %v, want 0, 0", s.Recall, s.Recall1)
	}
}

// line returns n one-dimensional base vectors at x = 0, 1, ..., n-1.
func line(n int) vector.Matrix {
	m := vector.NewMatrix(n, 1)
	for i := range n {
		m.Data[i] = float32(i)
	}
	return m
}

// TestRecallCounts keeps the id-match cases of the former realdata.Recall10
// on data whose true neighbours have distinct distances, where tie-aware
// and id-match recall agree.
func TestRecallCounts(t *testing.T) {
	base := line(100)
	q := vector.Matrix{Data: []float32{-0.5, 14.5}, Rows: 2, Dim: 1, Stride: 1}
	gt := make([]int32, 0, 20)
	for i := range int32(20) {
		gt = append(gt, i)
	}
	tr := mustNew(t, vector.L2, base, q, ids(2, 10, gt...), 10)
	tests := []struct {
		name    string
		results [][]int32
		want    float64
	}{
		{"all", [][]int32{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {19, 18, 17, 16, 15, 14, 13, 12, 11, 10}}, 1},
		{"none", [][]int32{{10, 11}, {0, 1, 2}}, 0},
		{"half and a tenth", [][]int32{{0, 1, 2, 3, 4, 99, 98}, {10}}, 0.3},
	}
	for _, tc := range tests {
		if got := mustScore(t, tr, tc.results).Recall; math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: recall = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestInvalidNeverCounts(t *testing.T) {
	base := line(10)
	q := vector.Matrix{Data: []float32{0}, Rows: 1, Dim: 1, Stride: 1}
	tr := mustNew(t, vector.L2, base, q, ids(1, 3, 0, 1, 2), 3)
	s := mustScore(t, tr, [][]int32{{0, 0, -1, 1, 2}})
	// First k=3 ids: 0 (hit), 0 (duplicate), -1 (out of range); the rest
	// are past k.
	if s.Recall != 1.0/3 || s.Recall1 != 1 {
		t.Errorf("recall %v recall@1 %v, want 1/3 and 1", s.Recall, s.Recall1)
	}
	if s.Invalid != (Invalid{Duplicates: 1, OutOfRange: 1, TooMany: 1}) {
		t.Errorf("invalid = %+v, want one of each", s.Invalid)
	}
	s = mustScore(t, tr, [][]int32{{10, 1, 2}})
	if s.Recall1 != 0 || s.Invalid.OutOfRange != 1 || s.Recall != 2.0/3 {
		t.Errorf("out-of-range first id: %+v, want recall 2/3, recall@1 0, one out of range", s)
	}
	// Long results take the set path for duplicates.
	long := make([]int32, 0, 200)
	for range 100 {
		long = append(long, 3, 4)
	}
	tr = mustNew(t, vector.L2, line(300), q, ids(1, 200, make([]int32, 200)...), 200)
	if s := mustScore(t, tr, [][]int32{long}); s.Invalid.Duplicates != 198 {
		t.Errorf("200 ids of two values: %d duplicates, want 198", s.Invalid.Duplicates)
	}
}

func TestEmpty(t *testing.T) {
	q := vector.Matrix{Data: []float32{0}, Rows: 1, Dim: 1, Stride: 1}
	tr := mustNew(t, vector.L2, vector.Matrix{Dim: 1, Stride: 1}, q, vector.IDMatrix{}, 10)
	if s := mustScore(t, tr, [][]int32{nil}); s.Recall != 1 || s.Recall1 != 1 {
		t.Errorf("empty base: %+v, want recall 1", s)
	}
	if _, err := tr.Score([][]int32{nil, nil}); err == nil {
		t.Error("two results for one query: no error")
	}
}

func TestNewErrors(t *testing.T) {
	base := line(5)
	q := vector.Matrix{Data: []float32{0, 1}, Rows: 2, Dim: 1, Stride: 1}
	tests := []struct {
		name   string
		metric vector.Metric
		q      vector.Matrix
		gt     vector.IDMatrix
		k      int
		want   string
	}{
		{"metric", "cosine", q, ids(2, 1, 0, 1), 1, "unknown metric"},
		{"k", vector.L2, q, ids(2, 1, 0, 1), 0, "k must be positive"},
		{"dim", vector.L2, vector.Matrix{Data: []float32{0, 0}, Rows: 1, Dim: 2, Stride: 2}, ids(1, 1, 0), 1, "dimension"},
		{"rows", vector.L2, q, ids(1, 1, 0), 1, "1 rows of 1 ids, want at least 2 rows"},
		{"depth", vector.L2, q, ids(2, 1, 0, 1), 2, "want at least 2 rows of 2"},
		{"range", vector.L2, q, ids(2, 1, 0, 5), 1, "row 1, column 0: id 5 outside [0,5)"},
		{"negative", vector.L2, q, ids(2, 1, -1, 0), 1, "row 0, column 0: id -1"},
	}
	for _, tc := range tests {
		_, err := New(tc.metric, base, tc.q, tc.gt, tc.k)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

// fixture is seeded data with an approximate answer per query: the exact
// top 30 by the reference distance, from which a seeded share is kept in
// the first k and the rest replaced by farther ids.
type fixture struct {
	base, queries vector.Matrix
	gt            vector.IDMatrix
	results       [][]int32
}

func newFixture(metric vector.Metric, integer bool) fixture {
	rng := rand.New(rand.NewPCG(7, 11))
	const n, nq, dim, depth, k = 2000, 50, 16, 30, 10
	gen := func(rows int) vector.Matrix {
		m := vector.NewMatrix(rows, dim)
		for i := range m.Data {
			if integer {
				m.Data[i] = float32(rng.IntN(8)) // many exact ties
			} else {
				m.Data[i] = float32(rng.NormFloat64())
			}
		}
		return m
	}
	f := fixture{base: gen(n), queries: gen(nq)}
	f.gt = vector.IDMatrix{Data: make([]int32, nq*depth), Rows: nq, Dim: depth, Stride: depth}
	for qi := range nq {
		order := make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		q := f.queries.Row(qi)
		sort.SliceStable(order, func(a, b int) bool {
			return Distance(metric, q, f.base.Row(int(order[a]))) < Distance(metric, q, f.base.Row(int(order[b])))
		})
		copy(f.gt.Row(qi), order[:depth])
		res := make([]int32, 0, k)
		for j := 0; len(res) < k; j++ {
			if rng.IntN(3) > 0 {
				res = append(res, order[j])
			} else {
				res = append(res, order[depth+rng.IntN(n-depth)])
			}
		}
		f.results = append(f.results, res)
	}
	return f
}

func scaled(m vector.Matrix, c float64) vector.Matrix {
	out := vector.NewMatrix(m.Rows, m.Dim)
	for i, x := range m.Data[:m.Rows*m.Dim] {
		out.Data[i] = float32(float64(x) * c)
	}
	return out
}

// TestScaleFree scores the same answers on the same data scaled by 1e-6 …
// 1e6 for every metric, on real-valued data and on small integers full of
// exact ties: every hit count must stay as it is unscaled, and the answers
// must never read as perfect (the absolute floor made tiny data score 1).
func TestScaleFree(t *testing.T) {
	scales := []float64{1e-6, 1e-5, 1e-3, 0.37, 1, 3, 1e3, 1e5, 1e6}
	for _, metric := range vector.Metrics {
		for _, integer := range []bool{false, true} {
			f := newFixture(metric, integer)
			ref := mustNew(t, metric, f.base, f.queries, f.gt, 10)
			want := make([]QueryScore, len(f.results))
			for qi, r := range f.results {
				want[qi] = ref.Query(qi, r)
			}
			base := mustScore(t, ref, f.results)
			if base.Recall > 0.9 || base.Recall < 0.4 {
				t.Fatalf("%s integer=%v: fixture recall %.3f, want a middling value", metric, integer, base.Recall)
			}
			for _, c := range scales {
				tr := mustNew(t, metric, scaled(f.base, c), scaled(f.queries, c), f.gt, 10)
				for qi, r := range f.results {
					if got := tr.Query(qi, r); got != want[qi] {
						t.Errorf("%s integer=%v ×%g: query %d scores %+v, unscaled %+v", metric, integer, c, qi, got, want[qi])
						break
					}
				}
			}
		}
	}
}

// TestTiesAtEveryScale: a returned id at exactly the k-th true distance
// counts at every scale, one a hair (0.1 %) farther does not.
func TestTiesAtEveryScale(t *testing.T) {
	for _, c := range []float64{1e-6, 1e-3, 1, 1e3, 1e6} {
		base := scaled(vector.Matrix{Data: []float32{1, 0, 0, 1, -1, 0, 0, 1.001}, Rows: 4, Dim: 2, Stride: 2}, c)
		q := vector.Matrix{Data: []float32{0, 0}, Rows: 1, Dim: 2, Stride: 2}
		tr := mustNew(t, vector.L2, base, q, ids(1, 2, 0, 1), 2)
		if s := mustScore(t, tr, [][]int32{{0, 2}}); s.Recall != 1 {
			t.Errorf("×%g: tied id scored recall %v, want 1", c, s.Recall)
		}
		if s := mustScore(t, tr, [][]int32{{0, 3}}); s.Recall != 0.5 {
			t.Errorf("×%g: id 0.1%% beyond the k-th distance scored recall %v, want 0.5", c, s.Recall)
		}
	}
}

// TestInnerProductLargestFirst: for ip and angular the true neighbours are
// the largest similarities, also when they are near zero.
func TestInnerProductLargestFirst(t *testing.T) {
	base := vector.Matrix{Data: []float32{3, 0, 1e-4, 1, -3, 0, 0.5, 0.5}, Rows: 4, Dim: 2, Stride: 2}
	q := vector.Matrix{Data: []float32{1, 0}, Rows: 1, Dim: 2, Stride: 2}
	for _, m := range []vector.Metric{vector.IP, vector.Angular} {
		// Inner products 3, 1e-4, -3, 0.5.
		tr := mustNew(t, m, base, q, ids(1, 2, 0, 3), 2)
		if s := mustScore(t, tr, [][]int32{{0, 3}}); s.Recall != 1 || s.Recall1 != 1 {
			t.Errorf("%s: true answer scored %+v", m, s)
		}
		if s := mustScore(t, tr, [][]int32{{2, 1}}); s.Recall != 0 || s.Recall1 != 0 {
			t.Errorf("%s: smallest similarities scored %+v, want 0", m, s)
		}
	}
}

func TestDistance(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5}
	b := []float32{2, 0, 3, 1, -5}
	if got := Distance(vector.L2, a, b); got != 1+4+0+9+100 {
		t.Errorf("l2 = %v, want 114", got)
	}
	if got := Distance(vector.IP, a, b); got != -(2 + 0 + 9 + 4 - 25) {
		t.Errorf("ip = %v, want 10", got)
	}
	if got := Distance(vector.Angular, a, b); got != 10 {
		t.Errorf("angular = %v, want 10 (unit vectors assumed)", got)
	}
}

func TestKNNAccuracy(t *testing.T) {
	base := line(10)
	labels := []int32{0, 0, 1, 1, 1, 2, 2, 2, 2, 3}
	q := vector.Matrix{Data: []float32{0, 4.4, 9}, Rows: 3, Dim: 1, Stride: 1}
	gt := ids(3, 3, 0, 1, 2, 4, 5, 3, 9, 8, 7)
	tr := mustNew(t, vector.L2, base, q, gt, 3)
	tests := []struct {
		name    string
		results [][]int32
		qlabels []int32
		want    float64
	}{
		// Query 0: 0,1 vote 0. Query 1: 4 (label 1) and 5 (label 2) tie
		// 1:1 after 3 → label 1 wins 2:1. Query 2: 9 (3), 8 (2), 7 (2) → 2.
		{"exact", [][]int32{{0, 1, 2}, {4, 5, 3}, {9, 8, 7}}, []int32{0, 1, 2}, 1},
		{"wrong labels", [][]int32{{0, 1, 2}, {4, 5, 3}, {9, 8, 7}}, []int32{1, 2, 3}, 0},
		// One vote each: the nearer neighbour's label wins, whatever the
		// order returned.
		{"tie to nearer", [][]int32{{2, 0, 9}, {5, 4}, {7, 9}}, []int32{0, 1, 3}, 1},
		// Invalid and repeated ids do not vote; no valid id is wrong.
		{"invalid", [][]int32{{-1, 2, 2, 2}, {99}, {}}, []int32{1, 1, 1}, 1.0 / 3},
	}
	for _, tc := range tests {
		got, err := tr.KNNAccuracy(tc.results, labels, tc.qlabels)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: accuracy %v, want %v", tc.name, got, tc.want)
		}
	}
	got, err := tr.ExactKNNAccuracy(labels, []int32{0, 1, 2})
	if err != nil || got != 1 {
		t.Errorf("exact accuracy = %v, %v; want 1", got, err)
	}
	if _, err := tr.KNNAccuracy([][]int32{{0}}, labels[:5], []int32{0}); err == nil || !strings.Contains(err.Error(), "5 base labels for 10") {
		t.Errorf("short base labels: err = %v", err)
	}
	if _, err := tr.KNNAccuracy([][]int32{{0}, {1}}, labels, []int32{0}); err == nil || !strings.Contains(err.Error(), "1 query labels") {
		t.Errorf("short query labels: err = %v", err)
	}
}

// TestKNNAccuracyIndependent compares against a direct computation on
// seeded data: sort each result's valid ids by distance, count labels, and
// take the first label in that order with the top count.
func TestKNNAccuracyIndependent(t *testing.T) {
	f := newFixture(vector.L2, false)
	rng := rand.New(rand.NewPCG(3, 4))
	bl := make([]int32, f.base.Rows)
	for i := range bl {
		bl[i] = int32(rng.IntN(4))
	}
	ql := make([]int32, f.queries.Rows)
	for i := range ql {
		ql[i] = int32(rng.IntN(4))
	}
	tr := mustNew(t, vector.L2, f.base, f.queries, f.gt, 10)
	correct := 0
	for qi, r := range f.results {
		r = slices.Clone(r)
		q := f.queries.Row(qi)
		sort.SliceStable(r, func(a, b int) bool {
			return Distance(vector.L2, q, f.base.Row(int(r[a]))) < Distance(vector.L2, q, f.base.Row(int(r[b])))
		})
		count := map[int32]int{}
		top := 0
		for _, id := range r {
			count[bl[id]]++
			top = max(top, count[bl[id]])
		}
		for _, id := range r {
			if count[bl[id]] == top {
				if bl[id] == ql[qi] {
					correct++
				}
				break
			}
		}
	}
	want := float64(correct) / float64(len(f.results))
	got, err := tr.KNNAccuracy(f.results, bl, ql)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("accuracy %v, direct computation %v", got, want)
	}
}
