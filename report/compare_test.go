package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

func TestCompareGolden(t *testing.T) {
	c := Compare(fixture(t, "base"), fixture(t, "new"), CompareOptions{})
	var buf bytes.Buffer
	if err := c.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.md", buf.Bytes())
	if c.Regressions() == 0 {
		t.Errorf("the planted slowdown of hnsw M=16 in testdata/new was not found")
	}
}

// sweep makes a result whose points sit on a typical recall/QPS curve,
// each timed pass within ±spread of the median.
func sweep(alg string, scale, spread float64) result.Result {
	r := result.Result{Schema: result.Schema, Dataset: "d", Algorithm: alg, K: 10, Mode: "single", Threads: 1,
		IndexParams: map[string]any{"M": 16.0}}
	for i, rec := range []float64{0.7, 0.82, 0.91, 0.96, 0.993} {
		q := 20000 / float64(int(1)<<i) * scale
		r.Points = append(r.Points, result.Point{
			QueryParams: map[string]any{"ef": float64(int(10) << i)}, Recall: rec, QPS: q,
			QPSMin: q * (1 - spread), QPSMax: q * (1 + spread),
			PassQPS: []float64{q * (1 - spread), q, q * (1 + spread)},
		})
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
		{"30% drop inside a very noisy spread", 0.70, 0.25, false},
		{"30% faster", 1.30, 0.02, false},
		{"unchanged", 1.0, 0.02, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := []result.Result{sweep("hnsw", 1, tt.spread)}
			next := []result.Result{sweep("hnsw", tt.scale, tt.spread)}
			c := Compare(base, next, CompareOptions{})
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
	if n := Compare(base, next, CompareOptions{Threshold: 0.03}).Regressions(); n == 0 {
		t.Errorf("a 5%% drop with --threshold 3%% is not a regression")
	}
	if n := Compare(base, next, CompareOptions{}).Regressions(); n != 0 {
		t.Errorf("a 5%% drop with the default threshold gave %d regressions", n)
	}
}

func TestCompareRecall(t *testing.T) {
	base := []result.Result{sweep("hnsw", 1, 0.01)}
	next := []result.Result{sweep("hnsw", 1, 0.01)}
	next[0].Points[2].Recall -= 0.05  // real recall loss
	next[0].Points[3].Recall -= 0.005 // within the recall threshold
	next[0].Points = next[0].Points[:4]
	c := Compare(base, next, CompareOptions{})
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
	c := Compare(base, next, CompareOptions{})
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
	if c := Compare(base, next, CompareOptions{}); len(c.Notes) != 0 {
		t.Errorf("notes for identical setups: %q", c.Notes)
	}
	next[0].K = 100
	next[0].Machine.CPU = "Other CPU"
	c := Compare(base, next, CompareOptions{})
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
