package distance

import "fmt"

// Byte kernels. Many datasets store vectors whose components are integers
// in 0..255 (SIFT descriptors, image pixels) even when the files hold
// float32. Kept as bytes they take a quarter of the memory traffic, and the
// integer arithmetic below is exact: the results equal the float64
// reference, not an approximation of it.

// MaxUint8Dim is the largest dimension the byte kernels accept; up to it no
// sum can overflow 32 bits.
const MaxUint8Dim = 65536

// Uint8Accelerated reports whether the byte kernels run as assembly on this
// CPU (AVX-512BW). Without it they are portable Go, slower than the float32
// kernels, and callers should prefer those.
func Uint8Accelerated() bool { return uint8Accelerated }

// L2SqUint8Batch writes to out[i] the exact squared L2 distance between q
// and row i of rows, a contiguous block of len(out) rows of len(q) bytes.
// It panics when rows is too short or len(q) exceeds MaxUint8Dim.
func L2SqUint8Batch(q, rows []uint8, out []uint32) {
	d, n := len(q), len(out)
	if d > MaxUint8Dim {
		panic(fmt.Sprintf("distance: byte vectors of dim %d exceed the maximum %d", d, MaxUint8Dim))
	}
	if len(rows) < n*d {
		panic(fmt.Sprintf("distance: batch of %d rows of dim %d needs %d bytes, rows holds %d", n, d, n*d, len(rows)))
	}
	if d == 0 {
		clear(out)
		return
	}
	l2sqUint8Batch(q, rows, out)
}

// DotUint8Block writes to out[i*nr+j] the exact inner product of query i
// (qs[i*dim : (i+1)*dim]) and row j (rows[j*dim : (j+1)*dim]) for i < nq
// and j < nr, like L2SqBlock. With precomputed squared norms it gives exact
// squared L2 distances as |q|² + |x|² − 2⟨q, x⟩. It panics when a slice is
// too short or dim exceeds MaxUint8Dim.
func DotUint8Block(qs []uint8, nq int, rows []uint8, nr, dim int, out []uint32) {
	if dim > MaxUint8Dim && nq >= 0 && nr >= 0 {
		panic(fmt.Sprintf("distance: byte vectors of dim %d exceed the maximum %d", dim, MaxUint8Dim))
	}
	if checkBlock(qs, nq, rows, nr, dim, out, "bytes") {
		dotUint8Block(qs, nq, rows, nr, dim, out)
	}
}

// SquaredNormUint8 returns the exact squared Euclidean norm of v.
func SquaredNormUint8(v []uint8) uint32 {
	var s uint32
	for _, x := range v {
		s += uint32(x) * uint32(x)
	}
	return s
}

func l2sqUint8Generic(a, b []uint8) uint32 {
	b = b[:len(a)]
	var s uint32
	for i, x := range a {
		d := int32(x) - int32(b[i])
		s += uint32(d * d)
	}
	return s
}

func dotUint8Generic(a, b []uint8) uint32 {
	b = b[:len(a)]
	var s uint32
	for i, x := range a {
		s += uint32(x) * uint32(b[i])
	}
	return s
}

func l2sqUint8BatchGeneric(q, rows []uint8, out []uint32) {
	d := len(q)
	for i := range out {
		out[i] = l2sqUint8Generic(q, rows[i*d:i*d+d])
	}
}

func dotUint8BlockGeneric(qs []uint8, nq int, rows []uint8, nr, dim int, out []uint32) {
	for i := 0; i < nq; i++ {
		q := qs[i*dim : i*dim+dim]
		for j := 0; j < nr; j++ {
			out[i*nr+j] = dotUint8Generic(q, rows[j*dim:j*dim+dim])
		}
	}
}
