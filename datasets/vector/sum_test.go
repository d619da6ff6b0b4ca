package vector

import (
	"math"
	"testing"
)

// TestSums checks SquaredL2 and Dot on exact values at both precisions
// (lengths with and without a tail past the last group of four), and the
// summation order: in float32 the four partial sums are added as
// (s0+s1)+(s2+s3), which rounds differently from a left-to-right sum.
func TestSums(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6, 7}
	b := []float32{0, 0, 1, 1, 1, 1, 1}
	for n := 0; n <= len(a); n++ {
		var l2, dot float64
		for i := 0; i < n; i++ {
			d := float64(a[i] - b[i])
			l2 += d * d
			dot += float64(a[i] * b[i])
		}
		if got := SquaredL2[float32](a[:n], b); float64(got) != l2 {
			t.Errorf("n=%d: SquaredL2[float32] %v, want %v", n, got, l2)
		}
		if got := SquaredL2[float64](a[:n], b); got != l2 {
			t.Errorf("n=%d: SquaredL2[float64] %v, want %v", n, got, l2)
		}
		if got := Dot[float32](a[:n], b); float64(got) != dot {
			t.Errorf("n=%d: Dot[float32] %v, want %v", n, got, dot)
		}
		if got := Dot[float64](a[:n], b); got != dot {
			t.Errorf("n=%d: Dot[float64] %v, want %v", n, got, dot)
		}
	}
	// (1e8+1) + (-1e8+1) rounds each pair to ±1e8 in float32, so the
	// pairwise order gives 0 where a left-to-right sum gives 1; float64
	// is exact.
	x := []float32{1e8, 1, -1e8, 1}
	one := []float32{1, 1, 1, 1}
	if got := Dot[float32](x, one); got != 0 {
		t.Errorf("Dot[float32] of %v and ones = %v, want 0 from (s0+s1)+(s2+s3)", x, got)
	}
	if got := Dot[float64](x, one); got != 2 {
		t.Errorf("Dot[float64] of %v and ones = %v, want 2", x, got)
	}
	if got := SquaredL2[float64]([]float32{math.MaxFloat32}, []float32{-math.MaxFloat32}); math.IsInf(got, 0) {
		t.Errorf("SquaredL2[float64] overflowed: %v", got)
	}
}
