package stats

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// UTest is the outcome of a two-sided Mann–Whitney U test.
type UTest struct {
	// N1 and N2 are the sample sizes.
	N1, N2 int
	// U is the statistic of the first sample: the number of pairs
	// (x, y) with x > y, ties counting one half.
	U float64
	// P is the two-sided p-value: the probability, if both samples come
	// from one distribution, of a U at least as far from N1·N2/2.
	P float64
	// Exact is true when P comes from the exact distribution of U (no
	// ties, both samples of at most exactLimit values), false when it
	// comes from the normal approximation with tie and continuity
	// corrections.
	Exact bool
}

// exactLimit is the largest sample size for which the exact distribution
// of U is computed; beyond it the normal approximation is accurate.
const exactLimit = 50

// MannWhitney tests whether x and y come from the same distribution
// against the alternative that one tends to give larger values, without
// assuming any distribution (it uses only the ranks). Both samples must be
// non-empty and free of NaN.
func MannWhitney(x, y []float64) (UTest, error) {
	n1, n2 := len(x), len(y)
	if n1 == 0 || n2 == 0 {
		return UTest{}, fmt.Errorf("mann-whitney: %w: %d and %d sample(s), want at least one on each side", ErrNotEnoughSamples, n1, n2)
	}
	type obs struct {
		v     float64
		first bool
	}
	all := make([]obs, 0, n1+n2)
	for _, v := range x {
		all = append(all, obs{v, true})
	}
	for _, v := range y {
		all = append(all, obs{v, false})
	}
	for _, o := range all {
		if math.IsNaN(o.v) {
			return UTest{}, fmt.Errorf("mann-whitney: a sample holds NaN")
		}
	}
	slices.SortFunc(all, func(a, b obs) int { return cmp.Compare(a.v, b.v) })
	// Midranks; ties contribute t³ − t to the variance correction.
	var rankSum1, tieSum float64
	ties := false
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		rank := float64(i+j+1) / 2 // mean of ranks i+1 … j
		for k := i; k < j; k++ {
			if all[k].first {
				rankSum1 += rank
			}
		}
		if t := float64(j - i); t > 1 {
			ties = true
			tieSum += t*t*t - t
		}
		i = j
	}
	f1, f2 := float64(n1), float64(n2)
	u := rankSum1 - f1*(f1+1)/2
	t := UTest{N1: n1, N2: n2, U: u}
	if !ties && n1 <= exactLimit && n2 <= exactLimit {
		t.Exact = true
		t.P = exactP(n1, n2, int(math.Round(u)))
		return t, nil
	}
	n := f1 + f2
	variance := f1 * f2 / 12 * ((n + 1) - tieSum/(n*(n-1)))
	if variance <= 0 { // every value equal: no evidence of a difference
		t.P = 1
		return t, nil
	}
	z := (math.Abs(u-f1*f2/2) - 0.5) / math.Sqrt(variance)
	t.P = math.Min(1, math.Erfc(math.Max(z, 0)/math.Sqrt2))
	return t, nil
}

// exactP is the two-sided p-value of U = u for samples of n1 and n2
// distinct values: 2·P(U ≤ min(u, n1·n2 − u)), from the number of
// orderings giving each U (the coefficients of the Gaussian binomial
// [n1+n2 choose n1] in q).
func exactP(n1, n2, u int) float64 {
	counts := uCounts(n1, n2)
	lo := min(u, n1*n2-u)
	var tail, total float64
	for i, c := range counts {
		total += c
		if i <= lo {
			tail += c
		}
	}
	return math.Min(1, 2*tail/total)
}

// uCounts returns, for every u in [0, n1·n2], how many of the
// C(n1+n2, n1) orderings of two samples give U = u. It builds the
// polynomial ∏_{i=1..k} (1 − q^{N−k+i}) / (1 − q^i) with N = n1+n2,
// k = min(n1, n2), one factor at a time; every partial product is a
// polynomial with non-negative integer coefficients (exact in float64
// for the sizes used here).
func uCounts(n1, n2 int) []float64 {
	k, nn := min(n1, n2), n1+n2
	c := make([]float64, n1*n2+1)
	c[0] = 1
	for i := 1; i <= k; i++ {
		a, b := nn-k+i, i
		for d := len(c) - 1; d >= a; d-- { // × (1 − q^a)
			c[d] -= c[d-a]
		}
		for d := b; d < len(c); d++ { // ÷ (1 − q^b)
			c[d] += c[d-b]
		}
	}
	return c
}

// MinP returns the smallest two-sided p-value the Mann–Whitney test can
// give for samples of n1 and n2 values: 2 / C(n1+n2, n1). A test at
// level alpha can find a difference only when MinP ≤ alpha.
func MinP(n1, n2 int) float64 {
	if n1 <= 0 || n2 <= 0 {
		return 1
	}
	return math.Min(1, 2*math.Exp(-logChoose(n1+n2, n1)))
}

// MinSamplesForTest returns the smallest n such that two samples of n
// values each can be significant at level alpha (in (0, 1)); 0 for other
// values.
func MinSamplesForTest(alpha float64) int {
	if !(alpha > 0 && alpha < 1) {
		return 0
	}
	n := 1
	for MinP(n, n) > alpha {
		n++
	}
	return n
}
