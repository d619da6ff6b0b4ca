//go:build amd64 && !purego

package distance

//go:noescape
func l2sqBatch4BoundAVX2(q, rows, out *float32, dim, n int, bound float32)

// l2sqBatchBound runs the AVX2 bounded kernel when the AVX2 set is active,
// with the rows past the last multiple of four finished by the pair kernel
// as in batch4, and reports whether it did. The other sets have no bounded
// kernel; their batch kernel is exact, which satisfies the contract.
func l2sqBatchBound(q, rows, out []float32, bound float32) bool {
	if active.name != avx2Kernels.name {
		return false
	}
	d, n := len(q), len(out)
	n4 := n &^ 3
	if n4 > 0 {
		l2sqBatch4BoundAVX2(&q[0], &rows[0], &out[0], d, n4, bound)
	}
	for i := n4; i < n; i++ {
		out[i] = l2sqAVX2(q, rows[i*d:i*d+d])
	}
	return true
}

//go:noescape
func l2sqBatch4BoundUint8AVX2(q *float32, rows *uint8, out *float32, dim, n int, bound float32)

//go:noescape
func l2sqUint8AVX2(q *float32, row *uint8, dim int) float32

// l2sqBatchBoundUint8 runs the AVX2 byte kernel when the AVX2 set is
// active and the dimension is a multiple of 8, and reports whether it did.
// The rows past the last multiple of four are measured by the byte twin
// of the pair kernel, as L2SqBatch measures them; tmp is not needed.
func l2sqBatchBoundUint8(q []float32, rows []uint8, out []float32, bound float32, tmp []float32) bool {
	d, n := len(q), len(out)
	if active.name != avx2Kernels.name || d%8 != 0 {
		return false
	}
	n4 := n &^ 3
	if n4 > 0 {
		l2sqBatch4BoundUint8AVX2(&q[0], &rows[0], &out[0], d, n4, bound)
	}
	for i := n4; i < n; i++ {
		out[i] = l2sqUint8AVX2(&q[0], &rows[i*d], d)
	}
	return true
}

// l2sqUint8Row measures one byte row with the byte twin of the AVX2 pair
// kernel when the AVX2 set is active and the dimension is a multiple of
// 8, and reports whether it did.
func l2sqUint8Row(q []float32, row []uint8) (float32, bool) {
	d := len(q)
	if active.name != avx2Kernels.name || d%8 != 0 || d == 0 || len(row) < d {
		return 0, false
	}
	return l2sqUint8AVX2(&q[0], &row[0], d), true
}
