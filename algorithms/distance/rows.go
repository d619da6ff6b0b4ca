package distance

import (
	"math"
	"unsafe"

	"github.com/annbench/annbench/datasets/vector"
)

// Rows holds the vectors an index measures exactly, row after row, as
// float32 or, for byte-valued data, as bytes. Image data such as MNIST and
// descriptors such as SIFT store integers 0..255 as float32; kept as bytes
// they take a quarter of the memory and a quarter of the memory traffic,
// which is what bounds the exact distances of long vectors. The byte
// kernels convert each byte to the float32 of the same value as they read
// it and add in the order of the float kernels, so a distance to a byte
// row has exactly the bits of the distance to the float row.
type Rows struct {
	dim int
	f   []float32 // rows as float32; nil when b holds them
	b   []uint8   // rows as bytes
}

// NewRows returns rows of dim elements holding v, which it keeps (the
// caller must not change v afterwards). With compact set and every element
// of v the float32 of a byte value, bit for bit (so not -0 or NaN), the
// rows are kept as bytes instead. Only squared l2 has a byte kernel; an
// index measuring another metric passes compact false.
func NewRows(v []float32, dim int, compact bool) Rows {
	if !compact || len(v) == 0 || !byteValued(v) {
		return Rows{dim: dim, f: v}
	}
	b := make([]uint8, len(v))
	for i, f := range v {
		b[i] = uint8(f)
	}
	return Rows{dim: dim, b: b}
}

// byteValued reports whether every element of v is the float32 of a byte
// value, bit for bit, which makes a byte copy lossless.
func byteValued(v []float32) bool {
	for _, f := range v {
		if !(f >= 0 && f <= 255) || math.Float32bits(float32(uint8(f))) != math.Float32bits(f) {
			return false
		}
	}
	return true
}

// Storage names how the rows are kept: "uint8" or "float32" (also for no
// rows).
func (r *Rows) Storage() string {
	if r.b != nil {
		return "uint8"
	}
	return "float32"
}

// Floats returns the rows as float32, or nil when they are kept as bytes.
func (r *Rows) Floats() []float32 { return r.f }

// Bytes returns the rows as bytes, or nil when they are kept as float32.
func (r *Rows) Bytes() []uint8 { return r.b }

// SizeBytes returns the bytes the rows occupy.
func (r *Rows) SizeBytes() int64 { return int64(len(r.f))*4 + int64(len(r.b)) }

// Row returns row p as float32: the stored row, or for bytes the row
// converted into tmp, which must hold dim elements.
func (r *Rows) Row(p int, tmp []float32) []float32 {
	d := r.dim
	if r.b == nil {
		return r.f[p*d : p*d+d]
	}
	Widen(tmp[:d], r.b[p*d:p*d+d])
	return tmp[:d]
}

// L2Sq returns the squared l2 distance from q to row p with the bits
// L2Sq(q, float row) has. tmp must hold dim elements; it is used when the
// rows are bytes and the CPU has no byte kernel for this dimension.
func (r *Rows) L2Sq(q []float32, p int, tmp []float32) float32 {
	d := r.dim
	if r.b == nil {
		return L2Sq(q, r.f[p*d:p*d+d])
	}
	row := r.b[p*d : p*d+d]
	if v, ok := l2sqUint8Row(q, row); ok {
		return v
	}
	Widen(tmp[:d], row)
	return L2Sq(q, tmp[:d])
}

// Distance returns the distance For(m) gives from q to the float row p:
// L2Sq for l2, NegDot otherwise. tmp must hold dim elements (see L2Sq and
// Row).
func (r *Rows) Distance(m vector.Metric, q []float32, p int, tmp []float32) float32 {
	if m == vector.L2 {
		return r.L2Sq(q, p, tmp)
	}
	return NegDot(q, r.Row(p, tmp))
}

// rowsChunk is the number of elements EachFloatChunk converts at a time.
const rowsChunk = 1 << 16

// EachFloatChunk calls fn with all rows as float32, in order, a chunk of
// whole or partial rows at a time (for writing them out).
func (r *Rows) EachFloatChunk(fn func([]float32)) {
	if r.b == nil {
		fn(r.f)
		return
	}
	buf := make([]float32, min(rowsChunk, len(r.b)))
	for i := 0; i < len(r.b); i += rowsChunk {
		src := r.b[i:min(len(r.b), i+rowsChunk)]
		Widen(buf, src)
		fn(buf[:len(src)])
	}
}

// Prefetch asks the CPU to start loading row p, so that a distance to it
// computed a little later does not wait for memory. It changes nothing
// else; p must be a valid row.
func (r *Rows) Prefetch(p int) {
	d := r.dim
	if r.b != nil {
		PrefetchLines(unsafe.Pointer(&r.b[p*d]), (d+63)/64)
		return
	}
	if d > 0 {
		PrefetchLines(unsafe.Pointer(&r.f[p*d]), (4*d+63)/64)
	}
}
