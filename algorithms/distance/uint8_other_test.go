//go:build !amd64 || purego

package distance

const hasVNNI = false

func dotUint8BlockAVX512(qs []uint8, nq int, rows []uint8, nr, dim int, out []uint32, _ any) {
	dotUint8BlockGeneric(qs, nq, rows, nr, dim, out)
}

var dotU8Block4AVX512 any
