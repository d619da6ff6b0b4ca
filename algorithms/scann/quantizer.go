package scann

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/annbench/annbench/algorithms"
)

// quantizer is a product quantizer over blocks of dpb consecutive
// dimensions (the last block may be narrower), ksub codewords per block.
// Codewords are stored block by block, ksub rows of dpb floats each; the
// unused tail of a narrow last block is zero.
type quantizer struct {
	dim, dpb, nblocks, ksub int
	codebooks               []float32 // nblocks*ksub*dpb
	// lut4 is the 4-bit codebooks transposed for the query table
	// (lut.go), made on first use after Build or Load.
	lut4     []float32
	lut4Once sync.Once
}

func newQuantizer(dim, dpb, nbits int) *quantizer {
	nb := (dim + dpb - 1) / dpb
	k := 1 << nbits
	return &quantizer{dim: dim, dpb: dpb, nblocks: nb, ksub: k, codebooks: make([]float32, nb*k*dpb)}
}

// width returns the number of dimensions of block j.
func (q *quantizer) width(j int) int { return min(q.dpb, q.dim-j*q.dpb) }

// codeword returns codeword c of block j (width(j) floats).
func (q *quantizer) codeword(j, c int) []float32 {
	off := (j*q.ksub + c) * q.dpb
	return q.codebooks[off : off+q.width(j)]
}

// scoreWeights holds the weights of Guo et al. (2020), Theorem 3.2, for
// the score-aware loss with weight function w(t) = 1 when ⟨q, x⟩ >= T and
// 0 otherwise, q uniform on the unit sphere: with t the cosine between q
// and x, whose density in d dimensions is proportional to (1-t²)^((d-3)/2),
//
//	h∥(x) = ∫_{T/‖x‖}^1 t² dP(t)     h⊥(x) = ∫_{T/‖x‖}^1 (1-t²)/(d-1) dP(t)
//
// and the loss of a quantization error r is h∥‖r∥‖² + h⊥‖r⊥‖². η = h∥/h⊥
// tends to (d-1)T²/(1-T²) for unit-norm x as d grows (Theorem 3.4, the
// value ScaNN uses); the exact integrals also say how much each datapoint
// matters overall (h⊥), which counts when norms vary: a short vector that
// no query can score above T gets no weight. Both integrals are tabulated
// over the lower limit u = T/‖x‖ ∈ [0, 1].
type scoreWeights struct {
	dim       int
	par, perp []float64 // integrals from grid point u_k = k/grid to 1
}

const weightGrid = 4096

func newScoreWeights(dim int) *scoreWeights {
	w := &scoreWeights{dim: dim, par: make([]float64, weightGrid+1), perp: make([]float64, weightGrid+1)}
	e := float64(dim-3) / 2
	f := func(t float64) (float64, float64) {
		base := 1 - t*t
		if base <= 0 {
			return 0, 0
		}
		dens := math.Pow(base, e)
		return t * t * dens, base / float64(dim-1) * dens
	}
	h := 1.0 / weightGrid
	pPrev, qPrev := f(1)
	for k := weightGrid - 1; k >= 0; k-- {
		p, q := f(float64(k) * h)
		w.par[k] = w.par[k+1] + (p+pPrev)*h/2
		w.perp[k] = w.perp[k+1] + (q+qPrev)*h/2
		pPrev, qPrev = p, q
	}
	return w
}

// at returns h∥ and h⊥ for the lower limit u, interpolating the table.
func (w *scoreWeights) at(u float64) (par, perp float64) {
	if u >= 1 {
		return 0, 0
	}
	u = max(u, 0) * weightGrid
	k := int(u)
	f := u - float64(k)
	return w.par[k] + f*(w.par[k+1]-w.par[k]), w.perp[k] + f*(w.perp[k+1]-w.perp[k])
}

// trainSet is what the codebooks are fitted to: residuals (datapoint minus
// partition centre), the datapoints themselves (the direction of the
// parallel error) and per point the loss weights: the loss of a residual
// error r is weight·(‖r‖² + α·(r·x)²), i.e. weight·(‖r⊥‖² + η‖r∥‖²) with
// α = (η-1)/‖x‖². α = 0 and weight = 1 is the plain reconstruction loss.
type trainSet struct {
	res, x        []float32
	alpha, weight []float64
	n             int
}

