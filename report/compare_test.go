package report

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/result"
	"github.com/annbench/annbench/runner/stats"
)

func TestCompareGolden(t *testing.T) {
	// The fixtures have five passes a side: at a false-discovery rate of
	// 0.05 the planted slowdown of hnsw M=16 is found.
	c := mustCompare(t, fixture(t, "base"), fixture(t, "new"), CompareOptions{Alpha: 0.05})
	var buf bytes.Buffer
	if err := c.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.md", buf.Bytes())
	if c.Regressions() != 3 {
		t.Errorf("%d regressions, want 3: the planted slowdown of hnsw M=16 in testdata/new (two rows) and the recall loss", c.Regressions())
	}
	// At the default 0.01 five passes cannot carry a change of one
	// algorithm through the adjustment over 9 tests (its p 2/C(10,5) =
	// 0.008 becomes q 0.018): those rows are "not enough samples", not
	// "~", and only the recall loss fails.
	c = mustCompare(t, fixture(t, "base"), fixture(t, "new"), CompareOptions{})
	if c.Regressions() != 1 || c.TooFew() != 2 || c.Tests() != 9 {
		t.Errorf("default alpha: %d regressions, %d not enough samples, %d tests; want 1, 2, 9", c.Regressions(), c.TooFew(), c.Tests())
	}
}

// TestCompareFalseDiscovery plants changes in some algorithms of a
// comparison of six and checks the Benjamini–Hochberg verdicts.
func TestCompareFalseDiscovery(t *testing.T) {
	algs := []string{"flat", "hnsw", "ivfflat", "ivfpq", "pq", "scann"}
	set := func(n int, scale map[string]float64) []result.Result {
		var rs []result.Result
		for _, a := range algs {
			s := scale[a]
			if s == 0 {
				s = 1
			}
			r := sweepN(a, s, 0.01, n)
			if a == "flat" {
				r.Points = r.Points[len(r.Points)-1:] // one point, recall 0.993
			}
			rs = append(rs, r)
		}
		return rs
	}
	byAlg := func(c *Comparison, v Verdict) map[string]int {
		m := map[string]int{}
		for _, l := range c.Levels {
			if l.Verdict == v {
				m[l.Algorithm]++
			}
		}
		return m
	}
	// The machine (or a shared kernel) halves everything: found with six
	// passes a side, every row at the smallest p, 2/C(12,6) = 0.0022.
	c := mustCompare(t, set(6, nil), set(6, map[string]float64{"flat": 0.5, "hnsw": 0.5, "ivfflat": 0.5, "ivfpq": 0.5, "pq": 0.5, "scann": 0.5}), CompareOptions{})
	if c.Regressions() != len(c.Levels) {
		t.Errorf("everything halved, 6 passes: %d of %d rows regressions", c.Regressions(), len(c.Levels))
	}
	// Rows at one frontier point share their passes and count as one
	// test: flat's four rows are one, each other algorithm's four rows
	// interpolate between different points and are four.
	if c.Tests() != 1+4*(len(algs)-1) {
		t.Errorf("%d tests, want %d", c.Tests(), 1+4*(len(algs)-1))
	}
	// One algorithm halved: with six passes a side its four tests at
	// p 0.0022 do not survive the adjustment over 21 (q 0.011), so its
	// rows say "not enough samples" and nothing fails.
	c = mustCompare(t, set(6, nil), set(6, map[string]float64{"hnsw": 0.5}), CompareOptions{})
	if c.Failed() || byAlg(c, TooFew)["hnsw"] != 4 || c.TooFew() != 4 {
		t.Errorf("hnsw halved, 6 passes: failed %v, not enough samples %v", c.Failed(), byAlg(c, TooFew))
	}
	// Eight passes a side (p 2/C(16,8) = 0.00016) find it, and only it.
	c = mustCompare(t, set(8, nil), set(8, map[string]float64{"hnsw": 0.5}), CompareOptions{})
	if got := byAlg(c, Regression); c.Regressions() != 4 || got["hnsw"] != 4 {
		t.Errorf("hnsw halved, 8 passes: regressions %v", got)
	}
	for _, l := range c.Levels {
		if l.Algorithm == "hnsw" && !(l.Q <= 0.01 && l.Q >= l.P) {
			t.Errorf("hnsw %v: p %v q %v, want p ≤ q ≤ 0.01", l.Base.Target, l.P, l.Q)
		}
	}
	// Two algorithms slowed by 20% with six passes: four tests each at
	// p 0.0022 among 21 give q 0.0057 (BH's k = 8), so both are found.
	c = mustCompare(t, set(6, nil), set(6, map[string]float64{"hnsw": 0.8, "pq": 0.8}), CompareOptions{})
	if got := byAlg(c, Regression); c.Regressions() != 8 || got["hnsw"] != 4 || got["pq"] != 4 {
		t.Errorf("hnsw and pq slowed, 6 passes: regressions %v", got)
	}
}

