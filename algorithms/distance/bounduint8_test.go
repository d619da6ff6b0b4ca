package distance

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestL2SqBatchBoundUint8 checks the contract against L2SqBatch of the
// widened rows bit for bit: below bound the exact value, otherwise a value
// not below bound; for byte-valued and for arbitrary queries, dimensions
// with and without a kernel (multiples of 8 or not), and row counts with
// and without a partial group of four.
func TestL2SqBatchBoundUint8(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	dims := append(testDims()[:140], 256, 784, 1000, 1024)
	for _, d := range dims {
		tmp := make([]float32, 4*d)
		for _, n := range []int{1, 3, 4, 5, 8, 13, 64} {
			rows := make([]uint8, n*d)
			for i := range rows {
				rows[i] = uint8(r.UintN(256))
			}
			wide := make([]float32, n*d)
			Widen(wide, rows)
			for _, byteQuery := range []bool{true, false} {
				q := testQuery(r, d, byteQuery)
				exact := make([]float32, n)
				L2SqBatch(q, wide, exact)
				sorted := slices.Sorted(slices.Values(exact))
				bounds := []float32{0, sorted[0], sorted[n/2], sorted[n-1], float32(math.Inf(1)), float32(math.NaN())}
				for _, b := range bounds {
					got := make([]float32, n)
					L2SqBatchBoundUint8(q, rows, got, b, tmp)
					for i := range got {
						if exact[i] < b && math.Float32bits(got[i]) != math.Float32bits(exact[i]) {
							t.Fatalf("d=%d n=%d byte query %v bound %v: row %d = %v, L2SqBatch of the widened row %v", d, n, byteQuery, b, i, got[i], exact[i])
						}
						if !(exact[i] < b) && got[i] < b {
							t.Fatalf("d=%d n=%d byte query %v bound %v: row %d = %v below bound, L2SqBatch %v", d, n, byteQuery, b, i, got[i], exact[i])
						}
					}
				}
			}
		}
	}
}

// TestL2SqBatchBoundUint8Abandons checks that the AVX2 byte kernel stops
// early: with bound 0 each group of rows is abandoned after 32 elements.
func TestL2SqBatchBoundUint8Abandons(t *testing.T) {
	if active.name != "avx2" {
		t.Skipf("the %s kernels have no byte kernel", active.name)
	}
	r := rand.New(rand.NewPCG(13, 14))
	const d, n = 256, 8
	rows := make([]uint8, n*d)
	for i := range rows {
		rows[i] = uint8(1 + r.UintN(255))
	}
	q := make([]float32, d)
	wide := make([]float32, n*d)
	Widen(wide, rows)
	exact, got := make([]float32, n), make([]float32, n)
	L2SqBatch(q, wide, exact)
	L2SqBatchBoundUint8(q, rows, got, 0, make([]float32, 4*d))
	for i := range got {
		want := L2Sq(q[:32], wide[i*d:i*d+32])
		if !(got[i] < exact[i]) || math.Abs(float64(got[i]-want)) > 1e-4*float64(want) {
			t.Fatalf("row %d: got %v, want the partial sum %v of the first 32 elements (exact %v)", i, got[i], want, exact[i])
		}
	}
}

func TestL2SqBatchBoundUint8Panics(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rows, tmp int
	}{{"short rows", 2*8 - 1, 32}, {"short scratch", 2 * 8, 31}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			L2SqBatchBoundUint8(make([]float32, 8), make([]uint8, tc.rows), make([]float32, 2), 1, make([]float32, tc.tmp))
		}()
	}
}

// testQuery returns a query of dimension d for the byte-row kernels:
// byte-valued when byteQuery (as a query of the same data), else floats
// in [-20, 280), off the byte grid and partly outside its range.
func testQuery(r *rand.Rand, d int, byteQuery bool) []float32 {
	q := make([]float32, d)
	for i := range q {
		if byteQuery {
			q[i] = float32(r.UintN(256))
		} else {
			q[i] = 300*r.Float32() - 20
		}
	}
	return q
}
