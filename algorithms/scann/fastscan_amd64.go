//go:build amd64 && !purego

package scann

import "golang.org/x/sys/cpu"

// scan4AVX2 is the AVX2 fast scan (fastscan_amd64.s); same contract as
// scan4Generic on raw pointers.
//
//go:noescape
func scan4AVX2(codes, lut *byte, pairs, groups int, out *uint16)

// lut4BlocksAVX2 and quantize4AVX2 are the AVX2 query-table kernels
// (fastscan_amd64.s); same contracts as lut4BlocksGeneric and
// quantize4Generic on raw pointers, nb and nblocks > 0.
//
//go:noescape
func lut4BlocksAVX2(t, qv *float32, dpb, nb int, neg float32, lut, lo, hi *float32)

//go:noescape
func quantize4AVX2(lut, lo *float32, nblocks int, s float32, out *byte)

// encode4AVX2 is the AVX2 kernel of encode4 (encode_amd64.s).
//
//go:noescape
func encode4AVX2(r, t *float32, dpb, nb int, codes *byte)

// encode4 writes the codes of the first nb blocks (all of width dpb) of r
// and returns the number done: nb with AVX2, else 0.
func encode4(r, t []float32, dpb, nb int, codes []uint8) int {
	if !hasAVX2 || nb == 0 {
		return 0
	}
	_ = r[nb*dpb-1]
	_ = t[nb*dpb*16-1]
	_ = codes[nb-1]
	encode4AVX2(&r[0], &t[0], dpb, nb, &codes[0])
	return nb
}

// hasAVX2 reports whether the CPU runs scan4AVX2.
var hasAVX2 = cpu.X86.HasAVX2

// scanImplementation names the fast-scan kernel in use.
var scanImplementation = func() string {
	if hasAVX2 {
		return "avx2"
	}
	return "generic"
}()

// scan4 runs the fast scan with the best kernel the CPU supports.
func scan4(codes, lut []byte, pairs, groups int, out []uint16) {
	if groups <= 0 || pairs <= 0 || !hasAVX2 {
		scan4Generic(codes, lut, pairs, groups, out)
		return
	}
	_ = codes[groups*pairs*pairBytes-1]
	_ = lut[pairs*pairBytes-1]
	_ = out[groups*groupSize-1]
	scan4AVX2(&codes[0], &lut[0], pairs, groups, &out[0])
}

// lut4Blocks computes the table rows of the first nb blocks (all of width
// dpb) with the best kernel and returns the number done.
func lut4Blocks(t, qv []float32, dpb, nb int, neg float32, lut, lo, hi []float32) int {
	if nb <= 0 || dpb <= 0 || !hasAVX2 {
		return lut4BlocksGeneric(t, qv, dpb, nb, neg, lut, lo, hi)
	}
	_ = t[nb*dpb*16-1]
	_ = qv[nb*dpb-1]
	_ = lut[nb*16-1]
	_ = lo[nb-1]
	_ = hi[nb-1]
	lut4BlocksAVX2(&t[0], &qv[0], dpb, nb, neg, &lut[0], &lo[0], &hi[0])
	return nb
}

// quantize4 writes the 8-bit table entries with the best kernel.
func quantize4(lut, lo []float32, nblocks int, s float32, out []byte) {
	if nblocks <= 0 || !hasAVX2 {
		quantize4Generic(lut, lo, nblocks, s, out)
		return
	}
	_ = lut[nblocks*16-1]
	_ = lo[nblocks-1]
	_ = out[nblocks*16-1]
	quantize4AVX2(&lut[0], &lo[0], nblocks, s, &out[0])
}
