package scann

import (
	"math"

	"github.com/annbench/annbench/algorithms/pq"
)

// computeLUT writes the per-query lookup table of the quantizer:
// lut[j*ksub+c] = -gamma · (qv_j · codeword(j, c)). With gamma = 1 the sum of
// a code's entries is the negated inner product of qv with the decoded
// residual (ip, angular); with gamma = 2 it is the cross term of the
// squared L2 distance.
func (q *quantizer) computeLUT(qv []float32, gamma float32, lut []float32) {
	for j := 0; j < q.nblocks; j++ {
		w := q.width(j)
		qj := qv[j*q.dpb : j*q.dpb+w]
		base := j * q.ksub
		cb := q.codebooks[j*q.ksub*q.dpb : (j+1)*q.ksub*q.dpb]
		for c := 0; c < q.ksub; c++ {
			cw := cb[c*q.dpb : c*q.dpb+w]
			var s float32
			for d, a := range qj {
				s += a * cw[d]
			}
			lut[base+c] = -gamma * s
		}
	}
}

// quantizeLUT turns a float table of nblocks×16 entries into the 8-bit
// fast-scan table out (numPairs(nblocks)*32 bytes, see fastscan.go) and
// returns bias and step such that a code's float sum is approximately
// bias + step·(sum of its 8-bit entries).
//
// Each block is shifted by its own minimum (the minima add up to bias) and
// all blocks share one scale, so 8-bit entries add up like the floats. The
// scale is the largest that keeps every entry within 255 and the largest
// possible sum of a code within 65535 - nblocks, so the 16-bit sums of the
// fast scan never overflow even after rounding.
func quantizeLUT(lut []float32, nblocks int, out []byte) (bias, step float32) {
	const k = 16
	var maxRange, sumRange float64
	var b float64
	for j := 0; j < nblocks; j++ {
		t := lut[j*k : j*k+k]
		lo, hi := t[0], t[0]
		for _, v := range t[1:] {
			lo = min(lo, v)
			hi = max(hi, v)
		}
		b += float64(lo)
		r := float64(hi) - float64(lo)
		maxRange = max(maxRange, r)
		sumRange += r
	}
	scale := 1.0
	if maxRange > 0 {
		scale = min(255/maxRange, float64(65535-nblocks)/sumRange)
	}
	clear(out[:numPairs(nblocks)*pairBytes])
	s := float32(scale)
	for j := 0; j < nblocks; j++ {
		t := lut[j*k : j*k+k]
		lo := t[0]
		for _, v := range t[1:] {
			lo = min(lo, v)
		}
		o := out[(j/2)*pairBytes+(j%2)*16:]
		for c, v := range t {
			e := math.Round(float64((v - lo) * s))
			o[c] = uint8(min(max(e, 0), 255))
		}
	}
	return float32(b), float32(1 / scale)
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