func mustCompare(t *testing.T, base, next []result.Result, opt CompareOptions) *Comparison {
	t.Helper()
	c, err := Compare(base, next, opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sweep makes a result whose points sit on a typical recall/QPS curve,
// with five timed passes evenly spread over ±spread of the median.
func sweep(alg string, scale, spread float64) result.Result {
	return sweepN(alg, scale, spread, 5)
}

// sweepN is sweep with n passes per point (n = 0: none recorded, as in
// old result files).
func sweepN(alg string, scale, spread float64, n int) result.Result {
	r := result.Result{Schema: result.Schema, Dataset: "d", Algorithm: alg, K: 10, Mode: "single", Threads: 1,
		IndexParams: map[string]any{"M": 16.0}}
	for i, rec := range []float64{0.7, 0.82, 0.91, 0.96, 0.993} {
		q := 20000 / float64(int(1)<<i) * scale
		p := result.Point{QueryParams: map[string]any{"ef": float64(int(10) << i)}, Recall: rec, QPS: q,
			QPSMin: q * (1 - spread), QPSMax: q * (1 + spread)}
		for j := 0; j < n; j++ {
			f := 0.0
			if n > 1 {
				f = 2*float64(j)/float64(n-1) - 1
			}
			p.PassQPS = append(p.PassQPS, q*(1+f*spread))
		}
		r.Points = append(r.Points, p)
	}
	return r
}

func TestCompareRegressionThreshold(t *testing.T) {
	tests := []struct {
		name       string
		scale      float64 // NEW QPS relative to BASE
		spread     float64 // relative half-range of each side's trials
		regression bool
	}{
		{"30% drop", 0.70, 0.02, true},
		{"3% drop", 0.97, 0.02, false},
		{"12% drop just over threshold", 0.88, 0.02, true},
		{"8% drop under threshold", 0.92, 0.005, false},
		{"30% drop inside a very noisy spread", 0.70, 0.45, false},
		{"30% faster", 1.30, 0.02, false},
		{"unchanged", 1.0, 0.02, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := []result.Result{sweep("hnsw", 1, tt.spread)}
			next := []result.Result{sweep("hnsw", tt.scale, tt.spread)}
			c := mustCompare(t, base, next, CompareOptions{})
			if got := c.Regressions() > 0; got != tt.regression {
				var buf bytes.Buffer
				c.WriteTable(&buf)
				t.Fatalf("regression = %v, want %v\n%s", got, tt.regression, buf.String())
			}
			for _, l := range c.Levels {
				if l.Verdict == Lost || l.Verdict == Gained || l.Verdict == NotReached {
					t.Errorf("level %v: verdict %s, want a QPS comparison", l.Base.Target, l.Verdict)
				}
			}
			if tt.scale > 1.2 {
				for _, l := range c.Levels {
					if l.Verdict != Better {
						t.Errorf("level %v: verdict %s, want %s", l.Base.Target, l.Verdict, Better)
					}
				}
			}
		})
	}
}

func TestCompareCustomThreshold(t *testing.T) {
	base := []result.Result{sweep("hnsw", 1, 0.01)}
	next := []result.Result{sweep("hnsw", 0.95, 0.01)}
	if n := mustCompare(t, base, next, CompareOptions{Threshold: 0.03}).Regressions(); n == 0 {
		t.Errorf("a 5%% drop with --threshold 3%% is not a regression")
	}
	if n := mustCompare(t, base, next, CompareOptions{}).Regressions(); n != 0 {
		t.Errorf("a 5%% drop with the default threshold gave %d regressions", n)
	}
}

func TestCompareRecall(t *testing.T) {
	base := []result.Result{sweep("hnsw", 1, 0.01)}
	next := []result.Result{sweep("hnsw", 1, 0.01)}
	next[0].Points[2].Recall -= 0.05  // real recall loss
	next[0].Points[3].Recall -= 0.005 // within the recall threshold
	next[0].Points = next[0].Points[:4]
	c := mustCompare(t, base, next, CompareOptions{})
	verdicts := map[string]Verdict{}
	for _, p := range c.Points {
		verdicts[p.QueryParams] = p.Verdict
	}
	want := map[string]Verdict{"ef=10": Same, "ef=20": Same, "ef=40": Regression, "ef=80": Same, "ef=160": Unmatched}
	for k, v := range want {
		if verdicts[k] != v {
			t.Errorf("%s: verdict %q, want %q", k, verdicts[k], v)
		}
	}
	lost := false
	for _, l := range c.Levels {
		if l.Base.Target == 0.99 && l.Verdict == Lost {
			lost = true
		}
	}
	if !lost {
		t.Errorf("recall 0.99 no longer reached but not marked %q", Lost)
	}
}

func TestCompareUnmatchedAlgorithm(t *testing.T) {
	base := []result.Result{sweep("hnsw", 1, 0.01)}
	next := []result.Result{sweep("hnsw", 1, 0.01), sweep("ivf", 1, 0.01)}
	c := mustCompare(t, base, next, CompareOptions{})
	if c.Regressions() != 0 {
		t.Errorf("a new algorithm counted as a regression")
	}
	var buf bytes.Buffer
	if err := c.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "| d | ivf | 0.9 | — |") || !strings.Contains(buf.String(), "gained") {
		t.Errorf("table does not show the NEW-only algorithm as gained:\n%s", buf.String())
	}
}

