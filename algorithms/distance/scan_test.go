package distance

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFirstBelow(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	nan := float32(math.NaN())
	for n := 0; n <= 70; n++ {
		for trial := 0; trial < 20; trial++ {
			xs := randVec(r, n, 1+trial%5, false)
			us := make([]uint32, n)
			for i := range xs {
				xs[i] = 1 + xs[i] // all in [1, 2)
				if r.IntN(9) == 0 {
					xs[i] = nan
				}
				us[i] = 1000 + uint32(r.IntN(1000))
			}
			want := n
			if n > 0 && trial%4 != 0 {
				want = r.IntN(n)
				xs[want] = 0.5
				us[want] = 999
				// A later element below the threshold must not win.
				if want+1 < n {
					xs[n-1], us[n-1] = 0.25, 5
				}
			}
			if got := FirstBelow(xs, 1); got != want {
				t.Fatalf("FirstBelow n=%d: got %d, want %d (%v)", n, got, want, xs)
			}
			if got := firstBelowGeneric(xs, 1); got != want {
				t.Fatalf("firstBelowGeneric n=%d: got %d, want %d", n, got, want)
			}
			if got := FirstBelowUint32(us, 1000); got != want {
				t.Fatalf("FirstBelowUint32 n=%d: got %d, want %d (%v)", n, got, want, us)
			}
			if got := firstBelowUint32Generic(us, 1000); got != want {
				t.Fatalf("firstBelowUint32Generic n=%d: got %d, want %d", n, got, want)
			}
		}
	}
	if got := FirstBelowUint32([]uint32{0xffffffff, 0x80000000, 3}, 0x90000000); got != 1 {
		t.Fatalf("unsigned comparison: got %d, want 1", got)
	}
}

func BenchmarkFirstBelow(b *testing.B) {
	xs := make([]float32, 256)
	for i := range xs {
		xs[i] = 1
	}
	b.Run("generic", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink += float32(firstBelowGeneric(xs, 0.5))
		}
	})
	b.Run("FirstBelow", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink += float32(FirstBelow(xs, 0.5))
		}
	})
}
