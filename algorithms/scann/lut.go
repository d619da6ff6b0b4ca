package scann

import (
	"math"

	"github.com/annbench/annbench/algorithms/pq"
)

// The 4-bit query table is built in three steps: the float entries of every
// block with its minimum and maximum (lut4Blocks), the shared scale from
// those (quantizeLUT), and the 8-bit entries (quantize4). The first and the
// last step have AVX2 kernels (fastscan_amd64.s); the portable versions
// below compute bit for bit the same table: the kernels multiply and add
// in the same order without fusing, and round to nearest even like
// math.RoundToEven.

// transposed4 returns the 4-bit codebooks transposed per block and
// dimension: t[(j*dpb+d)*16+c] is dimension d of codeword c of block j (0
// past the width of a narrow last block). Sixteen consecutive floats then
// hold one dimension of all codewords of a block, so a table row is a sum
// of dpb scaled vectors of 16 floats.
func (q *quantizer) transposed4() []float32 {
	q.lut4Once.Do(func() { q.lut4 = q.transpose4() })
	return q.lut4
}

// transpose4 returns the current 4-bit codebooks in transposed4's layout.
func (q *quantizer) transpose4() []float32 {
	t := make([]float32, q.nblocks*q.dpb*16)
	for j := 0; j < q.nblocks; j++ {
		for c := 0; c < 16; c++ {
			for d, v := range q.codeword(j, c) {
				t[(j*q.dpb+d)*16+c] = v
			}
		}
	}
	return t
}

// computeLUT writes the per-query lookup table of a 4-bit quantizer:
// lut[j*16+c] = -gamma · (qv_j · codeword(j, c)), and the minimum and
// maximum of each block's 16 entries to lo[j] and hi[j]. With gamma = 1
// the sum of a code's entries is the negated inner product of qv with the
// decoded residual (ip, angular); with gamma = 2 it is the cross term of
// the squared L2 distance.
func (q *quantizer) computeLUT(qv []float32, gamma float32, lut, lo, hi []float32) {
	t := q.transposed4()
	full := q.dim / q.dpb // blocks of full width
	done := lut4Blocks(t, qv, q.dpb, full, -gamma, lut, lo, hi)
	for j := done; j < q.nblocks; j++ {
		lutBlock(t[j*q.dpb*16:(j+1)*q.dpb*16], qv[j*q.dpb:j*q.dpb+q.width(j)], -gamma,
			lut[j*16:j*16+16], &lo[j], &hi[j])
	}
}

// lut4BlocksGeneric computes the table rows of blocks 0..nb-1, all of
// full width dpb, and returns nb.
func lut4BlocksGeneric(t, qv []float32, dpb, nb int, neg float32, lut, lo, hi []float32) int {
	for j := 0; j < nb; j++ {
		lutBlock(t[j*dpb*16:(j+1)*dpb*16], qv[j*dpb:(j+1)*dpb], neg, lut[j*16:j*16+16], &lo[j], &hi[j])
	}
	return nb
}

// lutBlock computes one block's 16 entries from its transposed codebook t
// (len(qj) rows of 16) and query part qj.
func lutBlock(t, qj []float32, neg float32, out []float32, lo, hi *float32) {
	var acc [16]float32
	for d, a := range qj {
		row := t[d*16 : d*16+16]
		for c := range acc {
			acc[c] += float32(a * row[c]) // no fused multiply-add, as in the kernel
		}
	}
	mn, mx := neg*acc[0], neg*acc[0]
	for c, s := range acc {
		v := neg * s
		out[c] = v
		mn = min(mn, v)
		mx = max(mx, v)
	}
	*lo, *hi = mn, mx
}

// quantizeLUT turns the float table of nblocks×16 entries with its block
// minima lo and maxima hi into the 8-bit fast-scan table out
// (numPairs(nblocks)*32 bytes, see fastscan.go) and returns bias and step
// such that a code's float sum is approximately bias + step·(sum of its
// 8-bit entries).
//
// Each block is shifted by its own minimum (the minima add up to bias) and
// all blocks share one scale, so 8-bit entries add up like the floats. The
// scale is the largest that keeps every entry within 255 and the largest
// possible sum of a code within 65535 - nblocks, so the 16-bit sums of the
// fast scan never overflow even after rounding.
func quantizeLUT(lut, lo, hi []float32, nblocks int, out []byte) (bias, step float32) {
	var maxRange, sumRange float64
	var b float64
	for j := 0; j < nblocks; j++ {
		b += float64(lo[j])
		r := float64(hi[j]) - float64(lo[j])
		maxRange = max(maxRange, r)
		sumRange += r
	}
	scale := 1.0
	if maxRange > 0 {
		scale = min(255/maxRange, float64(65535-nblocks)/sumRange)
	}
	// Block j's 16 bytes sit at 16j: (j/2)*pairBytes + (j%2)*16.
	if nblocks%2 == 1 {
		clear(out[nblocks*16 : numPairs(nblocks)*pairBytes])
	}
	quantize4(lut, lo, nblocks, float32(scale), out)
	return float32(b), float32(1 / scale)
}

// quantize4Generic writes entry c of block j as round((lut[j*16+c] -
// lo[j]) · s), clamped to 0..255, to out[j*16+c].
func quantize4Generic(lut, lo []float32, nblocks int, s float32, out []byte) {
	for j := 0; j < nblocks; j++ {
		t := lut[j*16 : j*16+16]
		o := out[j*16 : j*16+16]
		l := lo[j]
		for c, v := range t {
			e := math.RoundToEven(float64((v - l) * s))
			o[c] = uint8(min(max(e, 0), 255))
		}
	}
}

// blockRange returns the minimum and maximum of each block of a float
// table of nblocks×16 entries, for tables not made by computeLUT.
func blockRange(lut []float32, nblocks int) (lo, hi []float32) {
	lo, hi = make([]float32, nblocks), make([]float32, nblocks)
	for j := range lo {
		t := lut[j*16 : j*16+16]
		lo[j], hi[j] = t[0], t[0]
		for _, v := range t[1:] {
			lo[j] = min(lo[j], v)
			hi[j] = max(hi[j], v)
		}
	}
	return lo, hi
}

// computeTable is computeLUT for 8-bit codes, written into the ADC table
// type of package pq so that its unrolled scan (pq.Scan) serves the 8-bit
// path.
func (q *quantizer) computeTable(qv []float32, gamma float32, tab pq.Table) {
	for j := 0; j < q.nblocks; j++ {
		w := q.width(j)
		qj := qv[j*q.dpb : j*q.dpb+w]
		cb := q.codebooks[j*q.ksub*q.dpb : (j+1)*q.ksub*q.dpb]
		t := &tab[j]
		for c := 0; c < pq.Ksub; c++ {
			cw := cb[c*q.dpb : c*q.dpb+w]
			var s float32
			for d, a := range qj {
				s += a * cw[d]
			}
			t[c] = -gamma * s
		}
	}
}
