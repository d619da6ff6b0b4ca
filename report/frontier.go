package report

import (
	"math"
	"slices"
	"sort"
)

// recallEps absorbs float noise when comparing a recall to a target, so a
// recall stored as 0.8999999999 meets the 0.9 target.
const recallEps = 1e-9

// Frontier returns the Pareto-optimal entries of es: those for which no
// other entry has both recall and QPS at least as high (and one of them
// higher). Entries whose QPS is not a positive finite number are ignored;
// of identical points the first is kept. The result is sorted by
// increasing recall, and so by decreasing QPS.
func Frontier(es []Entry) []Entry {
	var pts []Entry
	for _, e := range es {
		if e.usable() {
			pts = append(pts, e)
		}
	}
	sort.SliceStable(pts, func(i, j int) bool {
		if pts[i].Recall() != pts[j].Recall() {
			return pts[i].Recall() > pts[j].Recall()
		}
		return pts[i].QPS() > pts[j].QPS()
	})
	var out []Entry
	best := math.Inf(-1)
	for _, e := range pts {
		if e.QPS() > best {
			out = append(out, e)
			best = e.QPS()
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Estimate is the QPS an algorithm reaches at a recall target.
type Estimate struct {
	// Target is the recall the estimate is for.
	Target float64
	// Reached is false when no frontier point has recall ≥ Target; the
	// other fields are then zero.
	Reached bool
	// QPS is the estimated queries per second at Target.
	QPS float64
	// Lo and Hi bound QPS by the spread of the trials (see Spread),
	// interpolated the same way as QPS.
	Lo, Hi float64
	// Samples holds one QPS per timed pass at Target: At's passes, or,
	// when interpolated, each pass of At interpolated with the matching
	// pass of its frontier neighbour (see passSamples). Empty when the
	// points record no passes.
	Samples []float64
	// At is the first frontier point with recall ≥ Target: the measured
	// setting that reaches the target.
	At Entry
	// Interpolated is true when QPS lies between At and the frontier
	// point before it rather than being At's own QPS.
	Interpolated bool
}

// AtRecall estimates the best QPS at recall ≥ target along frontier f (as
// returned by Frontier). When the first point reaching the target has a
// frontier neighbour of lower recall, QPS is interpolated between the two
// at exactly the target, linearly in recall and geometrically in QPS (a
// straight segment on the log-QPS plot); otherwise it is that point's QPS.
func AtRecall(f []Entry, target float64) Estimate {
	i := sort.Search(len(f), func(i int) bool { return f[i].Recall() >= target-recallEps })
	if i == len(f) {
		return Estimate{Target: target}
	}
	b := f[i]
	lo, hi := Spread(*b.Point)
	est := Estimate{Target: target, Reached: true, QPS: b.QPS(), Lo: lo, Hi: hi, At: b,
		Samples: append([]float64(nil), b.Point.PassQPS...)}
	if i == 0 || b.Recall() <= target+recallEps {
		return est
	}
	a := f[i-1]
	w := (target - a.Recall()) / (b.Recall() - a.Recall())
	alo, ahi := Spread(*a.Point)
	est.QPS = geoInterp(a.QPS(), b.QPS(), w)
	est.Lo = geoInterp(alo, lo, w)
	est.Hi = geoInterp(ahi, hi, w)
	est.Samples = passSamples(a.Point.PassQPS, b.Point.PassQPS, w)
	est.Interpolated = true
	return est
}

// passSamples interpolates two points' timed passes like their medians.
// Passes of one sweep are taken round-robin, so pass i of both points
// ran in the same round and saw the same state of the machine: they are
// paired by index. Lists of different lengths (results merged from
// several runs or written by another version) are paired by rank
// instead, over the shorter length, taking evenly spaced quantiles of
// the longer. Either list empty gives none.
func passSamples(a, b []float64, w float64) []float64 {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	if len(a) != len(b) {
		a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
		n := min(len(a), len(b))
		a, b = quantiles(a, n), quantiles(b, n)
	}
	out := make([]float64, len(a))
	for i := range a {
		out[i] = geoInterp(a[i], b[i], w)
	}
	return out
}

// quantiles picks n evenly spaced values of sorted s (n ≤ len(s)).
func quantiles(s []float64, n int) []float64 {
	if n == len(s) {
		return s
	}
	out := make([]float64, n)
	for i := range out {
		j := 0
		if n > 1 {
			j = int(math.Round(float64(i) * float64(len(s)-1) / float64(n-1)))
		}
		out[i] = s[j]
	}
	return out
}

// geoInterp interpolates between x and y in log space; w=0 gives x and
// w=1 gives y. Non-positive ends fall back to linear interpolation.
func geoInterp(x, y, w float64) float64 {
	if x <= 0 || y <= 0 {
		return x + w*(y-x)
	}
	return math.Exp(math.Log(x) + w*(math.Log(y)-math.Log(x)))
}
