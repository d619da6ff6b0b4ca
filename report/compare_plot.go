package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/annbench/annbench/runner/result"
)

// CompareFile is the base name of the overlay figure RenderCompare writes
// per dataset, as .png and .svg.
const CompareFile = "compare"

// CompareTableFile is the markdown comparison RenderCompare writes in dir.
const CompareTableFile = "compare.md"

// RenderCompare writes the comparison c of base and new into dir: the
// tables as compare.md and, for every dataset (and setup, when a dataset
// has several) of either side, the overlay figure
// <dir>/<dataset>[/<setup>]/compare.{png,svg} with both sides' lines and
// frontiers in the same colours and markers, BASE dashed and NEW solid.
// It returns the paths written.
func RenderCompare(dir string, base, next []result.Result, c *Comparison, opt Options) ([]string, error) {
	warn := opt.warn()
	names := groupNames(base, next)
	bg, ng := groupMap(base, names), groupMap(next, names)
	dirs := map[string]string{}
	for _, n := range names {
		dirs[n.Name] = n.Dir
	}
	var md bytes.Buffer
	if err := c.WriteTable(&md); err != nil {
		return nil, err
	}
	table := filepath.Join(dir, CompareTableFile)
	if err := writeFile(table, md.Bytes()); err != nil {
		return nil, err
	}
	paths := []string{table}
	for _, ds := range unionKeys(bg, ng) {
		f, err := compareFigure(ds, bg[ds], ng[ds], opt, warn)
		if err != nil {
			return paths, fmt.Errorf("render comparison: %s: %w", ds, err)
		}
		out := filepath.Join(dir, dirs[ds], CompareFile)
		if err := writeFigure(f, out); err != nil {
			return paths, fmt.Errorf("render comparison: %s: %w", ds, err)
		}
		paths = append(paths, out+".png", out+".svg")
	}
	return paths, nil
}

func compareFigure(ds string, base, next map[string][]*result.Result, opt Options, warn io.Writer) (*figure, error) {
	var all []*result.Result
	for _, m := range []map[string][]*result.Result{base, next} {
		for _, rs := range m {
			all = append(all, rs...)
		}
	}
	k, mode, threads := runFacts(all)
	p := newPanel(fmt.Sprintf("%s: base (dashed) vs new (solid), recall@%s, mode %s, threads %s", ds, k, mode, threads),
		"recall@"+k, "queries per second (log scale)")
	w, h := opt.size()
	f := newFigure(w, h, p)

	// Same marker for the same series on both sides.
	glyphFor := map[string]draw.GlyphDrawer{}
	var keys []string
	for _, r := range all {
		key := r.Algorithm + "\x00" + result.ParamKey(r.IndexParams)
		if _, ok := glyphFor[key]; !ok {
			glyphFor[key] = nil
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	for i, key := range keys {
		glyphFor[key] = glyphOf(i)
	}
	names := legendNames(all)
	dashes := []vg.Length{vg.Points(5), vg.Points(3)}
	lo, hi := math.Inf(1), math.Inf(-1)
	minRecall := 1.0
	for ai, alg := range unionKeys(base, next) {
		col := colorOf(ai)
		for _, side := range []struct {
			name string
			rs   []*result.Result
		}{{"base", base[alg]}, {"new", next[alg]}} {
			var front []Entry
			var all []Entry
			for _, r := range side.rs {
				es := usablePoints(r, warn)
				if len(es) == 0 {
					continue
				}
				all = append(all, es...)
				line, sc, err := plotter.NewLinePoints(xys(es))
				if err != nil {
					return nil, fmt.Errorf("plot %s: %w", seriesName(r), err)
				}
				line.Color = faded(col)
				line.Width = vg.Points(1)
				sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.5), Shape: glyphFor[r.Algorithm+"\x00"+result.ParamKey(r.IndexParams)]}
				if side.name == "base" {
					line.Dashes = dashes
					sc.GlyphStyle.Color = faded(col)
				}
				p.Add(line, sc)
				f.legend.Add(side.name+": "+names[r], line, sc)
				for _, e := range es {
					lo, hi = math.Min(lo, e.QPS()), math.Max(hi, e.QPS())
					minRecall = math.Min(minRecall, e.Recall())
				}
				if opt.Labels && side.name == "new" {
					l, err := pointLabels(es)
					if err != nil {
						return nil, err
					}
					p.Add(l)
				}
			}
			front = Frontier(all)
			if len(front) < 2 { // one point is no line; its marker is already full colour
				continue
			}
			fl, err := plotter.NewLine(xys(front))
			if err != nil {
				return nil, fmt.Errorf("plot %s frontier: %w", alg, err)
			}
			fl.Color = col
			fl.Width = vg.Points(2.5)
			if side.name == "base" {
				fl.Dashes = dashes
			}
			p.Add(fl)
			f.legend.Add(side.name+": "+alg+" Pareto frontier", fl)
		}
	}
	setLogRange(p, lo, hi)
	zoomRecall(p, minRecall)
	p.Add(plotter.NewGrid())
	return f, nil
}
