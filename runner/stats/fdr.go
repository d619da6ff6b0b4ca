package stats

import (
	"math"
	"sort"
)

// AdjustBH returns the Benjamini–Hochberg adjusted p-values of ps: with
// the m finite p-values sorted, p(1) ≤ … ≤ p(m), the adjusted value of
// p(i) is min over j ≥ i of m·p(j)/j, at most 1. Rejecting every test
// whose adjusted value is at most q keeps the expected share of false
// rejections among all rejections (the false-discovery rate) at most q
// when the tests are independent or positively dependent, as tests over
// overlapping passes of one run are. Entries that are NaN (no test was
// made) stay NaN and do not count in m. The result has ps's order.
func AdjustBH(ps []float64) []float64 {
	out := make([]float64, len(ps))
	var idx []int
	for i, p := range ps {
		out[i] = math.NaN()
		if !math.IsNaN(p) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	m := float64(len(idx))
	running := 1.0
	for r := len(idx) - 1; r >= 0; r-- {
		running = math.Min(running, m*ps[idx[r]]/float64(r+1))
		out[idx[r]] = running
	}
	return out
}
