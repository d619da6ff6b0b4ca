package scann

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/annbench/annbench/algorithms"
)

// TestScoreWeights checks the tabulated integrals against the paper's
// closed forms: η = 1 at T = 0 in any dimension, and η close to the
// large-d limit (d-1)T²/(1-T²) for unit-norm data in high dimension.
func TestScoreWeights(t *testing.T) {
	for _, tc := range []struct {
		dim    int
		u      float64
		want   float64
		relTol float64
	}{
		{dim: 16, u: 0, want: 1, relTol: 1e-3},
		{dim: 784, u: 0, want: 1, relTol: 1e-3},
		{dim: 784, u: 0.2, want: 783 * 0.04 / 0.96, relTol: 0.1},
		{dim: 2000, u: 0.3, want: 1999 * 0.09 / 0.91, relTol: 0.1},
	} {
		w := newScoreWeights(tc.dim)
		par, perp := w.at(tc.u)
		eta := par / perp
		if math.Abs(eta-tc.want) > tc.relTol*tc.want {
			t.Errorf("d=%d u=%.2f: η = %.4f, want %.4f ± %.0f%%", tc.dim, tc.u, eta, tc.want, 100*tc.relTol)
		}
	}
	w := newScoreWeights(64)
	if par, perp := w.at(1.5); par != 0 || perp != 0 {
		t.Errorf("beyond the threshold: weights %g, %g, want 0, 0", par, perp)
	}
	if _, p1 := w.at(0.1); func() bool { _, p2 := w.at(0.5); return p2 >= p1 }() {
		t.Errorf("h⊥ must fall as the threshold rises")
	}
}

// TestTrainPlainIsKMeans checks that with α = 0 and unit weights training
// is k-means per block: every codeword is the mean of the block vectors
// assigned to it, and the assignment is nearest-codeword.
func TestTrainPlainIsKMeans(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, dim = 2000, 6
	ts := &trainSet{res: make([]float32, n*dim), alpha: make([]float64, n), weight: make([]float64, n), n: n}
	ts.x = ts.res
	for i := range ts.res {
		ts.res[i] = float32(rng.NormFloat64())
	}
	for i := range ts.weight {
		ts.weight[i] = 1
	}
	q := newQuantizer(dim, 4, 4) // blocks of 4 and 2 dimensions
	if err := q.train(context.Background(), ts, 5, rng, algorithms.NoProgress); err != nil {
		t.Fatal(err)
	}
	codes := make([]uint8, n*q.nblocks)
	q.encodeAll(ts, codes, false)
	// One more update must not move codewords used by points by much
	// beyond a k-means step; check the assignment is nearest.
	for i := 0; i < n; i++ {
		for j := 0; j < q.nblocks; j++ {
			v := ts.res[i*dim+j*4 : i*dim+j*4+q.width(j)]
			if got, want := codes[i*q.nblocks+j], q.nearest(j, v); got != want {
				t.Fatalf("point %d block %d: code %d, nearest codeword %d", i, j, got, want)
			}
		}
	}
	q.update(ts, codes, rng)
	// The update puts each used codeword at the mean of its points.
	for j := 0; j < q.nblocks; j++ {
		w := q.width(j)
		sum := make([]float64, q.ksub*w)
		cnt := make([]int, q.ksub)
		for i := 0; i < n; i++ {
			c := int(codes[i*q.nblocks+j])
			cnt[c]++
			for d := 0; d < w; d++ {
				sum[c*w+d] += float64(ts.res[i*dim+j*4+d])
			}
		}
		for c := 0; c < q.ksub; c++ {
			if cnt[c] == 0 {
				continue
			}
			cw := q.codeword(j, c)
			for d := 0; d < w; d++ {
				if m := sum[c*w+d] / float64(cnt[c]); math.Abs(float64(cw[d])-m) > 1e-4 {
					t.Fatalf("block %d codeword %d dim %d: %g, mean of its points %g", j, c, d, cw[d], m)
				}
			}
		}
	}
}

// TestAnisotropicTradesOrthogonalForParallel checks the loss does what it
// is for: with a large η the parallel error shrinks relative to plain
// reconstruction and the weighted loss the training minimizes is lower.
func TestAnisotropicTradesOrthogonalForParallel(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const n, dim = 3000, 16
	mk := func(alpha float64) *trainSet {
		ts := &trainSet{res: make([]float32, n*dim), alpha: make([]float64, n), weight: make([]float64, n), n: n}
		ts.x = ts.res
		r2 := rand.New(rand.NewPCG(5, 5))
		for i := 0; i < n; i++ {
			row := ts.res[i*dim : (i+1)*dim]
			var s float64
			for d := range row {
				row[d] = float32(r2.NormFloat64())
				s += float64(row[d]) * float64(row[d])
			}
			inv := 1 / math.Sqrt(s)
			for d := range row {
				row[d] *= float32(inv)
			}
			ts.alpha[i] = alpha
			ts.weight[i] = 1
		}
		return ts
	}
	errs := func(alpha float64) (par, orth float64) {
		ts := mk(alpha)
		q := newQuantizer(dim, 2, 4)
		if err := q.train(context.Background(), ts, 8, rng, algorithms.NoProgress); err != nil {
			t.Fatal(err)
		}
		codes := make([]uint8, n*q.nblocks)
		q.encodeAll(ts, codes, false)
		buf := make([]float32, dim)
		for i := 0; i < n; i++ {
			q.decode(codes[i*q.nblocks:(i+1)*q.nblocks], buf)
			x := ts.x[i*dim : (i+1)*dim]
			var rx, r2 float64
			for d := range buf {
				r := float64(x[d] - buf[d])
				rx += r * float64(x[d])
				r2 += r * r
			}
			par += rx * rx
			orth += r2 - rx*rx
		}
		return par / n, orth / n
	}
	p0, o0 := errs(0)
	eta := 10.0
	p1, o1 := errs(eta - 1) // unit norm: α = η - 1
	t.Logf("plain: parallel %.5f orthogonal %.5f; η=%g: parallel %.5f orthogonal %.5f", p0, o0, eta, p1, o1)
	if p1 > 0.7*p0 {
		t.Errorf("parallel error with η=%g is %.5f, plain %.5f; want it clearly smaller", eta, p1, p0)
	}
	if eta*p1+o1 >= eta*p0+o0 {
		t.Errorf("anisotropic loss %.5f not below plain training's %.5f", eta*p1+o1, eta*p0+o0)
	}
}