// train fits the codebooks by the alternating procedure of Guo et al.:
// assign codes block by block minimizing the weighted loss with the other
// blocks fixed, then update each block's codewords by weighted least
// squares with the other blocks fixed. With every α = 0 this is ordinary
// product-quantizer k-means per block; otherwise iters anisotropic rounds
// follow (iters+1)/2 plain rounds that give them a starting point.
//
// Every round is reported to p as the stage "codebooks".
func (q *quantizer) train(ctx context.Context, ts *trainSet, iters int, rng *rand.Rand, p algorithms.Progress) error {
	n := ts.n
	codes := make([]uint8, n*q.nblocks)
	// Initial codewords: the blocks of distinct random training points.
	for j := 0; j < q.nblocks; j++ {
		w := q.width(j)
		perm := rng.Perm(n)
		for c := 0; c < q.ksub; c++ {
			cw := q.codeword(j, c)
			if c < n {
				i := perm[c]
				copy(cw, ts.res[i*q.dim+j*q.dpb:i*q.dim+j*q.dpb+w])
			} else {
				for d := range cw {
					cw[d] = float32(rng.NormFloat64()) * 1e-3
				}
			}
		}
	}
	// Under the anisotropic loss, start from plain product-quantizer
	// codebooks: coordinate descent on the coupled loss converges to far
	// better codes from there than from random codewords.
	anisotropic := false
	for _, a := range ts.alpha {
		if a != 0 {
			anisotropic = true
			break
		}
	}
	rounds := iters
	if anisotropic {
		rounds += (iters + 1) / 2
	}
	p.Stage("codebooks", int64(rounds))
	if anisotropic {
		plain := &trainSet{res: ts.res, x: ts.x, alpha: make([]float64, n), weight: make([]float64, n), n: n}
		for i := range plain.weight {
			plain.weight[i] = 1
		}
		for it := 0; it < (iters+1)/2; it++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			q.encodeAll(plain, codes, false)
			q.update(plain, codes, rng)
			p.Done(1)
		}
	}
	for it := 0; it < iters; it++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		q.encodeAll(ts, codes, it > 0)
		q.update(ts, codes, rng)
		p.Done(1)
	}
	return nil
}

// encodeAll writes the code of every point of ts to codes, in parallel.
// warm says codes already hold a previous assignment to start from.
func (q *quantizer) encodeAll(ts *trainSet, codes []uint8, warm bool) {
	var t []float32 // the codebooks transposed for encode4
	if q.ksub == 16 {
		t = q.transpose4()
	}
	parallelRanges(ts.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c := codes[i*q.nblocks : (i+1)*q.nblocks]
			r := ts.res[i*q.dim : (i+1)*q.dim]
			x := ts.x[i*q.dim : (i+1)*q.dim]
			q.encode(r, x, ts.alpha[i], c, warm, t)
		}
	})
}

// encodeSweeps is the number of coordinate-descent passes over the blocks
// when assigning codes under the anisotropic loss.
const encodeSweeps = 10

// encode assigns the code of one residual r of datapoint x with weight α.
// It starts from the nearest codeword per block (or from codes when warm)
// and, when α != 0, improves block by block: each block takes the codeword
// that minimizes ‖r - r̃‖² + α((r - r̃)·x)² with the other blocks fixed.
// t, when not nil, is the 4-bit codebooks transposed (transpose4), with
// which encode4 finds the nearest codewords of the full-width blocks.
func (q *quantizer) encode(r, x []float32, alpha float64, codes []uint8, warm bool, t []float32) {
	if !warm || alpha == 0 {
		j := 0
		if t != nil {
			j = encode4(r, t, q.dpb, q.dim/q.dpb, codes)
		}
		for ; j < q.nblocks; j++ {
			codes[j] = q.nearest(j, r[j*q.dpb:j*q.dpb+q.width(j)])
		}
		if alpha == 0 {
			return
		}
	}
	// s = (r - r̃)·x, the parallel residual (unnormalized).
	var s float64
	for j := 0; j < q.nblocks; j++ {
		s += q.blockParallel(j, int(codes[j]), r, x)
	}
	for sweep := 0; sweep < encodeSweeps; sweep++ {
		changed := false
		for j := 0; j < q.nblocks; j++ {
			w := q.width(j)
			rj := r[j*q.dpb : j*q.dpb+w]
			xj := x[j*q.dpb : j*q.dpb+w]
			cur := int(codes[j])
			other := s - q.blockParallel(j, cur, r, x)
			var rx float64
			for d := 0; d < w; d++ {
				rx += float64(rj[d]) * float64(xj[d])
			}
			best, bestLoss, bestPar := cur, math.Inf(1), 0.0
			cb := q.codebooks[j*q.ksub*q.dpb : (j+1)*q.ksub*q.dpb]
			base := other + rx
			for c := 0; c < q.ksub; c++ {
				cw := cb[c*q.dpb : c*q.dpb+w]
				var e2, cx float64
				for d, v := range cw {
					e := float64(rj[d]) - float64(v)
					e2 += e * e
					cx += float64(v) * float64(xj[d])
				}
				par := base - cx
				loss := e2 + alpha*par*par
				if loss < bestLoss || (loss == bestLoss && c == cur) {
					best, bestLoss, bestPar = c, loss, par
				}
			}
			if best != cur {
				changed = true
				codes[j] = uint8(best)
			}
			s = bestPar
		}
		if !changed {
			break
		}
	}
}

