package distance

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// randBytes returns n random bytes at an odd offset inside a larger
// buffer, biased towards the extremes 0 and 255.
func randBytes(r *rand.Rand, n, off int) []uint8 {
	buf := make([]uint8, n+off+33)
	for i := range buf {
		switch r.IntN(4) {
		case 0:
			buf[i] = 0
		case 1:
			buf[i] = 255
		default:
			buf[i] = uint8(r.IntN(256))
		}
	}
	return buf[off : off+n : off+n]
}

func refL2Uint8(a, b []uint8) uint32 {
	var s int64
	for i := range a {
		d := int64(a[i]) - int64(b[i])
		s += d * d
	}
	return uint32(s)
}

func refDotUint8(a, b []uint8) uint32 {
	var s int64
	for i := range a {
		s += int64(a[i]) * int64(b[i])
	}
	return uint32(s)
}

type uint8Set struct {
	name  string
	batch func(q, rows []uint8, out []uint32)
	block func(qs []uint8, nq int, rows []uint8, nr, dim int, out []uint32)
}

// uint8Sets lists the portable byte kernels and, when the CPU runs them,
// the assembly ones, so both are compared with the reference in one run.
func uint8Sets() []uint8Set {
	s := []uint8Set{{"generic", l2sqUint8BatchGeneric, dotUint8BlockGeneric}}
	if uint8Accelerated {
		s = append(s, uint8Set{"avx512bw", l2sqUint8Batch, func(qs []uint8, nq int, rows []uint8, nr, dim int, out []uint32) {
			dotUint8BlockAVX512(qs, nq, rows, nr, dim, out, dotU8Block4AVX512)
		}})
	}
	if hasVNNI {
		s = append(s, uint8Set{"vnni", l2sqUint8Batch, dotUint8Block})
	}
	return s
}

func TestUint8Kernels(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	t.Logf("byte kernels accelerated: %v", Uint8Accelerated())
	for _, ks := range uint8Sets() {
		t.Run(ks.name, func(t *testing.T) {
			for _, d := range testDims() {
				n := []int{1, 3, 4, 7, 13}[d%5]
				q := randBytes(r, d, 1+d%3)
				rows := randBytes(r, n*d, 3)
				out := make([]uint32, n+1)
				out[n] = 12345
				ks.batch(q, rows, out[:n])
				for i := 0; i < n; i++ {
					if want := refL2Uint8(q, rows[i*d:i*d+d]); out[i] != want {
						t.Fatalf("batch d=%d n=%d row %d: got %d, want %d", d, n, i, out[i], want)
					}
				}
				if out[n] != 12345 {
					t.Fatalf("batch d=%d wrote past out", d)
				}
				nq, nr := []int{1, 4, 5, 8, 9}[d%5], []int{1, 4, 6, 8, 11}[(d/5)%5]
				qs := randBytes(r, nq*d, 5)
				rs := randBytes(r, nr*d, 2)
				tile := make([]uint32, nq*nr+1)
				tile[nq*nr] = 999
				ks.block(qs, nq, rs, nr, d, tile[:nq*nr])
				for i := 0; i < nq; i++ {
					for j := 0; j < nr; j++ {
						if want := refDotUint8(qs[i*d:i*d+d], rs[j*d:j*d+d]); tile[i*nr+j] != want {
							t.Fatalf("block d=%d %dx%d [%d,%d]: got %d, want %d", d, nq, nr, i, j, tile[i*nr+j], want)
						}
					}
				}
				if tile[nq*nr] != 999 {
					t.Fatalf("block d=%d wrote past out", d)
				}
			}
		})
	}
}

func TestUint8MaxDim(t *testing.T) {
	// All-255 against all-0 at the largest dimension: no overflow.
	d := MaxUint8Dim
	a, b := make([]uint8, d), make([]uint8, 4*d)
	for i := range a {
		a[i] = 255
	}
	out := make([]uint32, 4)
	L2SqUint8Batch(a, b, out)
	if want := uint32(d) * 255 * 255; out[0] != want || out[3] != want {
		t.Fatalf("L2SqUint8Batch at dim %d: got %v, want %d", d, out, want)
	}
	tile := make([]uint32, 4)
	DotUint8Block(a, 1, append(a[:d:d], a...), 2, d, tile)
	if want := uint32(d) * 255 * 255; tile[0] != want || tile[1] != want {
		t.Fatalf("DotUint8Block at dim %d: got %v, want %d", d, tile[:2], want)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("dimension above MaxUint8Dim did not panic")
		}
	}()
	L2SqUint8Batch(make([]uint8, d+1), nil, nil)
}

func TestSquaredNormUint8(t *testing.T) {
	if got := SquaredNormUint8([]uint8{3, 4, 255}); got != 9+16+65025 {
		t.Fatalf("SquaredNormUint8 = %d", got)
	}
}

// BenchmarkL2SqUint8Batch compares one byte query against 256 byte rows
// with the float32 batch kernel on the same values.
func BenchmarkL2SqUint8Batch(b *testing.B) {
	for _, d := range benchDims {
		r := rand.New(rand.NewPCG(4, uint64(d)))
		q, rows := randBytes(r, d, 0), randBytes(r, benchRows*d, 0)
		out := make([]uint32, benchRows)
		qf, rowsf := make([]float32, d), make([]float32, len(rows))
		for i, x := range q {
			qf[i] = float32(x)
		}
		for i, x := range rows {
			rowsf[i] = float32(x)
		}
		outf := make([]float32, benchRows)
		b.Run(fmt.Sprintf("d=%d/float32", d), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				L2SqBatch(qf, rowsf, outf)
			}
		})
		for _, ks := range uint8Sets() {
			b.Run(fmt.Sprintf("d=%d/uint8-%s", d, ks.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					ks.batch(q, rows, out)
				}
			})
		}
	}
}

// BenchmarkDotUint8Block measures a 32-query × 256-row byte tile beside the
// float32 L2 block kernel on the same values.
func BenchmarkDotUint8Block(b *testing.B) {
	const nq = 32
	for _, d := range benchDims {
		r := rand.New(rand.NewPCG(5, uint64(d)))
		qs, rows := randBytes(r, nq*d, 0), randBytes(r, benchRows*d, 0)
		out := make([]uint32, nq*benchRows)
		qf, rowsf := make([]float32, len(qs)), make([]float32, len(rows))
		for i, x := range qs {
			qf[i] = float32(x)
		}
		for i, x := range rows {
			rowsf[i] = float32(x)
		}
		outf := make([]float32, nq*benchRows)
		b.Run(fmt.Sprintf("d=%d/float32-l2", d), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				L2SqBlock(qf, nq, rowsf, benchRows, d, outf)
			}
		})
		for _, ks := range uint8Sets() {
			b.Run(fmt.Sprintf("d=%d/uint8-%s", d, ks.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					ks.block(qs, nq, rows, benchRows, d, out)
				}
			})
		}
	}
}
