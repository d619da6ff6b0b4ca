//go:build !amd64 || purego

package distance

// l2sqBatchBound reports that there is no bounded kernel: the portable
// batch kernel, which is exact, serves L2SqBatchBound.
func l2sqBatchBound(q, rows, out []float32, bound float32) bool { return false }