// blockParallel returns (r_j - c)·x_j for block j and codeword c.
func (q *quantizer) blockParallel(j, c int, r, x []float32) float64 {
	w := q.width(j)
	cw := q.codeword(j, c)
	off := j * q.dpb
	var s float64
	for d := 0; d < w; d++ {
		s += (float64(r[off+d]) - float64(cw[d])) * float64(x[off+d])
	}
	return s
}

// nearest returns the codeword of block j nearest to v in L2.
func (q *quantizer) nearest(j int, v []float32) uint8 {
	best, bestD := 0, float32(math.MaxFloat32)
	cb := q.codebooks[j*q.ksub*q.dpb : (j+1)*q.ksub*q.dpb]
	if len(v) == 2 {
		a0, a1 := v[0], v[1]
		for c := 0; c < q.ksub; c++ {
			e0, e1 := a0-cb[c*q.dpb], a1-cb[c*q.dpb+1]
			if s := e0*e0 + e1*e1; s < bestD {
				best, bestD = c, s
			}
		}
		return uint8(best)
	}
	for c := 0; c < q.ksub; c++ {
		cw := cb[c*q.dpb : c*q.dpb+len(v)]
		var s float32
		for d, a := range v {
			e := a - cw[d]
			s += e * e
		}
		if s < bestD {
			best, bestD = c, s
		}
	}
	return uint8(best)
}

// update refits the codewords block by block to the current codes. For
// codeword c of block j, with the other blocks fixed, the weighted loss
// Σ_i ‖a_i - c‖² + α_i (t_i - c·x_i)² (a_i the residual block, t_i the
// parallel residual without block j's codeword) is minimized by solving
// (Σ I + α_i x_i x_iᵀ) c = Σ a_i + α_i t_i x_i. A codeword no point uses
// is reseeded from a random training point. Each point's terms are scaled
// by its weight.
func (q *quantizer) update(ts *trainSet, codes []uint8, rng *rand.Rand) {
	for _, a := range ts.alpha {
		if a != 0 {
			q.updateCoupled(ts, codes, rng)
			return
		}
	}
	q.updatePlain(ts, codes, rng)
}

// updateCoupled is update block by block, each block's parallel residuals
// moved to its new codewords before the next block is solved.
func (q *quantizer) updateCoupled(ts *trainSet, codes []uint8, rng *rand.Rand) {
	n, dpb := ts.n, q.dpb
	// s[i] = (r_i - r̃_i)·x_i under the current codes and codebooks.
	s := make([]float64, n)
	anyAlpha := false
	for i := 0; i < n; i++ {
		if ts.alpha[i] == 0 {
			continue
		}
		anyAlpha = true
		r := ts.res[i*q.dim : (i+1)*q.dim]
		x := ts.x[i*q.dim : (i+1)*q.dim]
		for j := 0; j < q.nblocks; j++ {
			s[i] += q.blockParallel(j, int(codes[i*q.nblocks+j]), r, x)
		}
	}
	A := make([]float64, q.ksub*dpb*dpb)
	b := make([]float64, q.ksub*dpb)
	cnt := make([]int, q.ksub)
	oldPar := make([]float64, n)
	for j := 0; j < q.nblocks; j++ {
		w := q.width(j)
		clear(A)
		clear(b)
		clear(cnt)
		for i := 0; i < n; i++ {
			c := int(codes[i*q.nblocks+j])
			cnt[c]++
			a := ts.res[i*q.dim+j*dpb : i*q.dim+j*dpb+w]
			bc := b[c*dpb : c*dpb+w]
			Ac := A[c*dpb*dpb : (c+1)*dpb*dpb]
			om := ts.weight[i]
			for d := 0; d < w; d++ {
				bc[d] += om * float64(a[d])
				Ac[d*dpb+d] += om
			}
			al := ts.alpha[i]
			if al == 0 {
				continue
			}
			r := ts.res[i*q.dim : (i+1)*q.dim]
			x := ts.x[i*q.dim : (i+1)*q.dim]
			xj := x[j*dpb : j*dpb+w]
			oldPar[i] = q.blockParallel(j, c, r, x)
			// t = parallel residual with block j's codeword removed.
			t := s[i] - oldPar[i]
			for d := 0; d < w; d++ {
				t += float64(a[d]) * float64(xj[d])
			}
			oa := om * al
			for d := 0; d < w; d++ {
				bc[d] += oa * t * float64(xj[d])
				for e := 0; e < w; e++ {
					Ac[d*dpb+e] += oa * float64(xj[d]) * float64(xj[e])
				}
			}
		}
		for c := 0; c < q.ksub; c++ {
			cw := q.codeword(j, c)
			if cnt[c] == 0 {
				i := rng.IntN(n)
				copy(cw, ts.res[i*q.dim+j*dpb:i*q.dim+j*dpb+w])
				continue
			}
			sol := b[c*dpb : c*dpb+w]
			if !solveSPD(A[c*dpb*dpb:(c+1)*dpb*dpb], dpb, w, sol) {
				continue // degenerate system: keep the old codeword
			}
			for d := 0; d < w; d++ {
				cw[d] = float32(sol[d])
			}
		}
		if anyAlpha {
			// Move s to block j's new codewords.
			for i := 0; i < n; i++ {
				if ts.alpha[i] == 0 {
					continue
				}
				r := ts.res[i*q.dim : (i+1)*q.dim]
				x := ts.x[i*q.dim : (i+1)*q.dim]
				s[i] += q.blockParallel(j, int(codes[i*q.nblocks+j]), r, x) - oldPar[i]
			}
		}
	}
}

