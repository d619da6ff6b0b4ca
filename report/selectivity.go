package report

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/annbench/annbench/runner/result"
)

// SelectivityFile is the base name of the QPS-against-selectivity figure
// of a dataset measured under filter workloads, written as .png and .svg.
const SelectivityFile = "qps_selectivity"

// SelectivityTargets are the recall targets of the filtered-search table
// and figure (the filter track of big-ann-benchmarks gates at 0.9).
var SelectivityTargets = []float64{0.9, 0.95}

// workloadColumn is one filter workload of a selectivity group.
type workloadColumn struct {
	// ID is the workload id, "" for no filter.
	ID string
	// Selectivity is the mean allowed share of the base (1 without a
	// filter).
	Selectivity float64
}

// label names the column in tables.
func (w workloadColumn) label() string {
	if w.ID == "" {
		return "none (100 %)"
	}
	return fmt.Sprintf("%s (%s)", w.ID, fmtShare(w.Selectivity))
}

// fmtShare prints a share of the base as a percentage.
func fmtShare(s float64) string {
	return fmt.Sprintf("%.3g %%", 100*s)
}

// selectivityGroup is the results of one dataset and search setup
// measured under several filter workloads, at least one of them filtered.
type selectivityGroup struct {
	// Name is the dataset, with the setup apart from the filter when the
	// dataset has several; Dir its figure directory.
	Name, Dir string
	Columns   []workloadColumn // by selectivity, largest first
	Algs      []string
	// best[alg][workload id][target index] is the best QPS estimate.
	best map[string]map[string][]Estimate
}

// selectivityGroups finds the groups of results that differ only in
// their filter workload and include at least one filtered one, and
// estimates each algorithm's best QPS at each target per workload.
func selectivityGroups(results []result.Result, targets []float64) []selectivityGroup {
	type key struct{ dataset, setup string }
	byKey := map[key][]*result.Result{}
	var order []key
	setups := map[string]map[string]bool{}
	for i := range results {
		r := &results[i]
		id := setupOf(r)
		id.Filter = ""
		k := key{r.Dataset, id.Key()}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], r)
		if setups[r.Dataset] == nil {
			setups[r.Dataset] = map[string]bool{}
		}
		setups[r.Dataset][k.setup] = true
	}
	var out []selectivityGroup
	for _, k := range order {
		rs := byKey[k]
		cols := map[string]workloadColumn{}
		filtered := false
		for _, r := range rs {
			c := workloadColumn{Selectivity: 1}
			if r.Filter != nil {
				c = workloadColumn{ID: r.Filter.ID, Selectivity: r.Filter.Selectivity}
				filtered = true
			}
			cols[c.ID] = c
		}
		if !filtered {
			continue
		}
		g := selectivityGroup{Name: rs[0].Dataset, Dir: safeName(rs[0].Dataset), best: map[string]map[string][]Estimate{}}
		if len(setups[k.dataset]) > 1 {
			id := setupOf(rs[0])
			id.Filter = ""
			g.Name += " (" + id.Setup() + ")"
			g.Dir = filepath.Join(g.Dir, id.SetupSlug())
		}
		for _, c := range cols {
			g.Columns = append(g.Columns, c)
		}
		sort.Slice(g.Columns, func(i, j int) bool {
			a, b := g.Columns[i], g.Columns[j]
			if a.Selectivity != b.Selectivity {
				return a.Selectivity > b.Selectivity
			}
			return a.ID < b.ID
		})
		g.Algs = algorithmNames(rs)
		for _, alg := range g.Algs {
			g.best[alg] = map[string][]Estimate{}
			for _, c := range g.Columns {
				var of []*result.Result
				for _, r := range ofAlgorithm(rs, alg) {
					if (r.Filter == nil && c.ID == "") || (r.Filter != nil && r.Filter.ID == c.ID) {
						of = append(of, r)
					}
				}
				if len(of) == 0 {
					continue
				}
				front := Frontier(Entries(of))
				for _, t := range targets {
					g.best[alg][c.ID] = append(g.best[alg][c.ID], AtRecall(front, t))
				}
			}
		}
		out = append(out, g)
	}
	return out
}

// writeSelectivitySummary writes, per selectivity group, one table per
// target: the best QPS of every algorithm under every filter workload.
func writeSelectivitySummary(w io.Writer, gs []selectivityGroup, targets []float64) {
	for _, g := range gs {
		fmt.Fprintf(w, "\n## %s: filtered search\n\n", mdEscape(g.Name))
		fmt.Fprint(w, "Best QPS at each recall target per filter workload (mean share of the base a query may return in parentheses); "+
			"\"post-filter\" marks an index without filtered search, searched for more ids of which the allowed ones were kept.\n")
		for ti, t := range targets {
			fmt.Fprintf(w, "\n| QPS @ recall ≥ %s |", fmtTarget(t))
			for _, c := range g.Columns {
				fmt.Fprintf(w, " %s |", mdEscape(c.label()))
			}
			fmt.Fprint(w, "\n|---|")
			for range g.Columns {
				fmt.Fprint(w, "--:|")
			}
			fmt.Fprint(w, "\n")
			for _, alg := range g.Algs {
				fmt.Fprintf(w, "| %s |", mdEscape(alg))
				for _, c := range g.Columns {
					es := g.best[alg][c.ID]
					if len(es) <= ti {
						fmt.Fprint(w, " |")
						continue
					}
					cell := estimateCell(es[ti])
					if es[ti].Reached && es[ti].At.Result.Filter != nil && es[ti].At.Result.Filter.PostFilter {
						cell += " post-filter"
					}
					fmt.Fprintf(w, " %s |", cell)
				}
				fmt.Fprint(w, "\n")
			}
		}
	}
}

