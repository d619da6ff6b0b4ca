package stats

import (
	"fmt"
	"math"
	"slices"
)

// Interval is a confidence interval.
type Interval struct {
	// Lo and Hi bound the interval.
	Lo, Hi float64
	// Confidence is the interval's actual coverage probability, at least
	// the one asked for (order statistics give only discrete levels).
	Confidence float64
}

// MedianCI returns a distribution-free confidence interval of the median
// of the population xs was drawn from, with coverage at least confidence
// (in (0, 1)). It is the narrowest pair of order statistics x(l), x(n+1-l)
// whose coverage 1 − 2·P(B ≤ l−1), B ~ Binomial(n, ½), reaches the level;
// it assumes only independent draws from a continuous distribution. When
// even the sample's minimum and maximum do not reach the level (n < 6 for
// 95 %) the error wraps ErrNotEnoughSamples and says how many are needed.
func MedianCI(xs []float64, confidence float64) (Interval, error) {
	if !(confidence > 0 && confidence < 1) {
		return Interval{}, fmt.Errorf("median interval: confidence %v: want a number in (0, 1)", confidence)
	}
	n := len(xs)
	if n == 0 || medianCoverage(n, 1) < confidence {
		return Interval{}, fmt.Errorf("median interval: %w: %d sample(s), a %s interval needs at least %d",
			ErrNotEnoughSamples, n, percent(confidence), MinSamplesForMedianCI(confidence))
	}
	l := 1
	for l+1 <= (n+1)/2 && medianCoverage(n, l+1) >= confidence {
		l++
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return Interval{Lo: s[l-1], Hi: s[n-l], Confidence: medianCoverage(n, l)}, nil
}

// MinSamplesForMedianCI returns the smallest sample size for which
// MedianCI can reach confidence (in (0, 1)); 0 for other values.
func MinSamplesForMedianCI(confidence float64) int {
	if !(confidence > 0 && confidence < 1) {
		return 0
	}
	n := 1
	for medianCoverage(n, 1) < confidence {
		n++
	}
	return n
}

// medianCoverage is the probability that [x(l), x(n+1−l)] covers the
// median: 1 − 2·P(Binomial(n, ½) ≤ l−1).
func medianCoverage(n, l int) float64 {
	return 1 - 2*binomCDFHalf(n, l-1)
}

// binomCDFHalf returns P(B ≤ k) for B ~ Binomial(n, ½), summed in log
// space so that large n does not overflow.
func binomCDFHalf(n, k int) float64 {
	if k < 0 {
		return 0
	}
	if k >= n {
		return 1
	}
	var p float64
	for i := 0; i <= k; i++ {
		p += math.Exp(logChoose(n, i) - float64(n)*math.Ln2)
	}
	return math.Min(p, 1)
}

func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

func percent(f float64) string {
	return fmt.Sprintf("%g%%", math.Round(f*1e4)/1e2)
}
