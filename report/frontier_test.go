package report

import (
	"math"
	"slices"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

// mk builds entries from (recall, qps) pairs, all in one result.
func mk(pairs ...[2]float64) []Entry {
	r := &result.Result{Algorithm: "a"}
	for _, p := range pairs {
		r.Points = append(r.Points, result.Point{Recall: p[0], QPS: p[1]})
	}
	return Entries([]*result.Result{r})
}

func pairsOf(es []Entry) [][2]float64 {
	out := make([][2]float64, len(es))
	for i, e := range es {
		out[i] = [2]float64{e.Recall(), e.QPS()}
	}
	return out
}

func TestFrontier(t *testing.T) {
	tests := []struct {
		name string
		in   [][2]float64
		want [][2]float64
	}{
		{"empty", nil, [][2]float64{}},
		{"single", [][2]float64{{0.5, 100}}, [][2]float64{{0.5, 100}}},
		{"sweep already optimal", [][2]float64{{0.9, 100}, {0.5, 1000}, {0.7, 500}},
			[][2]float64{{0.5, 1000}, {0.7, 500}, {0.9, 100}}},
		{"dominated dropped", [][2]float64{{0.5, 1000}, {0.6, 900}, {0.55, 800}, {0.9, 100}, {0.8, 90}},
			[][2]float64{{0.5, 1000}, {0.6, 900}, {0.9, 100}}},
		{"equal recall keeps faster", [][2]float64{{0.8, 100}, {0.8, 300}, {0.8, 200}},
			[][2]float64{{0.8, 300}}},
		{"equal qps keeps more accurate", [][2]float64{{0.7, 300}, {0.8, 300}},
			[][2]float64{{0.8, 300}}},
		{"duplicates kept once", [][2]float64{{0.8, 300}, {0.8, 300}},
			[][2]float64{{0.8, 300}}},
		{"non-positive and non-finite qps ignored", [][2]float64{{0.99, 0}, {0.95, -5}, {0.97, math.Inf(1)}, {0.9, math.NaN()}, {0.5, 10}},
			[][2]float64{{0.5, 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pairsOf(Frontier(mk(tt.in...)))
			if len(got) != len(tt.want) {
				t.Fatalf("Frontier = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("Frontier = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestFrontierAcrossResults(t *testing.T) {
	a := &result.Result{Algorithm: "x", IndexParams: map[string]any{"M": 8.0},
		Points: []result.Point{{Recall: 0.8, QPS: 1000}, {Recall: 0.9, QPS: 500}}}
	b := &result.Result{Algorithm: "x", IndexParams: map[string]any{"M": 16.0},
		Points: []result.Point{{Recall: 0.85, QPS: 900}, {Recall: 0.95, QPS: 550}}}
	f := Frontier(Entries([]*result.Result{a, b}))
	want := [][2]float64{{0.8, 1000}, {0.85, 900}, {0.95, 550}} // (0.9, 500) is dominated by (0.95, 550)
	if got := pairsOf(f); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("Frontier = %v, want %v", got, want)
	}
	if f[1].Result != b || f[0].Result != a {
		t.Errorf("frontier entries lost their results")
	}
}

func TestAtRecall(t *testing.T) {
	front := Frontier(mk([2]float64{0.5, 10000}, [2]float64{0.8, 1000}, [2]float64{0.9, 100}, [2]float64{0.99, 10}))
	tests := []struct {
		target       float64
		reached      bool
		qps          float64
		atRecall     float64
		interpolated bool
	}{
		{0.3, true, 10000, 0.5, false},                 // below the whole frontier: fastest point
		{0.5, true, 10000, 0.5, false},                 // exact hit
		{0.8, true, 1000, 0.8, false},                  // exact hit inside
		{0.85, true, math.Sqrt(1000 * 100), 0.9, true}, // halfway: geometric mean
		{0.65, true, math.Sqrt(10000 * 1000), 0.8, true},
		{0.9 - 1e-12, true, 100, 0.9, false}, // float noise counts as reached
		{0.99, true, 10, 0.99, false},
		{0.995, false, 0, 0, false},
	}
	for _, tt := range tests {
		e := AtRecall(front, tt.target)
		if e.Reached != tt.reached {
			t.Errorf("AtRecall(%v).Reached = %v, want %v", tt.target, e.Reached, tt.reached)
			continue
		}
		if !e.Reached {
			continue
		}
		if math.Abs(e.QPS-tt.qps) > 1e-9*tt.qps {
			t.Errorf("AtRecall(%v).QPS = %v, want %v", tt.target, e.QPS, tt.qps)
		}
		if e.At.Recall() != tt.atRecall {
			t.Errorf("AtRecall(%v).At.Recall = %v, want %v", tt.target, e.At.Recall(), tt.atRecall)
		}
		if e.Interpolated != tt.interpolated {
			t.Errorf("AtRecall(%v).Interpolated = %v, want %v", tt.target, e.Interpolated, tt.interpolated)
		}
	}
	if e := AtRecall(nil, 0.9); e.Reached {
		t.Errorf("AtRecall on an empty frontier reached the target")
	}
}

func TestAtRecallSpread(t *testing.T) {
	r := &result.Result{Points: []result.Point{
		{Recall: 0.8, QPS: 1000, PassQPS: []float64{900, 1000, 1100}},
		{Recall: 0.9, QPS: 100, QPSMin: 80, QPSMax: 120},
	}}
	e := AtRecall(Frontier(Entries([]*result.Result{r})), 0.85)
	want := func(a, b float64) float64 { return math.Sqrt(a * b) }
	if math.Abs(e.Lo-want(900, 80)) > 1e-9 || math.Abs(e.Hi-want(1100, 120)) > 1e-9 {
		t.Errorf("spread = [%v, %v], want [%v, %v]", e.Lo, e.Hi, want(900, 80), want(1100, 120))
	}
	if !(e.Lo <= e.QPS && e.QPS <= e.Hi) {
		t.Errorf("QPS %v outside its spread [%v, %v]", e.QPS, e.Lo, e.Hi)
	}
}

func TestSpread(t *testing.T) {
	tests := []struct {
		name   string
		p      result.Point
		lo, hi float64
	}{
		{"passes", result.Point{QPS: 100, PassQPS: []float64{95, 110, 100}, QPSMin: 1, QPSMax: 1000}, 95, 110},
		{"min max", result.Point{QPS: 100, QPSMin: 90, QPSMax: 120}, 90, 120},
		{"cv", result.Point{QPS: 100, CV: 0.05}, 90, 110},
		{"single pass", result.Point{QPS: 100}, 100, 100},
	}
	for _, tt := range tests {
		lo, hi := Spread(tt.p)
		if math.Abs(lo-tt.lo) > 1e-9 || math.Abs(hi-tt.hi) > 1e-9 {
			t.Errorf("%s: Spread = [%v, %v], want [%v, %v]", tt.name, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestLegendNames(t *testing.T) {
	hnswDefaults := map[string]any{"M": 16, "ef_construction": 200, "seed": 1}
	a := &result.Result{Algorithm: "hnsw", IndexDefaults: hnswDefaults, IndexParams: map[string]any{"M": 8.0, "seed": 1.0, "ef_construction": 200.0}}
	b := &result.Result{Algorithm: "hnsw", IndexDefaults: hnswDefaults, IndexParams: map[string]any{"M": 16.0, "seed": 1.0, "ef_construction": 200.0}}
	c := &result.Result{Algorithm: "scann", IndexDefaults: map[string]any{"num_leaves": 100, "seed": 1}, IndexParams: map[string]any{"num_leaves": 100.0, "seed": 1.0}}
	d := &result.Result{Algorithm: "flat"}
	long := &result.Result{Algorithm: "ivf", IndexParams: map[string]any{"a_very_long_parameter_name": 1.0, "another_very_long_parameter_name": "x"}}
	long2 := &result.Result{Algorithm: "ivf", IndexParams: map[string]any{"a_very_long_parameter_name": 2.0, "another_very_long_parameter_name": "y"}}
	got := legendNames([]*result.Result{a, b, c, d, long, long2})
	want := map[*result.Result]string{a: "hnsw M=8", b: "hnsw M=16", c: "scann", d: "flat",
		long: "ivf a_very_long_parameter_name=1 another_very_long_paramete…"}
	for r, w := range want {
		if got[r] != w {
			t.Errorf("legend name of %s %v = %q, want %q", r.Algorithm, r.IndexParams, got[r], w)
		}
	}
}

func TestPassSamples(t *testing.T) {
	// Same length: pass i with pass i, geometrically (w = ½ of 100 and
	// 400 is 200).
	got := passSamples([]float64{100, 1000}, []float64{400, 10}, 0.5)
	if len(got) != 2 || math.Abs(got[0]-200) > 1e-9 || math.Abs(got[1]-100) > 1e-9 {
		t.Errorf("paired by index: %v, want [200 100]", got)
	}
	// Different lengths: by rank over the shorter list, taking the
	// longer list's minimum, median and maximum.
	got = passSamples([]float64{300, 100, 200, 500, 400}, []float64{30, 10, 20}, 0)
	approx := func(a, b []float64) bool {
		return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*y })
	}
	if !approx(got, []float64{100, 300, 500}) {
		t.Errorf("paired by rank, w=0: %v, want [100 300 500]", got)
	}
	got = passSamples([]float64{300, 100, 200, 500, 400}, []float64{30, 10, 20}, 1)
	if !approx(got, []float64{10, 20, 30}) {
		t.Errorf("paired by rank, w=1: %v, want [10 20 30]", got)
	}
	if passSamples(nil, []float64{1}, 0.5) != nil {
		t.Errorf("no passes on one side gave samples")
	}
}
