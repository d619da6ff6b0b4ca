package scann

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPackedScanMatchesDirectSum packs random 4-bit codes of vectors
// counts that do and do not fill a group, with odd and even block counts,
// and checks both kernels (scan4 as dispatched and scan4Generic) against
// the sum of table entries read straight from the unpacked codes.
func TestPackedScanMatchesDirectSum(t *testing.T) {
	t.Logf("dispatched fast-scan kernel: %s", scanImplementation)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, tc := range []struct{ n, nblocks int }{{1, 1}, {31, 3}, {32, 64}, {33, 64}, {100, 5}, {70, 392}} {
		pairs := numPairs(tc.nblocks)
		codes := make([]uint8, tc.n*tc.nblocks)
		for i := range codes {
			codes[i] = uint8(rng.UintN(16))
		}
		groups := (tc.n + groupSize - 1) / groupSize
		packed := make([]byte, groups*pairs*pairBytes)
		for g := 0; g < groups; g++ {
			cnt := min(groupSize, tc.n-g*groupSize)
			packGroup(packed[g*pairs*pairBytes:], codes[g*groupSize*tc.nblocks:], cnt, tc.nblocks)
		}
		lutF := make([]float32, tc.nblocks*16)
		for i := range lutF {
			lutF[i] = float32(rng.NormFloat64())
		}
		lut := make([]byte, pairs*pairBytes)
		lo, hi := blockRange(lutF, tc.nblocks)
		quantizeLUT(lutF, lo, hi, tc.nblocks, lut)
		want := make([]uint16, groups*groupSize)
		for v := 0; v < tc.n; v++ {
			var s int
			for j := 0; j < tc.nblocks; j++ {
				c := codes[v*tc.nblocks+j]
				if got := unpackCode(packed[(v/groupSize)*pairs*pairBytes:], v%groupSize, j); got != c {
					t.Fatalf("n=%d blocks=%d: vector %d block %d unpacks to %d, packed %d", tc.n, tc.nblocks, v, j, got, c)
				}
				s += int(lut[(j/2)*pairBytes+(j%2)*16+int(c)])
			}
			if s > 65535 {
				t.Fatalf("n=%d blocks=%d: vector %d sums to %d, beyond 16 bits", tc.n, tc.nblocks, v, s)
			}
			want[v] = uint16(s)
		}
		for name, scan := range map[string]func([]byte, []byte, int, int, []uint16){"generic": scan4Generic, "dispatched": scan4} {
			got := make([]uint16, groups*groupSize)
			scan(packed, lut, pairs, groups, got)
			if !slices.Equal(got[:tc.n], want[:tc.n]) {
				t.Errorf("%s n=%d blocks=%d: got %v, want %v", name, tc.n, tc.nblocks, got[:min(tc.n, 8)], want[:min(tc.n, 8)])
			}
		}
	}
}

// TestQuantizeLUT checks the 8-bit table reproduces float sums within the
// rounding bound and that worst-case sums stay within 16 bits.
func TestQuantizeLUT(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, nb := range []int{1, 2, 7, 64, 392, 4096} {
		lutF := make([]float32, nb*16)
		for i := range lutF {
			lutF[i] = float32(rng.NormFloat64() * 3)
		}
		lut := make([]byte, numPairs(nb)*pairBytes)
		lo, hi := blockRange(lutF, nb)
		bias, step := quantizeLUT(lutF, lo, hi, nb, lut)
		worst := 0
		for j := 0; j < nb; j++ {
			m := 0
			for c := 0; c < 16; c++ {
				m = max(m, int(lut[(j/2)*pairBytes+(j%2)*16+c]))
			}
			worst += m
		}
		if worst > 65535 {
			t.Errorf("nb=%d: largest possible sum %d exceeds 16 bits", nb, worst)
		}
		for trial := 0; trial < 50; trial++ {
			var exact float64
			var q int
			for j := 0; j < nb; j++ {
				c := rng.IntN(16)
				exact += float64(lutF[j*16+c])
				q += int(lut[(j/2)*pairBytes+(j%2)*16+c])
			}
			approx := float64(bias) + float64(step)*float64(q)
			if tol := float64(nb)*float64(step)/2 + 1e-3*(1+abs(exact)); abs(approx-exact) > tol {
				t.Fatalf("nb=%d: approx %g, exact %g, beyond %g", nb, approx, exact, tol)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestComputeLUT checks the query table against its definition,
// -gamma·(q_j·codeword(j, c)), with a narrow last block, and that the
// block minima and maxima are those of the entries.
func TestComputeLUT(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct{ dim, dpb int }{{128, 2}, {10, 3}, {7, 1}, {9, 4}} {
		q := newQuantizer(tc.dim, tc.dpb, 4)
		for i := range q.codebooks {
			q.codebooks[i] = float32(rng.NormFloat64())
		}
		for j := 0; j < q.nblocks; j++ { // the unused tail stays zero
			for c := 0; c < 16; c++ {
				off := (j*16 + c) * q.dpb
				clear(q.codebooks[off+q.width(j) : off+q.dpb])
			}
		}
		qv := make([]float32, tc.dim)
		for i := range qv {
			qv[i] = float32(rng.NormFloat64())
		}
		lut := make([]float32, q.nblocks*16)
		lo, hi := make([]float32, q.nblocks), make([]float32, q.nblocks)
		q.computeLUT(qv, 2, lut, lo, hi)
		wlo, whi := blockRange(lut, q.nblocks)
		if !slices.Equal(lo, wlo) || !slices.Equal(hi, whi) {
			t.Errorf("dim=%d dpb=%d: block ranges %v %v, want %v %v", tc.dim, tc.dpb, lo, hi, wlo, whi)
		}
		for j := 0; j < q.nblocks; j++ {
			for c := 0; c < 16; c++ {
				var s float64
				for d, v := range q.codeword(j, c) {
					s += float64(v) * float64(qv[j*tc.dpb+d])
				}
				if got := float64(lut[j*16+c]); abs(got+2*s) > 1e-4*(1+abs(s)) {
					t.Fatalf("dim=%d dpb=%d: entry (%d,%d) = %g, want %g", tc.dim, tc.dpb, j, c, got, -2*s)
				}
			}
		}
	}
}
