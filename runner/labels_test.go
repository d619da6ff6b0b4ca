package runner

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/algorithms/hnsw"
	"github.com/annbench/annbench/algorithms/ivfpq"
	"github.com/annbench/annbench/algorithms/scann"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// normalized returns a's index parameters with raw values set.
func normalized(t *testing.T, a algorithms.Algorithm, stage algorithms.Stage, raw map[string]any) algorithms.Params {
	t.Helper()
	p, err := a.Params.Normalize(stage, raw)
	if err != nil {
		t.Fatalf("%s: %v", a.Name, err)
	}
	return p
}

// TestLogLinesGolden fixes the format of the log lines of a run with two
// ivfpq index sets (nlist differs), hnsw with one non-default parameter,
// scann with defaults and flat: names carry only what differs, columns
// line up, and --verbose names everything.
func TestLogLinesGolden(t *testing.T) {
	q := func(a algorithms.Algorithm, raw ...map[string]any) []algorithms.Params {
		var out []algorithms.Params
		for _, r := range raw {
			out = append(out, normalized(t, a, algorithms.QueryTime, r))
		}
		return out
	}
	jobs := []config.Job{
		{Dataset: "synthetic-20k-64", Algorithm: flat.Algorithm, Index: algorithms.Params{}, Queries: []algorithms.Params{{}}},
		{Dataset: "synthetic-20k-64", Algorithm: ivfpq.Algorithm, Index: normalized(t, ivfpq.Algorithm, algorithms.IndexTime, map[string]any{"nlist": 100}),
			Queries: q(ivfpq.Algorithm, map[string]any{"nprobe": 1, "rerank": 0}, map[string]any{"nprobe": 64, "rerank": 100})},
		{Dataset: "synthetic-20k-64", Algorithm: ivfpq.Algorithm, Index: normalized(t, ivfpq.Algorithm, algorithms.IndexTime, map[string]any{"nlist": 1000}),
			Queries: q(ivfpq.Algorithm, map[string]any{"nprobe": 8, "rerank": 0})},
		{Dataset: "synthetic-20k-64", Algorithm: hnsw.Algorithm, Index: normalized(t, hnsw.Algorithm, algorithms.IndexTime, map[string]any{"M": 32}),
			Queries: q(hnsw.Algorithm, map[string]any{"ef": 10}, map[string]any{"ef": 160})},
		{Dataset: "synthetic-20k-64", Algorithm: scann.Algorithm, Index: normalized(t, scann.Algorithm, algorithms.IndexTime, map[string]any{}),
			Queries: q(scann.Algorithm, map[string]any{"leaves_to_search": 32, "reorder": 100})},
	}
	pts := []result.Point{
		{Recall: 1, RecallAt1: 1, QPS: 1033.4, CV: 0.158},
		{Recall: 0.41234, RecallAt1: 0.5, QPS: 123456.7, CV: 0.012},
		{Recall: 0.99987, RecallAt1: 1, QPS: 2345.6, CV: 0.3},
		{Recall: 0.9, RecallAt1: 0.95, QPS: 45678, CV: 0.05},
		{Recall: 0.71, RecallAt1: 0.8, QPS: 99.94, CV: 1.2},
		{Recall: 0.999, RecallAt1: 1, QPS: 4321, CV: 0.001},
		{Recall: 1, RecallAt1: 1, QPS: 4006, CV: 0.09},
	}
	var buf bytes.Buffer
	for _, verbose := range []bool{false, true} {
		l := newLabeler(jobs, verbose)
		i := 0
		for _, j := range jobs {
			buf.WriteString(l.job(j) + ": building\n")
			for _, qp := range j.Queries {
				pt := pts[i]
				pt.QueryParams = qp
				i++
				buf.WriteString(l.point(j, 10, pt) + "\n")
			}
		}
		buf.WriteString("\n")
	}
	golden(t, "log.txt", buf.Bytes())
}

// TestQuickstartLogLinesAreShort checks every point line of the
// quickstart run fits in 100 characters, even with a six-figure QPS.
func TestQuickstartLogLinesAreShort(t *testing.T) {
	cfg, err := config.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := cfg.Expand()
	if err != nil {
		t.Fatal(err)
	}
	l := newLabeler(plan.Jobs, false)
	n := 0
	for _, j := range plan.Jobs {
		for _, qp := range j.Queries {
			line := l.point(j, cfg.K, result.Point{QueryParams: qp, Recall: 0.9999, RecallAt1: 1, QPS: 999_999, CV: 0.999})
			if w := utf8.RuneCountInString(line); w > 100 {
				t.Errorf("%d characters, want at most 100: %s", w, line)
			}
			if strings.Contains(line, "seed=") || strings.Contains(line, "training_sample_size") {
				t.Errorf("line names a default parameter: %s", line)
			}
			n++
		}
	}
	if n < 20 {
		t.Fatalf("only %d quickstart points", n)
	}
}
