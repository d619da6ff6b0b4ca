//go:build amd64 && !purego

package distance

import "golang.org/x/sys/cpu"

//go:noescape
func l2sqU8Batch4AVX512(q, rows *uint8, out *uint32, dim, n int)

//go:noescape
func dotU8Block4AVX512(q, rows *uint8, out *uint32, dim, n, ostride int)

//go:noescape
func dotU8Block4VNNI(q, rows *uint8, out *uint32, dim, n, ostride int)

var (
	uint8Accelerated = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW
	// hasVNNI selects the fused multiply-accumulate block kernel.
	hasVNNI = uint8Accelerated && cpu.X86.HasAVX512VNNI
)

func l2sqUint8Batch(q, rows []uint8, out []uint32) {
	if uint8Accelerated {
		l2sqUint8BatchAVX512(q, rows, out)
		return
	}
	l2sqUint8BatchGeneric(q, rows, out)
}

func dotUint8Block(qs []uint8, nq int, rows []uint8, nr, dim int, out []uint32) {
	if hasVNNI {
		dotUint8BlockAVX512(qs, nq, rows, nr, dim, out, dotU8Block4VNNI)
		return
	}
	if uint8Accelerated {
		dotUint8BlockAVX512(qs, nq, rows, nr, dim, out, dotU8Block4AVX512)
		return
	}
	dotUint8BlockGeneric(qs, nq, rows, nr, dim, out)
}

// l2sqUint8BatchAVX512 runs the assembly over the largest multiple of four
// rows and finishes the rest in Go. dim > 0.
func l2sqUint8BatchAVX512(q, rows []uint8, out []uint32) {
	batch4(q, rows, out, l2sqU8Batch4AVX512, l2sqUint8Generic)
}

// dotUint8BlockAVX512 runs the 4×4-tile assembly over groups of four
// queries and the largest multiple of four rows, and finishes the edges in
// Go. dim > 0.
func dotUint8BlockAVX512(qs []uint8, nq int, rows []uint8, nr, dim int, out []uint32, k func(q, rows *uint8, out *uint32, dim, n, ostride int)) {
	nr4 := nr &^ 3
	i := 0
	for ; i+4 <= nq; i += 4 {
		if nr4 > 0 {
			k(&qs[i*dim], &rows[0], &out[i*nr], dim, nr4, nr)
		}
		for j := nr4; j < nr; j++ {
			r := rows[j*dim : j*dim+dim]
			for ii := i; ii < i+4; ii++ {
				out[ii*nr+j] = dotUint8Generic(qs[ii*dim:ii*dim+dim], r)
			}
		}
	}
	for ; i < nq; i++ {
		q := qs[i*dim : i*dim+dim]
		for j := 0; j < nr; j++ {
			out[i*nr+j] = dotUint8Generic(q, rows[j*dim:j*dim+dim])
		}
	}
}
