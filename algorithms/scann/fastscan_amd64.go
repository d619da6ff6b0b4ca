//go:build amd64 && !purego

package scann

import "golang.org/x/sys/cpu"

// scan4AVX2 is the AVX2 fast scan (fastscan_amd64.s); same contract as
// scan4Generic on raw pointers.
//
//go:noescape
func scan4AVX2(codes, lut *byte, pairs, groups int, out *uint16)

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
