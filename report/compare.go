package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/annbench/annbench/runner/result"
	"github.com/annbench/annbench/runner/stats"
)

// CompareOptions tunes Compare. The zero value uses the defaults.
type CompareOptions struct {
	// Threshold is the relative QPS change that counts as a regression
	// (or an improvement) when it is also significant; 0 means 0.10.
	Threshold float64
	// Alpha is the false-discovery rate at which the Mann–Whitney tests of
	// the two sides' passes are judged: a comparison makes one test per
	// dataset, algorithm and recall target (some 20 at once), their
	// p-values are adjusted together by Benjamini–Hochberg, and a row
	// whose adjusted value is at most Alpha is significant. 0 means 0.01.
	Alpha float64
	// RecallThreshold is the absolute recall loss at identical parameters
	// that counts as a regression; 0 means 0.01. Recall does not vary
	// between passes, so no test applies.
	RecallThreshold float64
	// Targets are the recall levels QPS is compared at; nil means
	// DefaultTargets.
	Targets []float64
	// AllowMissing keeps datasets and algorithms that BASE has and NEW
	// lacks from failing the comparison (they are still listed).
	AllowMissing bool
	// Clock names the clock the results' QPS count by, for the tables:
	// ClockWall ("" means the same) or ClockCPU (results passed through
	// CPUClock).
	Clock string
}

// Check reports an option outside its range: thresholds and alpha must be
// numbers, Threshold in [0, 1], RecallThreshold in [0, 1), Alpha in
// [0, 1) (0 selecting the default), targets in (0, 1].
func (o CompareOptions) Check() error {
	switch {
	case math.IsNaN(o.Threshold) || o.Threshold < 0 || o.Threshold > 1:
		return fmt.Errorf("compare: threshold %v: want a relative QPS loss in (0, 1] (0 for the default 10%%)", o.Threshold)
	case math.IsNaN(o.RecallThreshold) || o.RecallThreshold < 0 || o.RecallThreshold >= 1:
		return fmt.Errorf("compare: recall threshold %v: want a recall loss in [0, 1)", o.RecallThreshold)
	case math.IsNaN(o.Alpha) || o.Alpha < 0 || o.Alpha >= 1:
		return fmt.Errorf("compare: alpha %v: want a significance level in (0, 1) (0 for the default 0.01)", o.Alpha)
	}
	if o.Clock != "" && o.Clock != ClockWall && o.Clock != ClockCPU {
		return fmt.Errorf("compare: clock %q: want %s or %s", o.Clock, ClockWall, ClockCPU)
	}
	for _, t := range o.Targets {
		if !(t > 0 && t <= 1) {
			return fmt.Errorf("compare: recall target %v: want a recall in (0, 1]", t)
		}
	}
	return nil
}

func (o CompareOptions) threshold() float64 {
	if o.Threshold <= 0 {
		return 0.10
	}
	return o.Threshold
}

func (o CompareOptions) alpha() float64 {
	if o.Alpha <= 0 {
		return 0.01
	}
	return o.Alpha
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
	// Same means the change is within the threshold or not significant.
	Same Verdict = "~"
	// Better means a significant improvement beyond the threshold.
	Better Verdict = "better"
	// Regression means a significant loss beyond the threshold; it fails
	// the comparison.
	Regression Verdict = "REGRESSION"
	// TooFew means the change exceeds the threshold but the sides have too
	// few passes to judge it: no test could be significant at Alpha, or
	// the row's test is (p ≤ Alpha) but not after the adjustment over all
	// the comparison's tests (q > Alpha). No verdict is guessed. It does
	// not fail the comparison.
	TooFew Verdict = "not enough samples"
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
	// Missing marks the rows of a dataset or algorithm BASE has and NEW
	// lacks altogether; it fails the comparison unless AllowMissing.
	Missing Verdict = "MISSING"
)

// LevelChange compares the QPS of one algorithm at one recall target.
type LevelChange struct {
	// Dataset and Algorithm name the compared frontier.
	Dataset, Algorithm string
	// Base and New are the estimates along each side's frontier.
	Base, New Estimate
	// Change is New.QPS/Base.QPS − 1 when both reached the target.
	Change float64
	// P is the two-sided Mann–Whitney p-value of the two sides' passes at
	// the target, NaN when no test was made.
	P float64
	// Q is P adjusted by Benjamini–Hochberg over the comparison's tests
	// (see Compare), NaN when no test was made; the verdict compares it
	// with Alpha.
	Q float64
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
	// Threshold, Alpha and RecallThreshold are the values used, defaults
	// filled in.
	Threshold, Alpha, RecallThreshold float64
	// AllowMissing is CompareOptions.AllowMissing.
	AllowMissing bool
	// Clock is CompareOptions.Clock, ClockWall when unset.
	Clock string
	// Notes warn about differences that make the two sides hard to
	// compare: another k, mode or thread count, another CPU, a side that
	// got little CPU time, every algorithm moving alike (a change of the
	// machine's speed looks so). They never change a verdict.
	Notes []string
	// Missing lists, as "dataset" or "dataset/algorithm", what BASE has
	// and NEW lacks.
	Missing []string
	// Levels holds QPS at matched recall, by dataset, algorithm, target.
	Levels []LevelChange
	// Points holds recall at identical parameters.
	Points []PointChange

	tests int
}

