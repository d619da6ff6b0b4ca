package report

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

// grid returns a result whose points are a two-parameter sweep in the
// order the config expands it, with recall growing in both parameters.
func grid(axis string, axisVals []float64, other string, otherVals []float64) *result.Result {
	r := &result.Result{Algorithm: "x", IndexParams: map[string]any{}}
	for _, o := range otherVals {
		for i, a := range axisVals {
			r.Points = append(r.Points, result.Point{
				QueryParams: map[string]any{axis: a, other: o},
				Recall:      0.3 + 0.08*float64(i) + o/1000,
				QPS:         10000 / (1 + a),
			})
		}
	}
	// Interleave, as a sweep with the other parameter outermost would.
	for i, j := 0, len(r.Points)-1; i < j; i, j = i+1, j-1 {
		if i%2 == 0 {
			r.Points[i], r.Points[j] = r.Points[j], r.Points[i]
		}
	}
	return r
}

func lineSig(line []Entry, key string) string {
	s := ""
	for _, e := range line {
		s += fmt.Sprintf("%s ", result.FormatValue(e.Point.QueryParams[key]))
	}
	return s
}

func TestSweepLinesTwoParameters(t *testing.T) {
	for _, c := range []struct {
		axis, other string
		axisVals    []float64
		otherVals   []float64
	}{
		{"nprobe", "rerank", []float64{1, 2, 4, 8, 16, 32, 64}, []float64{0, 100}},                 // ivfpq
		{"leaves_to_search", "reorder", []float64{1, 2, 4, 8, 16, 32}, []float64{20, 100}},         // scann
		{"ef", "a_rarely_swept", []float64{10, 20, 40, 80}, []float64{1, 2, 3}},                    // axis not first alphabetically
		{"nprobe", "rerank", []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}, []float64{0}}, // one value: one line
	} {
		r := grid(c.axis, c.axisVals, c.other, c.otherVals)
		es := Entries([]*result.Result{r})
		if got := sweepAxis(es); got != c.axis {
			t.Errorf("%s × %s: sweep axis %q, want %q", c.axis, c.other, got, c.axis)
		}
		lines := sweepLines(es)
		if len(lines) != len(c.otherVals) {
			t.Fatalf("%s × %s: %d lines, want one per %s value (%d)", c.axis, c.other, len(lines), c.other, len(c.otherVals))
		}
		total := 0
		for li, line := range lines {
			total += len(line)
			fixed := line[0].Point.QueryParams[c.other]
			if fixed != c.otherVals[li] {
				t.Errorf("%s × %s: line %d has %s=%v, want lines in order of %s (%v)", c.axis, c.other, li, c.other, fixed, c.other, c.otherVals[li])
			}
			for i, e := range line {
				if v := e.Point.QueryParams[c.other]; v != fixed {
					t.Errorf("%s × %s: line %d mixes %s=%v and %v", c.axis, c.other, li, c.other, fixed, v)
				}
				if got := e.Point.QueryParams[c.axis]; got != c.axisVals[i] {
					t.Errorf("%s × %s: line %d point %d has %s=%v, want %v (points in axis order: %s)", c.axis, c.other, li, i, c.axis, got, c.axisVals[i], lineSig(line, c.axis))
				}
				// No zig-zag: recall never goes back along a line.
				if i > 0 && e.Recall() < line[i-1].Recall() {
					t.Errorf("%s × %s: line %d goes back in recall at point %d", c.axis, c.other, li, i)
				}
			}
		}
		if total != len(r.Points) {
			t.Errorf("%s × %s: lines hold %d points, want all %d", c.axis, c.other, total, len(r.Points))
		}
	}
}

func TestSweepLinesOneOrNoParameter(t *testing.T) {
	r := &result.Result{Algorithm: "hnsw"}
	for _, ef := range []float64{80, 10, 40, 20} {
		r.Points = append(r.Points, result.Point{QueryParams: map[string]any{"ef": ef}, Recall: ef / 100})
	}
	lines := sweepLines(Entries([]*result.Result{r}))
	if len(lines) != 1 || lineSig(lines[0], "ef") != "10 20 40 80 " {
		t.Errorf("ef sweep: got %d lines, first %q; want one line 10 20 40 80", len(lines), lineSig(lines[0], "ef"))
	}
	flat := &result.Result{Algorithm: "flat", Points: []result.Point{{Recall: 1}}}
	if lines := sweepLines(Entries([]*result.Result{flat})); len(lines) != 1 || len(lines[0]) != 1 {
		t.Errorf("no query parameters: %d lines, want 1 of 1 point", len(lines))
	}
	if lines := sweepLines(nil); lines != nil {
		t.Errorf("no points: %d lines, want none", len(lines))
	}
	// Text values sort naturally; numbers numerically, not as text.
	mixed := &result.Result{Points: []result.Point{
		{QueryParams: map[string]any{"n": 100.0}}, {QueryParams: map[string]any{"n": 9.0}}, {QueryParams: map[string]any{"n": 20.0}},
	}}
	if got := lineSig(sweepLines(Entries([]*result.Result{mixed}))[0], "n"); got != "9 20 100 " {
		t.Errorf("numeric axis order %q, want 9 20 100", got)
	}
	if compareValues("m2", "m10") >= 0 || compareValues("b", "a") <= 0 || compareValues("a", "a") != 0 {
		t.Errorf("compareValues does not order text naturally")
	}
}

// TestChartDataLines checks report.html's data uses the same sweep
// lines: the fixture's ivf series with nprobe only is one line.
func TestChartDataLines(t *testing.T) {
	groups := byDataset(fixture(t, "base"))
	d := newChartData(groups)
	if len(d.Datasets) != len(groups) {
		t.Fatalf("%d chart datasets, want %d", len(d.Datasets), len(groups))
	}
	for gi, g := range groups {
		if len(d.Datasets[gi].Series) != len(g.Results) {
			t.Errorf("%s: %d series, want one per result file (%d)", g.Name, len(d.Datasets[gi].Series), len(g.Results))
		}
		for si, s := range d.Datasets[gi].Series {
			n := 0
			for _, l := range s.Lines {
				n += len(l)
			}
			if want := len(g.Results[si].Points); n != want {
				t.Errorf("%s %s: %d points in lines, want %d", g.Name, s.Label, n, want)
			}
		}
	}
}

// TestQuickstartLinesDoNotZigZag draws the committed quickstart baseline
// (every algorithm, ivfpq's nprobe × rerank and scann's
// leaves_to_search × reorder included) and checks that along every sweep
// line recall never goes back by more than rounding: each line runs left
// to right across the plot.
func TestQuickstartLinesDoNotZigZag(t *testing.T) {
	rs, err := LoadWarn(filepath.Join("..", "results", "baseline"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	two := 0
	for i := range rs {
		r := &rs[i]
		lines := sweepLines(Entries([]*result.Result{r}))
		if len(lines) > 1 {
			two++
		}
		for li, line := range lines {
			for j := 1; j < len(line); j++ {
				if back := line[j-1].Recall() - line[j].Recall(); back > 0.002 {
					t.Errorf("%s line %d goes back %.4f in recall from %s to %s", r.Algorithm, li, back,
						result.ParamString(line[j-1].Point.QueryParams), result.ParamString(line[j].Point.QueryParams))
				}
			}
		}
	}
	if two < 2 {
		t.Errorf("%d series with more than one sweep line, want ivfpq and scann at least", two)
	}
}
