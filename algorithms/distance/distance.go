// Package distance holds the distance kernels every index and the exact
// ground-truth computation spend their time in: squared L2 and inner
// product for one pair of vectors, one query against a block of rows, one
// query against rows scattered through memory (gather), and a block of
// queries against a block of rows.
//
// On amd64 the kernels are assembly for AVX-512F or AVX2+FMA, chosen once
// at start-up from the CPU's features (see Implementation); elsewhere, or
// when built with the purego tag, they are portable Go. Any length works
// and slices need no particular alignment.
//
// All functions follow one convention: smaller is nearer. For ip and
// angular the "distance" is the negated inner product.
//
// It imports only datasets/vector and golang.org/x/sys/cpu and must link no
// network, download or progress-bar code (cmd/annbench TestPackageLayout
// checks go list -deps).
package distance

import (
	"fmt"
	"math"

	"github.com/annbench/annbench/datasets/vector"
)

// L2Sq returns the squared Euclidean distance between a and b. b must hold
// at least len(a) elements; extra elements are ignored.
func L2Sq(a, b []float32) float32 { return l2sq(a, b) }

// Dot returns the inner product of a and b. b must hold at least len(a)
// elements; extra elements are ignored.
func Dot(a, b []float32) float32 { return dot(a, b) }

// NegDot returns the negated inner product, the distance used for ip and
// angular.
func NegDot(a, b []float32) float32 { return -dot(a, b) }

// L2SqBatch writes to out[i] the squared L2 distance between q and row i of
// rows, a contiguous block of len(out) rows of len(q) elements. It panics
// when rows is shorter than len(out)*len(q).
func L2SqBatch(q, rows []float32, out []float32) {
	if checkBatch(q, rows, out) {
		active.l2sqBatch(q, rows, out)
	}
}

// DotBatch writes to out[i] the inner product of q and row i of rows, a
// contiguous block of len(out) rows of len(q) elements. It panics when rows
// is shorter than len(out)*len(q).
func DotBatch(q, rows []float32, out []float32) {
	if checkBatch(q, rows, out) {
		active.dotBatch(q, rows, out)
	}
}

// L2SqBlock computes a tile of squared L2 distances between a block of
// queries and a block of rows: out[i*nr+j] is the distance between query i
// (qs[i*dim : (i+1)*dim]) and row j (rows[j*dim : (j+1)*dim]) for i < nq
// and j < nr. Both blocks are contiguous row-major; out must hold nq*nr
// values. Each loaded vector is reused for several pairs, so a caller that
// keeps the row block small enough to stay in cache (a few hundred
// kilobytes) and sweeps all its queries over it gets close to the
// arithmetic peak. It panics when a slice is too short.
func L2SqBlock(qs []float32, nq int, rows []float32, nr, dim int, out []float32) {
	if checkBlock(qs, nq, rows, nr, dim, out, "elements") {
		active.l2sqBlock(qs, nq, rows, nr, dim, out)
	}
}

// DotBlock is L2SqBlock for the inner product: out[i*nr+j] is the inner
// product of query i and row j.
func DotBlock(qs []float32, nq int, rows []float32, nr, dim int, out []float32) {
	if checkBlock(qs, nq, rows, nr, dim, out, "elements") {
		active.dotBlock(qs, nq, rows, nr, dim, out)
	}
}

// checkBatch validates batch arguments and reports whether there is work
// for a kernel; for an empty query it zeroes out.
func checkBatch(q, rows, out []float32) bool {
	if len(rows) < len(out)*len(q) {
		panic(fmt.Sprintf("distance: batch of %d rows of dim %d needs %d elements, rows holds %d",
			len(out), len(q), len(out)*len(q), len(rows)))
	}
	if len(q) == 0 {
		clear(out)
		return false
	}
	return len(out) > 0
}

// checkBlock validates block arguments and reports whether there is work
// for a kernel; for dim 0 it zeroes the tile. unit names what qs and rows
// hold ("elements", "bytes") in the panic messages.
func checkBlock[T float32 | uint8, R float32 | uint32](qs []T, nq int, rows []T, nr, dim int, out []R, unit string) bool {
	switch {
	case nq < 0 || nr < 0 || dim < 0:
		panic(fmt.Sprintf("distance: negative block shape nq=%d nr=%d dim=%d", nq, nr, dim))
	case len(qs) < nq*dim:
		panic(fmt.Sprintf("distance: %d queries of dim %d need %d %s, qs holds %d", nq, dim, nq*dim, unit, len(qs)))
	case len(rows) < nr*dim:
		panic(fmt.Sprintf("distance: %d rows of dim %d need %d %s, rows holds %d", nr, dim, nr*dim, unit, len(rows)))
	case len(out) < nq*nr:
		panic(fmt.Sprintf("distance: a %dx%d tile needs %d outputs, out holds %d", nq, nr, nq*nr, len(out)))
	}
	if dim == 0 {
		clear(out[:nq*nr])
		return false
	}
	return nq > 0 && nr > 0
}

// Func is a distance between two vectors of equal length; smaller is nearer.
type Func func(a, b []float32) float32

// For returns the distance of metric m: L2Sq for l2, NegDot for ip and
// angular (angular data is normalized at load time).
func For(m vector.Metric) Func {
	if m == vector.L2 {
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