// Regressions returns how many rows are regressions.
func (c *Comparison) Regressions() int {
	return c.count(Regression)
}

// Tests returns how many distinct Mann–Whitney tests the QPS rows made
// (the m of the Benjamini–Hochberg adjustment).
func (c *Comparison) Tests() int {
	return c.tests
}

// TooFew returns how many rows could not be judged for lack of passes.
func (c *Comparison) TooFew() int {
	return c.count(TooFew)
}

func (c *Comparison) count(v Verdict) int {
	n := 0
	for _, l := range c.Levels {
		if l.Verdict == v {
			n++
		}
	}
	for _, p := range c.Points {
		if p.Verdict == v {
			n++
		}
	}
	return n
}

// Failed reports whether the comparison fails a gate: a regression, or
// something missing from NEW unless AllowMissing.
func (c *Comparison) Failed() bool {
	return c.Regressions() > 0 || (len(c.Missing) > 0 && !c.AllowMissing)
}

// Compare compares NEW against BASE. At each recall target it estimates
// each algorithm's best QPS along its frontier on both sides (AtRecall),
// with one sample per timed pass. The change is a regression when NEW is
// slower by more than the threshold and a two-sided Mann–Whitney U test
// of the two sides' samples is significant at Alpha after the
// Benjamini–Hochberg adjustment over all the rows' tests (judgeLevels);
// when the sides have too few passes for that the row says so (TooFew)
// instead of guessing. At identical parameters it compares recall, a
// regression when it drops by more than RecallThreshold. Datasets and
// algorithms of BASE absent from NEW are listed in Missing. It fails only
// on options that Check rejects.
func Compare(base, next []result.Result, opt CompareOptions) (*Comparison, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	c := &Comparison{Threshold: opt.threshold(), Alpha: opt.alpha(), RecallThreshold: opt.recallThreshold(),
		AllowMissing: opt.AllowMissing, Clock: opt.Clock}
	if c.Clock == "" {
		c.Clock = ClockWall
	}
	targets := opt.Targets
	if len(targets) == 0 {
		targets = DefaultTargets
	}
	names := groupNames(base, next)
	bg, ng := groupMap(base, names), groupMap(next, names)
	c.Notes = compareNotes(base, next, bg, ng)
	for _, ds := range unionKeys(bg, ng) {
		bAlgs, nAlgs := bg[ds], ng[ds]
		if len(nAlgs) == 0 {
			c.Missing = append(c.Missing, ds)
		}
		for _, alg := range unionKeys(bAlgs, nAlgs) {
			missing := len(bAlgs[alg]) > 0 && len(nAlgs[alg]) == 0
			if missing && len(nAlgs) > 0 {
				c.Missing = append(c.Missing, ds+"/"+alg)
			}
			bf, nf := Frontier(Entries(bAlgs[alg])), Frontier(Entries(nAlgs[alg]))
			for _, t := range targets {
				l := c.level(ds, alg, AtRecall(bf, t), AtRecall(nf, t))
				if missing {
					l.Verdict = Missing
				}
				c.Levels = append(c.Levels, l)
			}
			c.Points = append(c.Points, c.points(ds, alg, bAlgs[alg], nAlgs[alg])...)
		}
	}
	c.judgeLevels()
	c.Notes = append(c.Notes, c.sharedShiftNotes()...)
	return c, nil
}

func (c *Comparison) level(ds, alg string, b, n Estimate) LevelChange {
	l := LevelChange{Dataset: ds, Algorithm: alg, Base: b, New: n, Change: math.NaN(), P: math.NaN(), Q: math.NaN()}
	switch {
	case !b.Reached && !n.Reached:
		l.Verdict = NotReached
	case !n.Reached:
		l.Verdict = Lost
	case !b.Reached:
		l.Verdict = Gained
	default:
		l.Change = n.QPS/b.QPS - 1
		if t, err := stats.MannWhitney(n.Samples, b.Samples); err == nil {
			l.P = t.P
		}
		// The verdict waits for judgeLevels, which needs every test.
	}
	return l
}

