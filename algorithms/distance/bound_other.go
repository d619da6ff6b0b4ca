//go:build !amd64 || purego

package distance

// l2sqBatchBound reports that there is no bounded kernel: the portable
// batch kernel, which is exact, serves L2SqBatchBound.
func l2sqBatchBound(q, rows, out []float32, bound float32) bool { return false }

// l2sqBatchBoundUint8 reports that there is no byte kernel: the rows are
// converted and measured by the portable kernels.
func l2sqBatchBoundUint8(q []float32, rows []uint8, out []float32, bound float32, tmp []float32) bool {
	return false
}

// l2sqUint8Row reports that there is no byte kernel: the row is converted
// and measured by the portable kernel.
func l2sqUint8Row(q []float32, row []uint8) (float32, bool) { return 0, false }
