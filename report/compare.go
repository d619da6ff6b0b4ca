package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/annbench/annbench/runner/result"
)

// CompareOptions tunes Compare. The zero value uses the defaults.
type CompareOptions struct {
	// Threshold is the relative QPS loss that counts as a regression when
	// it also exceeds the spread of the trials; 0 means 0.10 (10%).
	Threshold float64
	// RecallThreshold is the absolute recall loss at identical parameters
	// that counts as a regression; 0 means 0.01. Recall does not vary
	// between trials, so no spread applies.
	RecallThreshold float64
	// Targets are the recall levels QPS is compared at; nil means
	// DefaultTargets.
	Targets []float64
}

func (o CompareOptions) threshold() float64 {
	if o.Threshold <= 0 {
		return 0.10
	}
	return o.Threshold
}

func (o CompareOptions) recallThreshold() float64 {
	if o.RecallThreshold <= 0 {
		return 0.01
	}
	return o.RecallThreshold
}

// Verdict classifies one compared value.
type Verdict string

// Verdicts of a comparison row.
const (
	// Same means the change is within the threshold or the trials' spread.
	Same Verdict = "~"
	// Better means an improvement beyond threshold and spread.
	Better Verdict = "better"
	// Regression means a loss beyond threshold and spread; it fails CI.
	Regression Verdict = "REGRESSION"
	// Lost means BASE reached the recall target and NEW did not; shown
	// but not counted as a regression, since a smaller sweep does the
	// same (a real recall loss shows in the identical-parameter rows).
	Lost Verdict = "lost"
	// Gained means NEW reached a recall target BASE did not.
	Gained Verdict = "gained"
	// NotReached means neither side reached the recall target.
	NotReached Verdict = "not reached"
	// Unmatched means only one side has the value.
	Unmatched Verdict = "unmatched"
)

// LevelChange compares the QPS of one algorithm at one recall target.
type LevelChange struct {
	// Dataset and Algorithm name the compared frontier.
	Dataset, Algorithm string
	// Base and New are the estimates along each side's frontier.
	Base, New Estimate
	// Change is New.QPS/Base.QPS − 1 when both reached the target.
	Change float64
	// Verdict classifies the change.
	Verdict Verdict
}

// PointChange compares one query setting measured on both sides with
// identical dataset, algorithm, index and query parameters.
type PointChange struct {
	// Dataset and Algorithm name the compared result files.
	Dataset, Algorithm string
	// IndexParams and QueryParams are rendered by ParamString.
	IndexParams, QueryParams string
	// Base and New are the two measurements; one is nil when the point
	// exists on one side only.
	Base, New *result.Point
	// RecallDelta is New.Recall − Base.Recall.
	RecallDelta float64
	// QPSChange is New.QPS/Base.QPS − 1 (shown, never a verdict on its
	// own: the level rows judge QPS at equal recall).
	QPSChange float64
	// Verdict classifies the recall change.
	Verdict Verdict
}

// Comparison is the result of comparing two result sets.
type Comparison struct {
	// Threshold and RecallThreshold are the thresholds used, defaults
	// filled in.
	Threshold, RecallThreshold float64
	// Notes warn about differences that make the two sides hard to
	// compare: another k, mode or thread count, another CPU.
	Notes []string
	// Levels holds QPS at matched recall, by dataset, algorithm, target.
	Levels []LevelChange
	// Points holds recall at identical parameters.
	Points []PointChange
}

// Regressions returns how many rows are regressions.
func (c *Comparison) Regressions() int {
	n := 0
	for _, l := range c.Levels {
		if l.Verdict == Regression {
			n++
		}
	}
	for _, p := range c.Points {
		if p.Verdict == Regression {
			n++
		}
	}
	return n
}