// updatePlain is update when every α is 0: the blocks do not interact, so
// one pass over the points in memory order accumulates the weighted sums of
// every block at once (walking the points once per block would miss the
// cache on every point). Each codeword's sums add its points in index
// order, as update's per-block loop does, so the codewords are the same;
// a codeword with no points is the weighted mean's fallback, a random
// training point, drawn in update's order.
func (q *quantizer) updatePlain(ts *trainSet, codes []uint8, rng *rand.Rand) {
	n, dpb, nb, k := ts.n, q.dpb, q.nblocks, q.ksub
	sum := make([]float64, nb*k*dpb) // Σ weight·a per codeword
	wt := make([]float64, nb*k)      // Σ weight per codeword
	cnt := make([]int32, nb*k)
	for i := 0; i < n; i++ {
		om := ts.weight[i]
		r := ts.res[i*q.dim : (i+1)*q.dim]
		for j, c := range codes[i*nb : (i+1)*nb] {
			e := j*k + int(c)
			cnt[e]++
			wt[e] += om
			a := r[j*dpb : j*dpb+q.width(j)]
			bc := sum[e*dpb : e*dpb+len(a)]
			for d, v := range a {
				bc[d] += om * float64(v)
			}
		}
	}
	A := make([]float64, dpb*dpb)
	for j := 0; j < nb; j++ {
		w := q.width(j)
		for c := 0; c < k; c++ {
			e := j*k + c
			cw := q.codeword(j, c)
			if cnt[e] == 0 {
				i := rng.IntN(n)
				copy(cw, ts.res[i*q.dim+j*dpb:i*q.dim+j*dpb+w])
				continue
			}
			// The system update solves, diagonal here: weight·I.
			clear(A)
			for d := 0; d < w; d++ {
				A[d*dpb+d] = wt[e]
			}
			sol := sum[e*dpb : e*dpb+w]
			if !solveSPD(A, dpb, w, sol) {
				continue // degenerate system: keep the old codeword
			}
			for d := 0; d < w; d++ {
				cw[d] = float32(sol[d])
			}
		}
	}
}

// solveSPD solves the w×w system held in the top-left corner of A (row
// stride ld) in place of b by Cholesky factorization with a tiny ridge. It
// reports false when the matrix is not positive definite.
func solveSPD(A []float64, ld, w int, b []float64) bool {
	var tr float64
	for d := 0; d < w; d++ {
		tr += A[d*ld+d]
	}
	ridge := 1e-9 * (tr/float64(w) + 1e-30)
	for d := 0; d < w; d++ {
		A[d*ld+d] += ridge
	}
	// Cholesky: A = L Lᵀ, L stored in the lower triangle.
	for i := 0; i < w; i++ {
		for k := 0; k <= i; k++ {
			sum := A[i*ld+k]
			for m := 0; m < k; m++ {
				sum -= A[i*ld+m] * A[k*ld+m]
			}
			if i == k {
				if sum <= 0 {
					return false
				}
				A[i*ld+i] = math.Sqrt(sum)
			} else {
				A[i*ld+k] = sum / A[k*ld+k]
			}
		}
	}
	for i := 0; i < w; i++ { // L y = b
		sum := b[i]
		for m := 0; m < i; m++ {
			sum -= A[i*ld+m] * b[m]
		}
		b[i] = sum / A[i*ld+i]
	}
	for i := w - 1; i >= 0; i-- { // Lᵀ x = y
		sum := b[i]
		for m := i + 1; m < w; m++ {
			sum -= A[m*ld+i] * b[m]
		}
		b[i] = sum / A[i*ld+i]
	}
	return true
}
