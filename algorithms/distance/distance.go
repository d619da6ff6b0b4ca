// Package distance holds the distance kernels every index and the exact
// ground-truth computation spend their time in: squared L2 and inner
// product for one pair of vectors, one query against a block of rows, and a
// block of queries against a block of rows.
//
// All functions follow one convention: smaller is nearer. For ip and
// angular the "distance" is the negated inner product.
package distance

import (
	"math"

	"github.com/annbench/annbench/datasets"
)

// L2Sq returns the squared Euclidean distance between a and b, which must
// have the same length.
func L2Sq(a, b []float32) float32 { return l2sq(a, b) }

// Dot returns the inner product of a and b, which must have the same length.
func Dot(a, b []float32) float32 { return dot(a, b) }

// L2SqBatch writes to out[i] the squared L2 distance between q and row i of
// rows, a contiguous block of len(out) rows of len(q) elements.
func L2SqBatch(q, rows []float32, out []float32) { l2sqBatch(q, rows, out) }

// DotBatch writes to out[i] the inner product of q and row i of rows, a
// contiguous block of len(out) rows of len(q) elements.
func DotBatch(q, rows []float32, out []float32) { dotBatch(q, rows, out) }

// Func is a distance between two vectors of equal length; smaller is nearer.
type Func func(a, b []float32) float32

// NegDot returns the negated inner product, the distance used for ip and
// angular.
func NegDot(a, b []float32) float32 { return -dot(a, b) }

// For returns the distance of metric m: L2Sq for l2, NegDot for ip and
// angular (angular data is normalized at load time).
func For(m datasets.Metric) Func {
	if m == datasets.L2 {
		return L2Sq
	}
	return NegDot
}

// Norm returns the Euclidean norm of v.
func Norm(v []float32) float32 { return float32(math.Sqrt(float64(dot(v, v)))) }

// Normalize scales v to unit length in place; a zero vector is left as is.
func Normalize(v []float32) {
	n := Norm(v)
	if n == 0 {
		return
	}
	inv := 1 / n
	for i := range v {
		v[i] *= inv
	}
}
