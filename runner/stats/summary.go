package stats

import (
	"errors"
	"math"
	"slices"
)

// ErrNotEnoughSamples is wrapped by the errors of functions asked for a
// confidence or significance that their samples cannot support.
var ErrNotEnoughSamples = errors.New("not enough samples")

// Median returns the median of xs (the mean of the two middle values for
// an even count), or NaN for an empty sample. xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// MinMax returns the smallest and largest value of xs, or NaN, NaN for an
// empty sample.
func MinMax(xs []float64) (lo, hi float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	return slices.Min(xs), slices.Max(xs)
}

// CV returns the coefficient of variation of xs: the sample standard
// deviation divided by the mean. It is 0 for fewer than two values or a
// mean that is not positive.
func CV(xs []float64) float64 {
	n := len(xs)
	if n < 2 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(n)
	if !(mean > 0) {
		return 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss/float64(n-1)) / mean
}
