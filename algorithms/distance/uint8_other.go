//go:build !amd64 || purego

package distance

const uint8Accelerated = false

func l2sqUint8Batch(q, rows []uint8, out []uint32) { l2sqUint8BatchGeneric(q, rows, out) }

func dotUint8Block(qs []uint8, nq int, rows []uint8, nr, dim int, out []uint32) {
	dotUint8BlockGeneric(qs, nq, rows, nr, dim, out)
}
