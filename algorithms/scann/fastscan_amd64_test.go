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