func TestCompareNotes(t *testing.T) {
	base := []result.Result{sweep("hnsw", 1, 0.01)}
	next := []result.Result{sweep("hnsw", 1, 0.01)}
	if c := mustCompare(t, base, next, CompareOptions{}); len(c.Notes) != 0 {
		t.Errorf("notes for identical setups: %q", c.Notes)
	}
	next[0].K = 100
	next[0].Machines = map[string]result.Machine{"m": {CPU: "Other CPU"}}
	c := mustCompare(t, base, next, CompareOptions{})
	var buf bytes.Buffer
	if err := c.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"BASE ran with k=10, mode single, threads 1 but NEW with k=100", "NEW on Other CPU (0 cores)"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("table lacks note %q:\n%s", s, buf.String())
		}
	}
}

func TestCompareNotEnoughSamples(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		base := []result.Result{sweepN("hnsw", 1, 0.01, n)}
		next := []result.Result{sweepN("hnsw", 0.5, 0.01, n)}
		c := mustCompare(t, base, next, CompareOptions{})
		if c.Regressions() != 0 || c.Failed() {
			t.Errorf("%d passes per side: a halving with too few passes was judged a regression", n)
		}
		if c.TooFew() != len(c.Levels) {
			t.Errorf("%d passes per side: %d of %d rows not enough samples", n, c.TooFew(), len(c.Levels))
		}
		var buf bytes.Buffer
		if err := c.WriteTable(&buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "not enough samples (a test at p ≤ 0.01 needs at least 5 passes per side") {
			t.Errorf("%d passes: table does not say why no verdict was given:\n%s", n, buf.String())
		}
	}
	// Within the threshold needs no test: "~" even with one pass.
	c := mustCompare(t, []result.Result{sweepN("hnsw", 1, 0.01, 1)}, []result.Result{sweepN("hnsw", 0.97, 0.01, 1)}, CompareOptions{})
	if c.TooFew() != 0 || c.Regressions() != 0 {
		t.Errorf("a 3%% change with one pass: %d too few, %d regressions", c.TooFew(), c.Regressions())
	}
	// Four passes a side are enough at 0.05 (2/C(8,4) = 0.029), not at
	// the default 0.01.
	c = mustCompare(t, []result.Result{sweepN("hnsw", 1, 0.01, 4)}, []result.Result{sweepN("hnsw", 0.5, 0.01, 4)}, CompareOptions{})
	if c.TooFew() != len(c.Levels) {
		t.Errorf("a halving with 4 passes a side at alpha 0.01: %d of %d levels not enough samples", c.TooFew(), len(c.Levels))
	}
	c = mustCompare(t, []result.Result{sweepN("hnsw", 1, 0.01, 4)}, []result.Result{sweepN("hnsw", 0.5, 0.01, 4)}, CompareOptions{Alpha: 0.05})
	if c.Regressions() != len(c.Levels) {
		t.Errorf("a halving with 4 passes a side: %d of %d levels are regressions", c.Regressions(), len(c.Levels))
	}
}

