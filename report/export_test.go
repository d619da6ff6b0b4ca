package report

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

func TestExportGolden(t *testing.T) {
	rs := fixture(t, "base")
	var c, b bytes.Buffer
	if err := WriteCSV(&c, rs); err != nil {
		t.Fatal(err)
	}
	golden(t, "base.csv", c.Bytes())
	if err := WriteBenchfmt(&b, rs); err != nil {
		t.Fatal(err)
	}
	golden(t, "base.bench", b.Bytes())
}

func TestCSVShape(t *testing.T) {
	rs := fixture(t, "base")
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v", err)
	}
	points := 0
	for _, r := range rs {
		points += len(r.Points)
	}
	if len(rows) != points+1 {
		t.Fatalf("%d rows, want header + %d points", len(rows), points)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"recall", "qps", "pareto", "index.M", "query.ef", "query.nprobe"} {
		if _, ok := col[h]; !ok {
			t.Errorf("no %q column in %v", h, rows[0])
		}
	}
	pareto := 0
	for _, row := range rows[1:] {
		if row[col["pareto"]] == "true" {
			pareto++
		}
		if _, err := strconv.ParseFloat(row[col["qps"]], 64); err != nil {
			t.Errorf("qps %q: %v", row[col["qps"]], err)
		}
	}
	// flat×2, hnsw 8 (all on its frontier), ivf 4, tiny ivf 2.
	if pareto != 16 {
		t.Errorf("%d points marked pareto, want 16", pareto)
	}
}

// benchLine is the shape benchfmt accepts: a name without spaces starting
// with Benchmark and an upper-case letter, an iteration count, then
// value-unit pairs.
var benchLine = regexp.MustCompile(`^Benchmark[A-Z][^\s]*\s+\d+(\s+[-0-9.e+]+\s+\S+)+$`)

func TestBenchfmtShape(t *testing.T) {
	r := result.Result{Schema: result.Schema, Dataset: "my data/set", Algorithm: "odd alg", K: 10, Mode: "single", Threads: 1, Queries: 50,
		IndexParams: map[string]any{"metric=x": "a b/c"},
		Build:       result.Build{Seconds: 1.5, IndexBytes: 4096},
		Machines:    map[string]result.Machine{"m": {GOMAXPROCS: 1, CPU: "cpu\nwith newline"}},
		Points: []result.Point{
			{Machine: "m", QueryParams: map[string]any{"ef": 10.0}, Recall: 0.9, RecallAt1: 0.95, QPS: 2000, PassQPS: []float64{1900, 2000, 0}},
			{QueryParams: map[string]any{"ef": 20.0}, Recall: 0.95, QPS: 1000},
			{QueryParams: map[string]any{"ef": 40.0}, Recall: 0.99, QPS: 0},
			{QueryParams: map[string]any{"ef": 80.0}, Recall: 0.999, QPS: 500, PassQPS: []float64{500}, PassRepeats: []int{4}},
		}}
	var buf bytes.Buffer
	if err := WriteBenchfmt(&buf, []result.Result{r}); err != nil {
		t.Fatal(err)
	}
	var search, build int
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		switch {
		case strings.HasPrefix(line, "Benchmark"):
			if !benchLine.MatchString(line) {
				t.Errorf("malformed benchmark line %q", line)
			}
			if strings.HasPrefix(line, "BenchmarkSearch/") {
				search++
			} else {
				build++
			}
			if strings.Contains(line, "my data/set") || strings.Contains(line, "a b/c") {
				t.Errorf("unescaped name in %q", line)
			}
		case strings.HasPrefix(line, "Unit "), line == "":
		default:
			if !regexp.MustCompile(`^[a-z][a-z0-9-]*: \S.*$`).MatchString(line) {
				t.Errorf("malformed configuration line %q", line)
			}
		}
	}
	// Two positive passes of ef=10, one point of ef=20 without passes,
	// one pass of ef=80; zero-QPS passes and points are left out.
	if search != 4 || build != 1 {
		t.Errorf("%d search and %d build lines, want 4 and 1:\n%s", search, build, buf.String())
	}
	// A pass that ran the 50 queries 4 times counts 200 iterations.
	if !strings.Contains(buf.String(), "/ef=80 200 2000000 ns/op 500 qps") {
		t.Errorf("repeated pass not counted as queries × repeats:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "BenchmarkSearch/dataset=my_data_set/k=10/mode=single/threads=1/algorithm=odd_alg/metric_x=a_b_c/ef=10 50 526316 ns/op 1900 qps 0.9 recall 0.95 recall@1\n") {
		t.Errorf("unexpected line format:\n%s", buf.String())
	}
}
