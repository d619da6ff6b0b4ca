// Package stats holds the statistics annbench applies to timed passes:
// the median and spread of a sample, a distribution-free confidence
// interval of the median, and the Mann–Whitney U test that compare uses
// to decide whether two sets of passes differ.
//
// Assumptions, stated once for every function here: the samples of one
// side are independent draws from one distribution (passes of one query
// setting, interleaved with the other settings so that slow periods of
// the machine spread over all of them). Nothing assumes a normal
// distribution: pass times on a shared machine are skewed and have
// outliers, so only ranks and order statistics are used. When a sample
// is too small for the requested confidence the functions say so with
// ErrNotEnoughSamples rather than returning a number that only looks
// precise.
//
// The package imports only the standard library, so the runner (which
// stores a confidence interval with every point) and report (which
// compares result sets) share one implementation.
//
// It imports only the standard library.
package stats
