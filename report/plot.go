package report

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/annbench/annbench/runner/result"
)

// style is how one series (algorithm × index parameters) is drawn.
type style struct {
	color int
	glyph draw.GlyphDrawer
}

// styles assigns colours by algorithm and markers by series, in the
// order of rs (sorted by algorithm then parameters).
func styles(rs []*result.Result) map[*result.Result]style {
	algIdx := map[string]int{}
	out := map[*result.Result]style{}
	for i, r := range rs {
		if _, ok := algIdx[r.Algorithm]; !ok {
			algIdx[r.Algorithm] = len(algIdx)
		}
		out[r] = style{color: algIdx[r.Algorithm], glyph: glyphOf(i)}
	}
	return out
}

// runFacts describes k, mode and threads of a set of results, listing
// every distinct value when they differ.
func runFacts(rs []*result.Result) (k, mode, threads string) {
	var ks, ms, ts []string
	add := func(list *[]string, v string) {
		for _, x := range *list {
			if x == v {
				return
			}
		}
		*list = append(*list, v)
	}
	for _, r := range rs {
		add(&ks, fmt.Sprint(r.K))
		add(&ms, r.Mode)
		add(&ts, fmt.Sprint(r.Threads))
	}
	return strings.Join(ks, ","), strings.Join(ms, ","), strings.Join(ts, ",")
}

// usablePoints returns the points of r that fit a log QPS axis, sorted by
// recall, warning about the others.
func usablePoints(r *result.Result, warn io.Writer) []Entry {
	var es []Entry
	for i := range r.Points {
		e := Entry{Result: r, Point: &r.Points[i]}
		if !e.usable() {
			fmt.Fprintf(warn, "warning: %s: %s: dropping point %s with QPS %v from the plot (log axis needs QPS > 0)\n",
				r.Dataset, seriesName(r), result.ParamString(e.Point.QueryParams), e.Point.QPS)
			continue
		}
		es = append(es, e)
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].Recall() < es[j].Recall() })
	return es
}

// xys returns the (recall, QPS) coordinates of es.
func xys(es []Entry) plotter.XYs {
	out := make(plotter.XYs, len(es))
	for i, e := range es {
		out[i] = plotter.XY{X: e.Recall(), Y: e.QPS()}
	}
	return out
}

// recallQPSFigure draws recall@k against QPS for one dataset: thin
// faded lines per series (one per sweep line, see sweepLines), each algorithm's Pareto frontier bold on top,
// frontier points in full colour and dominated points faded.
func recallQPSFigure(g datasetGroup, opt Options, warn io.Writer) (*figure, error) {
	return accuracyQPSFigure(g, opt, warn, "recall@")
}

// accuracyQPSFigure is recallQPSFigure with its x axis named quantity+k
// (the points' Recall field holds what is drawn; see knnView).
func accuracyQPSFigure(g datasetGroup, opt Options, warn io.Writer, quantity string) (*figure, error) {
	k, mode, threads := runFacts(g.Results)
	p := newPanel(fmt.Sprintf("%s: %s%s vs QPS (mode %s, threads %s)", g.Name, quantity, k, mode, threads),
		quantity+k, "queries per second (log scale)")
	w, h := opt.size()
	f := newFigure(w, h, p)
	st := styles(g.Results)
	names := legendNames(g.Results)
	lo, hi := math.Inf(1), math.Inf(-1)
	minRecall := 1.0
	var markers []plot.Plotter // drawn last, above every line

	for ai, alg := range algorithmNames(g.Results) {
		rs := ofAlgorithm(g.Results, alg)
		var all []Entry
		series := make([][]Entry, len(rs))
		for i, r := range rs {
			series[i] = usablePoints(r, warn)
			all = append(all, series[i]...)
		}
		front := Frontier(all)
		on := map[*result.Point]bool{}
		for _, e := range front {
			on[e.Point] = true
		}
		col := colorOf(ai)
		for i, r := range rs {
			es := series[i]
			if len(es) == 0 {
				continue
			}
			s := st[r]
			var first *plotter.Line
			for _, sweep := range sweepLines(es) {
				line, err := plotter.NewLine(xys(sweep))
				if err != nil {
					return nil, fmt.Errorf("plot %s: %w", seriesName(r), err)
				}
				line.Color = faded(col)
				line.Width = vg.Points(1)
				line.Dashes = dashOf(ai)
				p.Add(line)
				if first == nil {
					first = line
				}
			}
			sc, err := plotter.NewScatter(xys(es))
			if err != nil {
				return nil, fmt.Errorf("plot %s: %w", seriesName(r), err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: s.glyph}
			sc.GlyphStyleFunc = func(j int) draw.GlyphStyle {
				if on[es[j].Point] {
					return draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: s.glyph}
				}
				return draw.GlyphStyle{Color: faded(col), Radius: vg.Points(2.5), Shape: s.glyph}
			}
			markers = append(markers, sc)
			f.legend.Add(names[r], first, sc)
			for _, e := range es {
				lo, hi = math.Min(lo, e.QPS()), math.Max(hi, e.QPS())
				minRecall = math.Min(minRecall, e.Recall())
			}
			if opt.Labels {
				l, err := pointLabels(es)
				if err != nil {
					return nil, err
				}
				markers = append(markers, l)
			}
		}
		if len(front) > 1 { // one point is no line; its marker is already full colour
			fl, err := plotter.NewLine(xys(front))
			if err != nil {
				return nil, fmt.Errorf("plot %s frontier: %w", alg, err)
			}
			fl.Color = col
			fl.Width = vg.Points(2.5)
			fl.Dashes = dashOf(ai)
			p.Add(fl)
			f.legend.Add(alg+" Pareto frontier", fl)
		}
	}
	p.Add(markers...)
	zoomRecall(p, minRecall)
	if math.IsInf(lo, 1) {
		p.Title.Text += " (no points with QPS > 0)"
	}
	setLogRange(p, lo, hi)
	p.Add(plotter.NewGrid())
	return f, nil
}