// judgeLevels gives the rows both sides reached their verdicts. Their
// p-values are adjusted together by Benjamini–Hochberg, so Alpha bounds
// the expected share of false regressions among the rows called
// changed, however many rows the comparison has: some 24 rows tested
// each at Alpha would, with no change at all, now and then carry one
// that is nominally significant. A test counts once however many recall
// targets it answers (rows at one frontier point share their passes).
func (c *Comparison) judgeLevels() {
	key := func(l *LevelChange) string {
		var b strings.Builder
		b.WriteString(l.Dataset + "\x00" + l.Algorithm)
		for _, s := range [][]float64{l.Base.Samples, l.New.Samples} {
			b.WriteByte(0)
			for _, x := range s {
				fmt.Fprintf(&b, "%x,", math.Float64bits(x))
			}
		}
		return b.String()
	}
	// testOf[i] is row i's index in ps, or -1 for a row without a test.
	testOf := make([]int, len(c.Levels))
	seen := map[string]int{}
	var ps []float64
	for i := range c.Levels {
		l := &c.Levels[i]
		testOf[i] = -1
		if l.Verdict != "" || math.IsNaN(l.P) {
			continue
		}
		k := key(l)
		j, ok := seen[k]
		if !ok {
			j = len(ps)
			seen[k] = j
			ps = append(ps, l.P)
		}
		testOf[i] = j
	}
	adjusted := stats.AdjustBH(ps)
	c.tests = len(ps)
	for i := range c.Levels {
		l := &c.Levels[i]
		if l.Verdict != "" {
			continue
		}
		l.Q = math.NaN()
		if j := testOf[i]; j >= 0 {
			l.Q = adjusted[j]
		}
		switch {
		case math.Abs(l.Change) <= c.Threshold:
			l.Verdict = Same
		case stats.MinP(len(l.New.Samples), len(l.Base.Samples)) > c.Alpha:
			l.Verdict = TooFew
		case l.Q <= c.Alpha && l.Change < 0:
			l.Verdict = Regression
		case l.Q <= c.Alpha:
			l.Verdict = Better
		case l.P <= c.Alpha:
			// Significant alone but not among all the tests: with
			// these passes a change of a few rows cannot be told from
			// the chance one of many.
			l.Verdict = TooFew
		default:
			l.Verdict = Same
		}
	}
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
		if note := cpuNote(ds, b, n); note != "" {
			notes = append(notes, note)
		}
	}
	cpus := func(rs []result.Result) string {
		var out []string
		seen := map[string]bool{}
		for _, r := range rs {
			for _, m := range r.Machines {
				c := fmt.Sprintf("%s (%d cores)", m.CPU, m.Cores)
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
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

// cpuShare is the CPU time the process used during the timed passes of
// rs divided by the CPU time the passes could use (wall time × search
// threads): about 1 on a machine to itself, lower when other processes
// took turns on the cores. ok is false when no pass recorded CPU time.
func cpuShare(rs []*result.Result) (share float64, ok bool) {
	var cpu, avail float64
	for _, r := range rs {
		threads := float64(max(r.Threads, 1))
		for _, p := range r.Points {
			if len(p.PassCPUSeconds) != len(p.PassSeconds) {
				continue
			}
			for j, c := range p.PassCPUSeconds {
				cpu += c
				avail += p.PassSeconds[j] * threads
			}
		}
	}
	if avail <= 0 {
		return 0, false
	}
	return cpu / avail, true
}

// cpuShareLow is the CPU share below which a side's passes are taken to
// have competed with other processes.
const cpuShareLow = 0.85

// cpuNote warns when either side's passes of dataset ds got markedly
// less CPU than they could use: then a QPS difference may be the
// machine's, not the code's. The verdicts are not changed (a build that
// makes the machine busy is slower, too).
func cpuNote(ds string, base, next []*result.Result) string {
	b, bok := cpuShare(base)
	n, nok := cpuShare(next)
	if !bok || !nok || (b >= cpuShareLow && n >= cpuShareLow) {
		return ""
	}
	return fmt.Sprintf("%s: during the timed passes the process got %.0f%% of the CPU time it could use on BASE and %.0f%% on NEW: "+
		"other processes competed for the cores, so QPS differences may be the machine's (compare both builds alternately with annbench ab).",
		ds, 100*b, 100*n)
}

// groupMap indexes results by group name (the dataset, with the setup
// when there are several; see groupNames) then algorithm, so that setups
// are compared only with themselves.
func groupMap(rs []result.Result, names map[*result.Result]groupName) map[string]map[string][]*result.Result {
	m := map[string]map[string][]*result.Result{}
	for i := range rs {
		r := &rs[i]
		ds := names[r].Name
		if m[ds] == nil {
			m[ds] = map[string][]*result.Result{}
		}
		m[ds][r.Algorithm] = append(m[ds][r.Algorithm], r)
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

// ciLevel is the confidence of the median intervals in the tables.
const ciLevel = 0.95

// WriteTable writes the comparison as two markdown tables (QPS at matched
// recall; recall at identical parameters) followed by the verdict lines.
func (c *Comparison) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, n := range c.Notes {
		fmt.Fprintf(bw, "> **Note:** %s\n\n", n)
	}
	if len(c.Missing) > 0 {
		effect := "this fails the comparison"
		if c.AllowMissing {
			effect = "allowed, not a failure"
		}
		fmt.Fprintf(bw, "> **Missing in NEW** (%s): %s\n\n", effect, strings.Join(c.Missing, ", "))
	}
	fmt.Fprintf(bw, "## QPS at matched recall\n\n")
	if c.Clock == ClockCPU {
		fmt.Fprint(bw, "QPS here counts queries per second of the CPU time the process used (per search thread), not of wall time: what the code costs, whatever else ran on the machine.\n\n")
	}
	fmt.Fprintf(bw, "Best QPS at recall ≥ target along each side's Pareto frontier (median of the timed passes), "+
		"with a %g%% confidence interval of the median (— with fewer than %d passes). A regression is a loss of more than %s that a two-sided "+
		"Mann–Whitney U test of the two sides' passes finds significant: p is the test's, q the same adjusted by Benjamini–Hochberg "+
		"over the table's %d tests, and q ≤ %g is significant (a false-discovery rate of %g).\n\n",
		100*ciLevel, stats.MinSamplesForMedianCI(ciLevel), fmtChange(c.Threshold)[1:], c.Tests(), c.Alpha, c.Alpha)
	fmt.Fprint(bw, "| dataset | algorithm | recall ≥ | base QPS | new QPS | change | p | q | passes | base CI | new CI | verdict |\n")
	fmt.Fprint(bw, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, l := range c.Levels {
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			mdEscape(l.Dataset), mdEscape(l.Algorithm), fmtTarget(l.Base.Target),
			estimateCell(l.Base), estimateCell(l.New), changeCell(l.Change), pCell(l.P), pCell(l.Q),
			passesCell(l), ciCell(l.Base), ciCell(l.New), l.Verdict)
	}
	fmt.Fprintf(bw, "\n## Recall at identical parameters\n\nA regression is a recall loss of more than %g.\n\n", c.RecallThreshold)
	fmt.Fprint(bw, "| dataset | algorithm | index params | query params | base recall | new recall | Δ recall | QPS change | verdict |\n")
	fmt.Fprint(bw, "|---|---|---|---|--:|--:|--:|--:|---|\n")
	for _, p := range c.Points {
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			mdEscape(p.Dataset), mdEscape(p.Algorithm), mdEscape(p.IndexParams), mdEscape(p.QueryParams),
			recallCell(p.Base), recallCell(p.New), deltaCell(p.RecallDelta), changeCell(p.QPSChange), p.Verdict)
	}
	fmt.Fprintln(bw)
	if n := c.Regressions(); n > 0 {
		fmt.Fprintf(bw, "**%d regression(s).**\n", n)
	} else {
		fmt.Fprint(bw, "No regressions.\n")
	}
	if n := c.TooFew(); n > 0 {
		fmt.Fprintf(bw, "%d row(s) changed by more than %s but could not be judged: not enough samples "+
			"(a test at p ≤ %g needs at least %d passes per side, and a change in a few of the %d tests needs more to pass the adjustment; "+
			"raise trials or the rounds of an A/B run).\n",
			n, fmtChange(c.Threshold)[1:], c.Alpha, stats.MinSamplesForTest(c.Alpha), c.Tests())
	}
	if len(c.Missing) > 0 && !c.AllowMissing {
		fmt.Fprintf(bw, "**Missing in NEW: %s.**\n", strings.Join(c.Missing, ", "))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write comparison: %w", err)
	}
	return nil
}

func pCell(p float64) string {
	if math.IsNaN(p) {
		return dash
	}
	if p < 0.001 {
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", p)
}

func passesCell(l LevelChange) string {
	if !l.Base.Reached || !l.New.Reached {
		return dash
	}
	return fmt.Sprintf("%d/%d", len(l.Base.Samples), len(l.New.Samples))
}

// ciCell is the median's confidence interval from the passes at the
// target, or a dash when there are too few of them.
func ciCell(e Estimate) string {
	if !e.Reached {
		return dash
	}
	iv, err := stats.MedianCI(e.Samples, ciLevel)
	if err != nil {
		return dash
	}
	return fmtQPS(iv.Lo) + "–" + fmtQPS(iv.Hi)
}

func changeCell(c float64) string {
	if math.IsNaN(c) {
		return dash
	}
	return fmtChange(c)
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