func TestCompareSignificance(t *testing.T) {
	// Noise from one distribution on both sides (seeded A/A pairs): ±30%
	// per pass, so medians of 10 passes often differ by more than the
	// threshold. The test keeps false regressions near alpha/2 (one
	// direction) of the rows whose change exceeds the threshold; the
	// threshold alone would flag every one of those.
	rng := rand.New(rand.NewPCG(1, 2))
	noisy := func(scale float64) result.Result {
		r := sweepN("hnsw", scale, 0, 0)
		for i := range r.Points {
			p := &r.Points[i]
			for j := 0; j < 10; j++ {
				p.PassQPS = append(p.PassQPS, p.QPS*(0.7+0.6*rng.Float64()))
			}
			p.QPS = stats.Median(p.PassQPS)
		}
		return r
	}
	var beyond, regressions int
	for trial := 0; trial < 200; trial++ {
		c := mustCompare(t, []result.Result{noisy(1)}, []result.Result{noisy(1)}, CompareOptions{})
		regressions += c.Regressions()
		for _, l := range c.Levels {
			if l.Change < -c.Threshold {
				beyond++
			}
		}
	}
	if beyond < 50 {
		t.Fatalf("only %d A/A rows beyond the threshold: the noise is too small to test anything", beyond)
	}
	if rate := float64(regressions) / 800; rate > 0.025 {
		t.Errorf("A/A: %d false regressions in 800 rows (%.1f%%; %d beyond the threshold), want at most 2.5%%",
			regressions, 100*rate, beyond)
	}
	// The same noise around a halved median is found every time.
	for trial := 0; trial < 20; trial++ {
		c := mustCompare(t, []result.Result{noisy(1)}, []result.Result{noisy(0.5)}, CompareOptions{})
		if c.Regressions() != len(c.Levels) {
			t.Fatalf("halving, trial %d: %d of %d levels are regressions", trial, c.Regressions(), len(c.Levels))
		}
		for _, l := range c.Levels {
			if !(l.P <= 0.05) {
				t.Errorf("halving: p = %v", l.P)
			}
		}
	}
}

func TestCompareOptionsCheck(t *testing.T) {
	bad := []CompareOptions{
		{Threshold: math.NaN()}, {Threshold: -0.1}, {Threshold: 1.5},
		{RecallThreshold: math.NaN()}, {RecallThreshold: -1}, {RecallThreshold: 1},
		{Alpha: math.NaN()}, {Alpha: -0.05}, {Alpha: 1},
		{Targets: []float64{0.9, 1.2}}, {Targets: []float64{math.NaN()}},
	}
	r := []result.Result{sweep("hnsw", 1, 0.01)}
	for _, o := range bad {
		if _, err := Compare(r, r, o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if _, err := Compare(r, r, CompareOptions{Threshold: 1, Alpha: 0.01, RecallThreshold: 0.5}); err != nil {
		t.Errorf("valid options rejected: %v", err)
	}
}

func TestCompareMissing(t *testing.T) {
	other := sweep("hnsw", 1, 0.01)
	other.Dataset = "e"
	base := []result.Result{sweep("hnsw", 1, 0.01), sweep("ivf", 1, 0.01), other}
	next := []result.Result{sweep("hnsw", 1, 0.01)}
	c := mustCompare(t, base, next, CompareOptions{})
	if want := []string{"d/ivf", "e"}; !slices.Equal(c.Missing, want) {
		t.Errorf("missing %q, want %q", c.Missing, want)
	}
	if !c.Failed() || c.Regressions() != 0 {
		t.Errorf("missing algorithm and dataset: failed %v, %d regressions; want failed, 0", c.Failed(), c.Regressions())
	}
	var buf bytes.Buffer
	if err := c.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"> **Missing in NEW** (this fails the comparison): d/ivf, e", "| d | ivf | 0.8 |", "| MISSING |", "**Missing in NEW: d/ivf, e.**"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, buf.String())
		}
	}
	c = mustCompare(t, base, next, CompareOptions{AllowMissing: true})
	if c.Failed() || len(c.Missing) != 2 {
		t.Errorf("AllowMissing: failed %v, missing %q", c.Failed(), c.Missing)
	}
	// Something only NEW has is never missing.
	if c := mustCompare(t, next, base, CompareOptions{}); c.Failed() || len(c.Missing) != 0 {
		t.Errorf("NEW with more than BASE: failed %v, missing %q", c.Failed(), c.Missing)
	}
}