// pointLabels writes each point's query parameters beside it.
func pointLabels(es []Entry) (*plotter.Labels, error) {
	xy := plotter.XYLabels{XYs: xys(es), Labels: make([]string, len(es))}
	for i, e := range es {
		xy.Labels[i] = result.ParamJoin(e.Point.QueryParams, " ", "")
	}
	l, err := plotter.NewLabels(xy)
	if err != nil {
		return nil, fmt.Errorf("plot labels: %w", err)
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font.Size = vg.Points(7)
	}
	l.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(2)}
	return l, nil
}

// buildFigure draws, for one dataset, each series' build time and index
// size against the best recall its query sweep reached.
func buildFigure(g datasetGroup, opt Options, warn io.Writer) (*figure, error) {
	k, _, _ := runFacts(g.Results)
	pt := newPanel(g.Name+": build time", "best recall@"+k, "build seconds (log scale)")
	ps := newPanel(g.Name+": index size", "best recall@"+k, "index size, MiB (log scale)")
	w, h := opt.size()
	f := newFigure(w, h, pt, ps)
	st := styles(g.Results)
	names := legendNames(g.Results)
	tlo, thi := math.Inf(1), math.Inf(-1)
	slo, shi := math.Inf(1), math.Inf(-1)
	algIdx := map[string]int{}
	for _, r := range g.Results {
		if _, ok := algIdx[r.Algorithm]; !ok {
			algIdx[r.Algorithm] = len(algIdx)
		}
		best, ok := bestRecall(r)
		if !ok {
			fmt.Fprintf(warn, "warning: %s: %s: no points, left out of the build figure\n", r.Dataset, seriesName(r))
			continue
		}
		s := st[r]
		gs := draw.GlyphStyle{Color: colorOf(algIdx[r.Algorithm]), Radius: vg.Points(3.5), Shape: s.glyph}
		var thumb *plotter.Scatter
		// mark draws the result's point at (best, y) in p.
		mark := func(p *plot.Plot, y float64, what string) error {
			sc, err := plotter.NewScatter(plotter.XYs{{X: best, Y: y}})
			if err != nil {
				return fmt.Errorf("plot %s %s: %w", seriesName(r), what, err)
			}
			sc.GlyphStyle = gs
			p.Add(sc)
			thumb = sc
			return nil
		}
		if sec := r.Build.Seconds; sec > 0 {
			if err := mark(pt, sec, "build"); err != nil {
				return nil, err
			}
			tlo, thi = math.Min(tlo, sec), math.Max(thi, sec)
		} else {
			fmt.Fprintf(warn, "warning: %s: %s: build time %v s left out of the log-scale build figure\n", r.Dataset, seriesName(r), sec)
		}
		if b := r.Build.IndexBytes; b > 0 {
			mib := float64(b) / (1 << 20)
			if err := mark(ps, mib, "size"); err != nil {
				return nil, err
			}
			slo, shi = math.Min(slo, mib), math.Max(shi, mib)
		} else {
			fmt.Fprintf(warn, "warning: %s: %s: index size not reported, left out of the size figure\n", r.Dataset, seriesName(r))
		}
		if thumb != nil {
			f.legend.Add(names[r], thumb)
		}
	}
	setLogRange(pt, tlo, thi)
	setLogRange(ps, slo, shi)
	zoomRecall(pt, minBestRecall(g.Results))
	zoomRecall(ps, minBestRecall(g.Results))
	pt.Add(plotter.NewGrid())
	ps.Add(plotter.NewGrid())
	return f, nil
}

// bestRecall returns the highest recall among r's points.
func bestRecall(r *result.Result) (float64, bool) {
	if len(r.Points) == 0 {
		return 0, false
	}
	best := r.Points[0].Recall
	for _, p := range r.Points[1:] {
		best = math.Max(best, p.Recall)
	}
	return best, true
}

// zoomRecall narrows the recall axis of p to [lo rounded down to 0.05
// with a margin, 1]: recalls crowd near 1, where a 0..1 axis would hide
// the differences that matter. lo ≥ 1 (no data) keeps the full axis.
func zoomRecall(p *plot.Plot, lo float64) {
	if !(lo < 1) {
		return
	}
	lo = math.Max(0, math.Floor((lo-0.01)*20)/20)
	p.X.Min, p.X.Max = lo, 1
	if lo > 0.5 {
		p.X.Max = 1.002 // keep points at recall 1 off the frame
		p.X.Tick.Marker = plot.ConstantTicks(recallTicks(lo))
	}
}

// minBestRecall returns the lowest best recall of rs, or 1.
func minBestRecall(rs []*result.Result) float64 {
	lo := 1.0
	for _, r := range rs {
		if b, ok := bestRecall(r); ok {
			lo = math.Min(lo, b)
		}
	}
	return lo
}