// Compare compares NEW against BASE. At each recall target it estimates
// each algorithm's best QPS along its frontier on both sides (AtRecall);
// the change is a regression when NEW is slower by more than the
// threshold and the two spreads of the trials do not overlap
// (New.Hi < Base.Lo), so noise alone cannot fail a build. At identical
// parameters it compares recall, a regression when it drops by more
// than RecallThreshold.
func Compare(base, next []result.Result, opt CompareOptions) *Comparison {
	c := &Comparison{Threshold: opt.threshold(), RecallThreshold: opt.recallThreshold()}
	targets := opt.Targets
	if len(targets) == 0 {
		targets = DefaultTargets
	}
	bg, ng := groupMap(base), groupMap(next)
	c.Notes = compareNotes(base, next, bg, ng)
	for _, ds := range unionKeys(bg, ng) {
		bAlgs, nAlgs := bg[ds], ng[ds]
		for _, alg := range unionKeys(bAlgs, nAlgs) {
			bf, nf := Frontier(Entries(bAlgs[alg])), Frontier(Entries(nAlgs[alg]))
			for _, t := range targets {
				c.Levels = append(c.Levels, c.level(ds, alg, AtRecall(bf, t), AtRecall(nf, t)))
			}
			c.Points = append(c.Points, c.points(ds, alg, bAlgs[alg], nAlgs[alg])...)
		}
	}
	return c
}

func (c *Comparison) level(ds, alg string, b, n Estimate) LevelChange {
	l := LevelChange{Dataset: ds, Algorithm: alg, Base: b, New: n, Change: math.NaN()}
	switch {
	case !b.Reached && !n.Reached:
		l.Verdict = NotReached
	case !n.Reached:
		l.Verdict = Lost
	case !b.Reached:
		l.Verdict = Gained
	default:
		l.Change = n.QPS/b.QPS - 1
		switch {
		case l.Change < -c.Threshold && n.Hi < b.Lo:
			l.Verdict = Regression
		case l.Change > c.Threshold && n.Lo > b.Hi:
			l.Verdict = Better
		default:
			l.Verdict = Same
		}
	}
	return l
}

// points matches the points of one algorithm by index and query
// parameters.
func (c *Comparison) points(ds, alg string, base, next []*result.Result) []PointChange {
	type side struct {
		r *result.Result
		p *result.Point
	}
	bm, nm := map[string]side{}, map[string]side{}
	var keys []string
	add := func(m map[string]side, rs []*result.Result) {
		for _, r := range rs {
			for i := range r.Points {
				k := result.ParamKey(r.IndexParams) + "\x00" + result.ParamKey(r.Points[i].QueryParams)
				if _, ok := bm[k]; !ok {
					if _, ok := nm[k]; !ok {
						keys = append(keys, k)
					}
				}
				m[k] = side{r, &r.Points[i]}
			}
		}
	}
	add(bm, base)
	add(nm, next)
	var out []PointChange
	for _, k := range keys {
		b, n := bm[k], nm[k]
		ref := b
		if ref.r == nil {
			ref = n
		}
		pc := PointChange{Dataset: ds, Algorithm: alg, Base: b.p, New: n.p,
			IndexParams: result.ParamString(ref.r.IndexParams), QueryParams: result.ParamString(ref.p.QueryParams),
			RecallDelta: math.NaN(), QPSChange: math.NaN(), Verdict: Unmatched}
		if b.p != nil && n.p != nil {
			pc.RecallDelta = n.p.Recall - b.p.Recall
			if b.p.QPS > 0 {
				pc.QPSChange = n.p.QPS/b.p.QPS - 1
			}
			switch {
			case pc.RecallDelta < -c.RecallThreshold:
				pc.Verdict = Regression
			case pc.RecallDelta > c.RecallThreshold:
				pc.Verdict = Better
			default:
				pc.Verdict = Same
			}
		}
		out = append(out, pc)
	}
	return out
}

