package distance

import "fmt"

// L2SqBatchBoundUint8 is L2SqBatchBound for rows stored as bytes: row i is
// rows[i*len(q):], and its distance is that of the float32 vector with the
// same values. Below bound, out[i] holds exactly the bits L2SqBatchBound
// (and L2SqBatch) give for the rows converted to float32, so an index may
// keep byte-valued vectors as bytes and still return the float path's
// distances; otherwise out[i] is some value not smaller than bound.
//
// With AVX2+FMA and a dimension that is a multiple of 8, the kernel
// converts the bytes as it reads them (a quarter of the memory traffic of
// float rows) and abandons groups of rows as L2SqBatchBound does.
// Otherwise the rows are converted into tmp four at a time and measured by
// L2SqBatchBound; tmp must hold at least 4*len(q) elements. It panics when
// rows is shorter than len(out)*len(q) or tmp is too short.
func L2SqBatchBoundUint8(q []float32, rows []uint8, out []float32, bound float32, tmp []float32) {
	d, n := len(q), len(out)
	if len(rows) < n*d || len(tmp) < 4*d {
		panic(fmt.Sprintf("distance: batch of %d byte rows of dim %d needs %d bytes and %d scratch elements, has %d and %d",
			n, d, n*d, 4*d, len(rows), len(tmp)))
	}
	if d == 0 {
		clear(out)
		return
	}
	if n == 0 || l2sqBatchBoundUint8(q, rows, out, bound, tmp) {
		return
	}
	// Groups of four from the first row, as the batch kernels group rows,
	// so every row is measured by the same kernel as in one call.
	for b := 0; b < n; b += 4 {
		e := min(n, b+4)
		w := tmp[:(e-b)*d]
		Widen(w, rows[b*d:e*d])
		L2SqBatchBound(q, w, out[b:e], bound)
	}
}

// Widen writes to dst the float32 of every byte of src; dst must be at
// least as long as src.
func Widen(dst []float32, src []uint8) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = float32(v)
	}
}
