package distance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestL2SqBatchBound checks the contract against L2SqBatch bit for bit:
// below bound the exact value, otherwise a value not below bound.
func TestL2SqBatchBound(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, d := range testDims()[:300] {
		for _, n := range []int{1, 3, 4, 5, 8, 13} {
			q, rows := randVec(r, d, 1, true), randVec(r, n*d, 3, true)
			exact := make([]float32, n)
			L2SqBatch(q, rows, exact)
			sorted := slices.Sorted(slices.Values(exact))
			bounds := []float32{0, sorted[0], sorted[n/2], sorted[n-1], float32(math.Inf(1)), float32(math.NaN())}
			for _, b := range bounds {
				got := make([]float32, n)
				L2SqBatchBound(q, rows, got, b)
				for i := range got {
					if exact[i] < b && math.Float32bits(got[i]) != math.Float32bits(exact[i]) {
						t.Fatalf("d=%d n=%d bound %v: row %d = %v, L2SqBatch %v", d, n, b, i, got[i], exact[i])
					}
					if !(exact[i] < b) && got[i] < b {
						t.Fatalf("d=%d n=%d bound %v: row %d = %v below bound, L2SqBatch %v", d, n, b, i, got[i], exact[i])
					}
				}
			}
		}
	}
}

// TestL2SqBatchBoundAbandons checks that the AVX2 kernel stops early: with
// bound 0 every row of a long vector is abandoned after its first 32
// elements, so the outputs are partial sums, smaller than the exact ones.
func TestL2SqBatchBoundAbandons(t *testing.T) {
	if active.name != "avx2" {
		t.Skipf("the %s kernels have no bounded batch kernel", active.name)
	}
	r := rand.New(rand.NewPCG(9, 10))
	const d, n = 256, 8
	q, rows := randVec(r, d, 0, true), randVec(r, n*d, 0, true)
	exact, got := make([]float32, n), make([]float32, n)
	L2SqBatch(q, rows, exact)
	L2SqBatchBound(q, rows, got, 0)
	for i := range got {
		want := L2Sq(q[:32], rows[i*d:i*d+32])
		if !(got[i] < exact[i]) || math.Abs(float64(got[i]-want)) > 1e-4*float64(want) {
			t.Fatalf("row %d: got %v, want the partial sum %v of the first 32 elements (exact %v)", i, got[i], want, exact[i])
		}
	}
}

// BenchmarkL2SqBatchBound measures one query against 256 rows with the
// bound at the 10th smallest distance, as in a top-10 scan.
func BenchmarkL2SqBatchBound(b *testing.B) {
	for _, d := range benchDims {
		r := rand.New(rand.NewPCG(2, uint64(d)))
		q, rows := randVec(r, d, 1, true), randVec(r, benchRows*d, 0, true)
		out := make([]float32, benchRows)
		L2SqBatch(q, rows, out)
		bound := slices.Sorted(slices.Values(out))[9]
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			b.SetBytes(int64(4 * d * benchRows))
			for i := 0; i < b.N; i++ {
				L2SqBatchBound(q, rows, out, bound)
			}
		})
	}
}