func TestCompareCPUNote(t *testing.T) {
	withCPU := func(r result.Result, share float64) result.Result {
		for i := range r.Points {
			p := &r.Points[i]
			p.PassSeconds = slices.Repeat([]float64{0.2}, len(p.PassQPS))
			p.PassCPUSeconds = slices.Repeat([]float64{0.2 * share}, len(p.PassQPS))
		}
		return r
	}
	quiet := []result.Result{withCPU(sweep("hnsw", 1, 0.01), 0.98)}
	if c := mustCompare(t, quiet, quiet, CompareOptions{}); len(c.Notes) != 0 {
		t.Errorf("notes for two quiet runs: %q", c.Notes)
	}
	busy := []result.Result{withCPU(sweep("hnsw", 0.5, 0.01), 0.5)}
	c := mustCompare(t, quiet, busy, CompareOptions{})
	want := "d: during the timed passes the process got 98% of the CPU time it could use on BASE and 50% on NEW"
	if len(c.Notes) != 1 || !strings.HasPrefix(c.Notes[0], want) {
		t.Errorf("notes %q, want one starting %q", c.Notes, want)
	}
	if c.Regressions() == 0 {
		t.Errorf("the note changed the verdict: a halving on a busy machine is still a regression")
	}
	// Without CPU times on one side (an older file) there is nothing to say.
	if c := mustCompare(t, []result.Result{sweep("hnsw", 1, 0.01)}, busy, CompareOptions{}); len(c.Notes) != 0 {
		t.Errorf("notes with CPU times on one side only: %q", c.Notes)
	}
}

func TestCPUClock(t *testing.T) {
	// The same code on a quiet and on a busy machine: wall QPS halves,
	// CPU QPS does not.
	withCPU := func(r result.Result, share float64) result.Result {
		for i := range r.Points {
			p := &r.Points[i]
			p.PassSeconds = slices.Repeat([]float64{0.2}, len(p.PassQPS))
			p.PassCPUSeconds = slices.Repeat([]float64{0.2 * share}, len(p.PassQPS))
		}
		return r
	}
	quiet := []result.Result{withCPU(sweep("hnsw", 1, 0.01), 1)}
	busy := []result.Result{withCPU(sweep("hnsw", 0.5, 0.01), 0.5)}
	if c := mustCompare(t, quiet, busy, CompareOptions{}); c.Regressions() == 0 {
		t.Fatalf("wall clock: a halving is not a regression")
	}
	q, err := CPUClock(quiet)
	if err != nil {
		t.Fatal(err)
	}
	b, err := CPUClock(busy)
	if err != nil {
		t.Fatal(err)
	}
	if c := mustCompare(t, q, b, CompareOptions{}); c.Regressions() != 0 {
		t.Errorf("cpu clock: %d regressions for the same code on a busy machine", c.Regressions())
	}
	if got, want := b[0].Points[0].QPS, busy[0].Points[0].QPS*2; math.Abs(got-want) > 1e-9*want {
		t.Errorf("cpu-clock QPS %v, want %v (wall QPS / CPU share)", got, want)
	}
	if busy[0].Points[0].PassQPS[0] != 10000*0.99 {
		t.Errorf("CPUClock changed its input: %v", busy[0].Points[0].PassQPS)
	}
	// Slower code is slower by either clock.
	slow := []result.Result{withCPU(sweep("hnsw", 0.5, 0.01), 1)}
	s, err := CPUClock(slow)
	if err != nil {
		t.Fatal(err)
	}
	if c := mustCompare(t, q, s, CompareOptions{}); c.Regressions() == 0 {
		t.Errorf("cpu clock: slower code is not a regression")
	}
	if _, err := CPUClock([]result.Result{sweep("hnsw", 1, 0.01)}); err == nil || !strings.Contains(err.Error(), "no CPU time per pass") {
		t.Errorf("points without CPU times: %v", err)
	}
}