// selectivityFigure draws, for each target, the best QPS of every
// algorithm against the selectivity of the workloads, both axes log.
func selectivityFigure(g selectivityGroup, targets []float64, opt Options) (*figure, error) {
	var panels []*plot.Plot
	for _, t := range targets {
		p := newPanel(fmt.Sprintf("%s: QPS at recall ≥ %s", g.Name, fmtTarget(t)),
			"selectivity (log scale)", "queries per second (log scale)")
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = shareTicker{}
		panels = append(panels, p)
	}
	w, h := opt.size()
	f := newFigure(w, h, panels...)
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for _, c := range g.Columns {
		xlo, xhi = math.Min(xlo, c.Selectivity), math.Max(xhi, c.Selectivity)
	}
	for ti, p := range panels {
		ylo, yhi := math.Inf(1), math.Inf(-1)
		for ai, alg := range g.Algs {
			var xys plotter.XYs
			for _, c := range g.Columns {
				es := g.best[alg][c.ID]
				if len(es) <= ti || !es[ti].Reached || !(c.Selectivity > 0) || !(es[ti].QPS > 0) {
					continue
				}
				xys = append(xys, plotter.XY{X: c.Selectivity, Y: es[ti].QPS})
				ylo, yhi = math.Min(ylo, es[ti].QPS), math.Max(yhi, es[ti].QPS)
			}
			if len(xys) == 0 {
				continue
			}
			sort.Slice(xys, func(i, j int) bool { return xys[i].X < xys[j].X })
			l, s, err := plotter.NewLinePoints(xys)
			if err != nil {
				return nil, fmt.Errorf("plot %s selectivity: %w", alg, err)
			}
			l.Color = colorOf(ai)
			l.Width = vg.Points(1.5)
			s.GlyphStyle = draw.GlyphStyle{Color: colorOf(ai), Radius: vg.Points(3), Shape: glyphOf(ai)}
			p.Add(l, s)
			if ti == 0 {
				f.legend.Add(alg, l, s)
			}
		}
		setLogRange(p, ylo, yhi)
		if xlo > 0 && xhi >= xlo {
			p.X.Min, p.X.Max = xlo/1.5, math.Min(1.5, xhi*1.5)
		}
		p.Add(plotter.NewGrid())
	}
	return f, nil
}

// shareTicker labels a log share axis in percent at powers of ten (and
// their 2 and 5 multiples on a narrow axis).
type shareTicker struct{}

var _ plot.Ticker = shareTicker{}

// Ticks returns the tick marks for [min, max].
func (shareTicker) Ticks(min, max float64) []plot.Tick {
	ts := logTicker{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = fmt.Sprintf("%g%%", 100*ts[i].Value)
		}
	}
	return ts
}

// htmlFiltered is the filtered-search section of report.html for one
// selectivity group.
type htmlFiltered struct {
	Name, Dir string
	Tables    []htmlFilteredTable
}

// htmlFilteredTable is one target's table: a row per algorithm, a column
// per workload.
type htmlFilteredTable struct {
	Target  string
	Columns []string
	Rows    []htmlFilteredRow
}

type htmlFilteredRow struct {
	Algorithm string
	Cells     []htmlCell
}

// htmlCell is a table cell: its text and the value it sorts by.
type htmlCell struct{ Text, V string }

// htmlFilteredSections renders the selectivity groups for report.html.
func htmlFilteredSections(gs []selectivityGroup, targets []float64) []htmlFiltered {
	var out []htmlFiltered
	for _, g := range gs {
		sec := htmlFiltered{Name: g.Name, Dir: g.Dir}
		for ti, t := range targets {
			tab := htmlFilteredTable{Target: fmtTarget(t)}
			for _, c := range g.Columns {
				tab.Columns = append(tab.Columns, c.label())
			}
			for _, alg := range g.Algs {
				row := htmlFilteredRow{Algorithm: alg}
				for _, c := range g.Columns {
					es := g.best[alg][c.ID]
					cell := htmlCell{Text: "—"}
					if len(es) > ti {
						cell.Text = estimateCell(es[ti])
						if es[ti].Reached {
							cell.V = fmt.Sprint(es[ti].QPS)
							if f := es[ti].At.Result.Filter; f != nil && f.PostFilter {
								cell.Text += " post-filter"
							}
						}
					}
					row.Cells = append(row.Cells, cell)
				}
				tab.Rows = append(tab.Rows, row)
			}
			sec.Tables = append(sec.Tables, tab)
		}
		out = append(out, sec)
	}
	return out
}