// compareNotes describes setup differences between the two sides.
func compareNotes(base, next []result.Result, bg, ng map[string]map[string][]*result.Result) []string {
	var notes []string
	for _, ds := range unionKeys(bg, ng) {
		var b, n []*result.Result
		for _, rs := range bg[ds] {
			b = append(b, rs...)
		}
		for _, rs := range ng[ds] {
			n = append(n, rs...)
		}
		if len(b) == 0 || len(n) == 0 {
			continue
		}
		bk, bm, bt := runFacts(b)
		nk, nm, nt := runFacts(n)
		if bk != nk || bm != nm || bt != nt {
			notes = append(notes, fmt.Sprintf("%s: BASE ran with k=%s, mode %s, threads %s but NEW with k=%s, mode %s, threads %s; the numbers are not comparable.",
				ds, bk, bm, bt, nk, nm, nt))
		}
	}
	cpus := func(rs []result.Result) string {
		var out []string
		seen := map[string]bool{}
		for _, r := range rs {
			c := fmt.Sprintf("%s (%d cores)", r.Machine.CPU, r.Machine.Cores)
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
		sort.Strings(out)
		return strings.Join(out, ", ")
	}
	if bc, nc := cpus(base), cpus(next); bc != nc {
		notes = append(notes, fmt.Sprintf("BASE ran on %s, NEW on %s: QPS differences may be the machine's.", bc, nc))
	}
	return notes
}

// groupMap indexes results by dataset then algorithm.
func groupMap(rs []result.Result) map[string]map[string][]*result.Result {
	m := map[string]map[string][]*result.Result{}
	for i := range rs {
		r := &rs[i]
		if m[r.Dataset] == nil {
			m[r.Dataset] = map[string][]*result.Result{}
		}
		m[r.Dataset][r.Algorithm] = append(m[r.Dataset][r.Algorithm], r)
	}
	for _, algs := range m {
		for _, list := range algs {
			sortResults(list)
		}
	}
	return m
}

func unionKeys[V any](a, b map[string]V) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// WriteTable writes the comparison as two markdown tables (QPS at matched
// recall; recall at identical parameters) followed by a one-line verdict.
func (c *Comparison) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, n := range c.Notes {
		fmt.Fprintf(bw, "> **Note:** %s\n\n", n)
	}
	fmt.Fprintf(bw, "## QPS at matched recall\n\n")
	fmt.Fprintf(bw, "Best QPS at recall ≥ target along each side's Pareto frontier. A regression is a loss of more than %s whose trial ranges do not overlap.\n\n",
		fmtChange(c.Threshold)[1:])
	fmt.Fprint(bw, "| dataset | algorithm | recall ≥ | base QPS | new QPS | change | base range | new range | verdict |\n")
	fmt.Fprint(bw, "|---|---|--:|--:|--:|--:|--:|--:|---|\n")
	for _, l := range c.Levels {
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			mdEscape(l.Dataset), mdEscape(l.Algorithm), fmtTarget(l.Base.Target),
			estimateCell(l.Base), estimateCell(l.New), changeCell(l.Change),
			rangeCell(l.Base), rangeCell(l.New), l.Verdict)
	}
	fmt.Fprintf(bw, "\n## Recall at identical parameters\n\nA regression is a recall loss of more than %g.\n\n", c.RecallThreshold)
	fmt.Fprint(bw, "| dataset | algorithm | index params | query params | base recall | new recall | Δ recall | QPS change | verdict |\n")
	fmt.Fprint(bw, "|---|---|---|---|--:|--:|--:|--:|---|\n")
	for _, p := range c.Points {
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			mdEscape(p.Dataset), mdEscape(p.Algorithm), mdEscape(p.IndexParams), mdEscape(p.QueryParams),
			recallCell(p.Base), recallCell(p.New), deltaCell(p.RecallDelta), changeCell(p.QPSChange), p.Verdict)
	}
	if n := c.Regressions(); n > 0 {
		fmt.Fprintf(bw, "\n**%d regression(s).**\n", n)
	} else {
		fmt.Fprint(bw, "\nNo regressions.\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}

func changeCell(c float64) string {
	if math.IsNaN(c) {
		return dash
	}
	return fmtChange(c)
}

func rangeCell(e Estimate) string {
	if !e.Reached {
		return dash
	}
	return fmtQPS(e.Lo) + "–" + fmtQPS(e.Hi)
}

func recallCell(p *result.Point) string {
	if p == nil {
		return dash
	}
	return fmtRecall(p.Recall)
}

func deltaCell(d float64) string {
	if math.IsNaN(d) {
		return dash
	}
	return fmt.Sprintf("%+.3f", d)
}
