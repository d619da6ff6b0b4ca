package scann

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestUpdatePlainMatchesCoupled checks that the one-pass update of the
// plain loss gives exactly the codewords of the block-by-block update, with
// weighted points, a narrow last block and unused codewords reseeded in
// the same order.
func TestUpdatePlainMatchesCoupled(t *testing.T) {
	for _, tc := range []struct{ dim, dpb, nbits, n int }{{9, 2, 4, 300}, {12, 4, 4, 40}, {5, 5, 8, 600}} {
		r := rand.New(rand.NewPCG(21, uint64(tc.dim)))
		ts := &trainSet{res: make([]float32, tc.n*tc.dim), x: make([]float32, tc.n*tc.dim),
			alpha: make([]float64, tc.n), weight: make([]float64, tc.n), n: tc.n}
		for i := range ts.res {
			ts.res[i] = float32(r.NormFloat64())
		}
		for i := range ts.weight {
			ts.weight[i] = 0.5 + r.Float64()
		}
		a := newQuantizer(tc.dim, tc.dpb, tc.nbits)
		codes := make([]uint8, tc.n*a.nblocks)
		for i := range codes {
			codes[i] = uint8(r.IntN(a.ksub - 1)) // the last codeword stays unused
		}
		for i := range a.codebooks {
			a.codebooks[i] = float32(r.NormFloat64())
		}
		b := newQuantizer(tc.dim, tc.dpb, tc.nbits)
		copy(b.codebooks, a.codebooks)
		a.updateCoupled(ts, codes, rand.New(rand.NewPCG(5, 6)))
		b.updatePlain(ts, codes, rand.New(rand.NewPCG(5, 6)))
		if !slices.Equal(a.codebooks, b.codebooks) {
			t.Errorf("%+v: one-pass update differs from the block-by-block update", tc)
		}
	}
}

// TestEncode4MatchesNearest checks that encode4 (the AVX2 kernel where the
// CPU has it) picks exactly quantizer.nearest's codeword in every
// full-width block, ties included, and leaves the narrow last block.
func TestEncode4MatchesNearest(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, dpb := range []int{1, 2, 3, 4} {
		const dim = 11
		q := newQuantizer(dim, dpb, 4)
		for i := range q.codebooks {
			q.codebooks[i] = float32(r.IntN(5)) // small integers: many ties
		}
		tr := q.transpose4()
		full := dim / dpb
		for trial := 0; trial < 200; trial++ {
			v := make([]float32, dim)
			for i := range v {
				v[i] = float32(r.IntN(9))/2 - 0.5
			}
			codes := make([]uint8, q.nblocks)
			for i := range codes {
				codes[i] = 99
			}
			done := encode4(v, tr, dpb, full, codes)
			if done != 0 && done != full {
				t.Fatalf("dpb %d: encode4 did %d of %d blocks", dpb, done, full)
			}
			for j := 0; j < q.nblocks; j++ {
				if j >= done {
					if codes[j] != 99 {
						t.Fatalf("dpb %d: block %d written beyond the %d done", dpb, j, done)
					}
					continue
				}
				if want := q.nearest(j, v[j*dpb:j*dpb+q.width(j)]); codes[j] != want {
					t.Fatalf("dpb %d block %d: encode4 %d, nearest %d", dpb, j, codes[j], want)
				}
			}
		}
	}
}
