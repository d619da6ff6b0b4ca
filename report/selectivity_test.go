package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

// filteredResults is one dataset measured without a filter and under two
// range filters by two algorithms; "slow" post-filters.
func filteredResults() []result.Result {
	mk := func(alg, filter string, sel float64, post bool, pts ...[2]float64) result.Result {
		r := result.Result{Schema: result.Schema, Dataset: "ds", Metric: "l2", Algorithm: alg, K: 10, Mode: "single", Threads: 1, Queries: 100,
			IndexParams: map[string]any{}}
		if filter != "" {
			r.Filter = &result.Filter{ID: filter, Kind: "range", Selectivity: sel, PostFilter: post}
		}
		for i, p := range pts {
			r.Points = append(r.Points, result.Point{QueryParams: map[string]any{"ef": i}, Recall: p[0], QPS: p[1], Trials: 1})
		}
		return r
	}
	return []result.Result{
		mk("fast", "", 1, false, [2]float64{0.9, 9000}, [2]float64{0.97, 6000}),
		mk("fast", "range=0.1", 0.1, false, [2]float64{0.92, 5000}, [2]float64{0.99, 3000}),
		mk("fast", "range=0.01", 0.01, false, [2]float64{1, 8000}),
		mk("slow", "", 1, false, [2]float64{0.95, 1000}),
		mk("slow", "range=0.1", 0.1, true, [2]float64{0.96, 500}),
		mk("slow", "range=0.01", 0.01, true, [2]float64{0.8, 100}),
	}
}

func TestSelectivityGroups(t *testing.T) {
	gs := selectivityGroups(filteredResults(), SelectivityTargets)
	if len(gs) != 1 {
		t.Fatalf("%d groups, want 1", len(gs))
	}
	g := gs[0]
	var ids []string
	for _, c := range g.Columns {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, ","); got != ",range=0.1,range=0.01" {
		t.Errorf("columns %q, want none, range=0.1, range=0.01 (largest selectivity first)", got)
	}
	if e := g.best["fast"]["range=0.1"][1]; !e.Reached || e.QPS >= 5000 || e.QPS <= 3000 {
		t.Errorf("fast at range=0.1, recall 0.95: %+v, want an interpolation between 5000 and 3000", e)
	}
	if e := g.best["slow"]["range=0.01"][0]; e.Reached {
		t.Errorf("slow at range=0.01 reached 0.9 with recall 0.8: %+v", e)
	}
	// Results without filters make no group.
	var plain []result.Result
	for _, r := range filteredResults() {
		if r.Filter == nil {
			plain = append(plain, r)
		}
	}
	if gs := selectivityGroups(plain, SelectivityTargets); len(gs) != 0 {
		t.Errorf("%d groups from unfiltered results", len(gs))
	}
}

func TestRenderSelectivity(t *testing.T) {
	dir := t.TempDir()
	rs := filteredResults()
	if err := Render(dir, rs, Options{Warn: &bytes.Buffer{}}); err != nil {
		t.Fatal(err)
	}
	checkImage(t, filepath.Join(dir, "ds", SelectivityFile+".png"))
	checkImage(t, filepath.Join(dir, "ds", SelectivityFile+".svg"))
	md, err := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## ds: filtered search", "| QPS @ recall ≥ 0.9 | none (100 %) | range=0.1 (10 %) | range=0.01 (1 %) |",
		"| slow | 1,000 | 500 post-filter | — |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<h2>ds: filtered search</h2>`) || !strings.Contains(string(page), "range=0.01 (1 %)") {
		t.Error("report.html lacks the filtered-search tables")
	}
}
