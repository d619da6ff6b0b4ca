//go:build amd64 && !purego

package scann

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestScan4AVX2MatchesGeneric runs the assembly and the portable kernel on
// the same random codes and tables, including tables whose sums wrap
// around 2¹⁶, and requires identical output.
func TestScan4AVX2MatchesGeneric(t *testing.T) {
	if !hasAVX2 {
		t.Skip("CPU has no AVX2; only the portable kernel runs here")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ pairs, groups int }{{1, 1}, {2, 3}, {32, 5}, {196, 2}, {400, 4}, {7, 0}} {
		codes := make([]byte, tc.pairs*pairBytes*tc.groups)
		lut := make([]byte, tc.pairs*pairBytes)
		for i := range codes {
			codes[i] = byte(rng.UintN(256))
		}
		for i := range lut {
			lut[i] = byte(rng.UintN(256))
		}
		want := make([]uint16, tc.groups*groupSize)
		got := make([]uint16, tc.groups*groupSize)
		scan4Generic(codes, lut, tc.pairs, tc.groups, want)
		if tc.groups > 0 {
			scan4AVX2(&codes[0], &lut[0], tc.pairs, tc.groups, &got[0])
		}
		if !slices.Equal(got, want) {
			t.Errorf("pairs=%d groups=%d: avx2 %v\ngeneric %v", tc.pairs, tc.groups, got[:min(8, len(got))], want[:min(8, len(want))])
		}
	}
}

// TestLUTKernelsMatchGeneric requires the AVX2 query-table kernels to give
// the portable code's table bit for bit: float entries, block minima and
// maxima, and 8-bit entries.
func TestLUTKernelsMatchGeneric(t *testing.T) {
	if !hasAVX2 {
		t.Skip("CPU has no AVX2; only the portable kernels run here")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct{ dpb, nb int }{{1, 1}, {2, 64}, {2, 392}, {3, 7}, {4, 33}, {8, 5}} {
		tr := make([]float32, tc.nb*tc.dpb*16)
		qv := make([]float32, tc.nb*tc.dpb)
		for i := range tr {
			tr[i] = float32(rng.NormFloat64())
		}
		for i := range qv {
			qv[i] = float32(rng.NormFloat64() * 10)
		}
		want, got := make([]float32, tc.nb*16), make([]float32, tc.nb*16)
		wlo, whi := make([]float32, tc.nb), make([]float32, tc.nb)
		glo, ghi := make([]float32, tc.nb), make([]float32, tc.nb)
		lut4BlocksGeneric(tr, qv, tc.dpb, tc.nb, -2, want, wlo, whi)
		lut4BlocksAVX2(&tr[0], &qv[0], tc.dpb, tc.nb, -2, &got[0], &glo[0], &ghi[0])
		if !slices.Equal(got, want) || !slices.Equal(glo, wlo) || !slices.Equal(ghi, whi) {
			t.Fatalf("dpb=%d nb=%d: avx2 table %v lo %v hi %v\ngeneric %v lo %v hi %v",
				tc.dpb, tc.nb, got[:4], glo[:1], ghi[:1], want[:4], wlo[:1], whi[:1])
		}
		// Scales that put entries on exact halves test the rounding.
		for _, s := range []float32{0.5, 1, 7.3, 255 / (whi[0] - wlo[0])} {
			wq, gq := make([]byte, tc.nb*16), make([]byte, tc.nb*16)
			quantize4Generic(want, wlo, tc.nb, s, wq)
			quantize4AVX2(&want[0], &wlo[0], tc.nb, s, &gq[0])
			if !slices.Equal(gq, wq) {
				t.Fatalf("dpb=%d nb=%d s=%g: avx2 bytes %v\ngeneric %v", tc.dpb, tc.nb, s, gq[:16], wq[:16])
			}
		}
	}
}
