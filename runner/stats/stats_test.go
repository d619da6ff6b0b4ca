package stats

import (
	"errors"
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		in := append([]float64(nil), tt.in...)
		if got := Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		for i := range in {
			if in[i] != tt.in[i] {
				t.Fatalf("Median reordered its input: %v", tt.in)
			}
		}
	}
	if !math.IsNaN(Median(nil)) {
		t.Errorf("Median(nil) is not NaN")
	}
}

func TestCV(t *testing.T) {
	// mean 5, sample sd sqrt(32/7).
	xs := []float64{2, 4, 4, 4, 5, 5, 7, 9}
	if got, want := CV(xs), math.Sqrt(32.0/7)/5; !near(got, want, 1e-12) {
		t.Errorf("CV = %v, want %v", got, want)
	}
	if CV([]float64{7}) != 0 || CV(nil) != 0 || CV([]float64{-1, 1}) != 0 {
		t.Errorf("CV of one value, none, or zero mean is not 0")
	}
	lo, hi := MinMax(xs)
	if lo != 2 || hi != 9 {
		t.Errorf("MinMax = %v, %v", lo, hi)
	}
}

func TestMedianCI(t *testing.T) {
	xs := []float64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5}
	// n = 10 at 95 %: order statistics 2 and 9 (tables of the sign
	// test), coverage 1 − 2·11/1024.
	iv, err := MedianCI(xs, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if iv.Lo != 2 || iv.Hi != 9 || !near(iv.Confidence, 1-22.0/1024, 1e-12) {
		t.Errorf("n=10: %+v, want [2, 9] at %v", iv, 1-22.0/1024)
	}
	// n = 6 is the smallest sample with a 95 % interval: [min, max] at
	// 1 − 2/64.
	iv, err = MedianCI([]float64{3, 1, 4, 1.5, 9, 2.6}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if iv.Lo != 1 || iv.Hi != 9 || !near(iv.Confidence, 1-2.0/64, 1e-12) {
		t.Errorf("n=6: %+v", iv)
	}
	// n = 5 cannot reach 95 % (max coverage 1 − 2/32).
	_, err = MedianCI([]float64{1, 2, 3, 4, 5}, 0.95)
	if !errors.Is(err, ErrNotEnoughSamples) {
		t.Errorf("n=5 at 95%%: err = %v, want not enough samples", err)
	}
	if _, err := MedianCI([]float64{1, 2, 3, 4, 5}, 0.9); err != nil {
		t.Errorf("n=5 at 90%%: %v", err)
	}
	for _, c := range []float64{0, 1, -0.5, math.NaN()} {
		if _, err := MedianCI(xs, c); err == nil || errors.Is(err, ErrNotEnoughSamples) {
			t.Errorf("confidence %v: err = %v, want a usage error", c, err)
		}
	}
	if got := MinSamplesForMedianCI(0.95); got != 6 {
		t.Errorf("MinSamplesForMedianCI(0.95) = %d, want 6", got)
	}
	if got := MinSamplesForMedianCI(0.99); got != 8 { // 1 − 2/128 < 0.99 ≤ 1 − 2/256
		t.Errorf("MinSamplesForMedianCI(0.99) = %d, want 8", got)
	}
	// Large samples: the interval narrows around the median and still
	// covers it.
	big := make([]float64, 1001)
	for i := range big {
		big[i] = float64(i)
	}
	iv, err = MedianCI(big, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	// Normal approximation: 500 ± 1.96·√1001/2 ≈ 500 ± 31.
	if !(iv.Lo >= 465 && iv.Lo <= 470 && iv.Hi >= 530 && iv.Hi <= 535 && iv.Confidence >= 0.95) {
		t.Errorf("n=1001: %+v", iv)
	}
}

func TestMannWhitneyExact(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		u, p float64
	}{
		// Complete separation of 5 and 5: the smallest p, 2/C(10,5).
		{"separated", []float64{6, 7, 8, 9, 10}, []float64{1, 2, 3, 4, 5}, 25, 2.0 / 252},
		{"separated, other side", []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 0, 2.0 / 252},
		// Interleaved 3 and 3: U = 3, P(U ≤ 3) = 7/20.
		{"interleaved", []float64{1, 3, 5}, []float64{2, 4, 6}, 3, 0.7},
		// scipy.stats.mannwhitneyu's documentation example (exact):
		// U1 = 17, p = 1/9.
		{"scipy example", []float64{19, 22, 16, 29, 24}, []float64{20, 11, 17, 12}, 17, 1.0 / 9},
		{"one each", []float64{2}, []float64{1}, 1, 1},
	}
	for _, tt := range tests {
		r, err := MannWhitney(tt.x, tt.y)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !r.Exact || r.U != tt.u || !near(r.P, tt.p, 1e-12) {
			t.Errorf("%s: %+v, want exact U=%v p=%v", tt.name, r, tt.u, tt.p)
		}
	}
}

func TestMannWhitneyNormal(t *testing.T) {
	// A tie forces the normal approximation. x = {1, 2, 2}, y = {2, 3, 4}:
	// midranks 1, 3, 3 | 3, 5, 6; R1 = 7, U = 1; one tie group of 3 gives
	// σ² = 9/12·(7 − 24/30) = 4.65; z = (|1 − 4.5| − 0.5)/√4.65.
	r, err := MannWhitney([]float64{1, 2, 2}, []float64{2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	wantP := math.Erfc((3 / math.Sqrt(4.65)) / math.Sqrt2)
	if r.Exact || r.U != 1 || !near(r.P, wantP, 1e-12) {
		t.Errorf("tied: %+v, want U=1 p=%v (normal)", r, wantP)
	}
	// scipy's documented asymptotic p-value for its example: 0.11134688653314041,
	// here reached through a tie-free sample too large for the exact path.
	x := []float64{19, 22, 16, 29, 24}
	y := []float64{20, 11, 17, 12}
	if p := normalP(t, x, y); !near(p, 0.11134688653314041, 1e-12) {
		t.Errorf("scipy example, normal approximation: p = %v", p)
	}
	// Large samples: the exact and normal p-values agree.
	var a, b []float64
	for i := 0; i < 50; i++ {
		a = append(a, float64(3*i))
		b = append(b, float64(3*(i+7)+1))
	}
	ex, _ := MannWhitney(a, b)
	if !ex.Exact {
		t.Fatalf("50 and 50 distinct values did not take the exact path")
	}
	if p := normalP(t, a, b); !near(p, ex.P, 0.01) {
		t.Errorf("n=50: exact p %v, normal %v", ex.P, p)
	}
	// All values equal: no evidence either way.
	if r, _ := MannWhitney([]float64{1, 1}, []float64{1, 1, 1}); r.P != 1 {
		t.Errorf("all equal: p = %v, want 1", r.P)
	}
}

// normalP evaluates the normal approximation on tie-free data by hand
// (the path MannWhitney takes for more than exactLimit values).
func normalP(t *testing.T, x, y []float64) float64 {
	t.Helper()
	r, err := MannWhitney(x, y)
	if err != nil {
		t.Fatal(err)
	}
	f1, f2 := float64(len(x)), float64(len(y))
	sd := math.Sqrt(f1 * f2 * (f1 + f2 + 1) / 12)
	z := (math.Abs(r.U-f1*f2/2) - 0.5) / sd
	return math.Erfc(z / math.Sqrt2)
}

func TestMannWhitneyErrors(t *testing.T) {
	if _, err := MannWhitney(nil, []float64{1}); !errors.Is(err, ErrNotEnoughSamples) {
		t.Errorf("empty side: %v", err)
	}
	if _, err := MannWhitney([]float64{math.NaN()}, []float64{1}); err == nil {
		t.Errorf("NaN accepted")
	}
}

func TestUCountsSumToChoose(t *testing.T) {
	for n1 := 1; n1 <= 12; n1++ {
		for n2 := 1; n2 <= 12; n2++ {
			c := uCounts(n1, n2)
			var sum float64
			for i, v := range c {
				if v < 0 || v != math.Trunc(v) {
					t.Fatalf("(%d,%d): count[%d] = %v", n1, n2, i, v)
				}
				if v != c[len(c)-1-i] {
					t.Fatalf("(%d,%d): distribution not symmetric at %d", n1, n2, i)
				}
				sum += v
			}
			if want := math.Round(math.Exp(logChoose(n1+n2, n1))); sum != want {
				t.Fatalf("(%d,%d): counts sum to %v, want C = %v", n1, n2, sum, want)
			}
		}
	}
}

func TestMinP(t *testing.T) {
	if got := MinP(5, 5); !near(got, 2.0/252, 1e-12) {
		t.Errorf("MinP(5,5) = %v", got)
	}
	if got := MinSamplesForTest(0.05); got != 4 { // 2/C(8,4) = 0.029; 2/C(6,3) = 0.1
		t.Errorf("MinSamplesForTest(0.05) = %d, want 4", got)
	}
	if MinP(0, 3) != 1 || MinSamplesForTest(0) != 0 {
		t.Errorf("degenerate inputs")
	}
}

func TestAdjustBH(t *testing.T) {
	nan := math.NaN()
	// Worked by hand: m = 4 finite p-values 0.01, 0.02, 0.03, 0.5 give
	// 4·0.01/1 = 0.04, 4·0.02/2 = 0.04, 4·0.03/3 = 0.04, 4·0.5/4 = 0.5.
	got := AdjustBH([]float64{0.03, nan, 0.5, 0.01, 0.02})
	want := []float64{0.04, nan, 0.5, 0.04, 0.04}
	for i := range want {
		if math.IsNaN(want[i]) != math.IsNaN(got[i]) || (!math.IsNaN(want[i]) && math.Abs(got[i]-want[i]) > 1e-12) {
			t.Fatalf("AdjustBH = %v, want %v", got, want)
		}
	}
	// Step-up: a larger p can lower a smaller one's adjusted value
	// (4·0.04/2 = 0.08 < 4·0.03/1 = 0.12), and 4·0.9/3 = 1.2 becomes
	// the 0.95 above it.
	got = AdjustBH([]float64{0.03, 0.04, 0.9, 0.95})
	if math.Abs(got[0]-0.08) > 1e-12 || math.Abs(got[1]-0.08) > 1e-12 || got[3] != 0.95 || got[2] != 0.95 {
		t.Fatalf("AdjustBH = %v, want [0.08 0.08 0.95 0.95]", got)
	}
	if got := AdjustBH([]float64{0.9, 0.8}); got[0] != 0.9 || got[1] != 0.9 {
		t.Fatalf("AdjustBH = %v, want [0.9 0.9]", got)
	}
	// One test is its own adjustment; none gives none.
	if got := AdjustBH([]float64{0.003}); got[0] != 0.003 {
		t.Fatalf("AdjustBH one test = %v", got)
	}
	if got := AdjustBH(nil); len(got) != 0 {
		t.Fatalf("AdjustBH(nil) = %v", got)
	}
}
