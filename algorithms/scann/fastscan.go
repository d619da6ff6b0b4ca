package scann

// Fast scan of 4-bit codes.
//
// Vectors are stored in groups of groupSize = 32. Blocks (sub-spaces) are
// taken two at a time; for the pair (2p, 2p+1) a group holds 32 bytes:
//
//	byte b      (b < 16): code of block 2p   of vector b | vector b+16 << 4
//	byte 16+b   (b < 16): code of block 2p+1 of vector b | vector b+16 << 4
//
// The per-query table for that pair is 32 bytes too: the 16 quantized
// entries of block 2p, then the 16 of block 2p+1. One 256-bit register of
// codes and one of table entries then feed two byte shuffles (VPSHUFB): the
// low nibbles give the entries of vectors 0..15, the high nibbles those of
// vectors 16..31, the left 128-bit lane for block 2p and the right one for
// block 2p+1. Entries are summed in 16-bit lanes modulo 2¹⁶; the table
// quantization (see quantizeLUT) guarantees the exact sum is below 2¹⁶,
// so the modular sums are the exact ones. An odd number of blocks is
// padded with a block whose codes and table entries are zero.

// groupSize is the number of vectors whose codes are interleaved together.
const groupSize = 32

// pairBytes is the size of the codes of one block pair of one group, and of
// the quantized table of one block pair.
const pairBytes = 32

// numPairs returns the number of block pairs for nblocks blocks.
func numPairs(nblocks int) int { return (nblocks + 1) / 2 }

// packGroup writes the codes of up to 32 vectors (codes[v*nblocks+j] for
// v < n) into dst, pairs*32 bytes in the fast-scan layout. Missing vectors
// get code 0.
func packGroup(dst []byte, codes []uint8, n, nblocks int) {
	pairs := numPairs(nblocks)
	clear(dst[:pairs*pairBytes])
	for v := 0; v < n; v++ {
		shift, b := uint(0), v
		if v >= 16 {
			shift, b = 4, v-16
		}
		for j := 0; j < nblocks; j++ {
			c := codes[v*nblocks+j] & 0x0f
			off := (j/2)*pairBytes + (j%2)*16 + b
			dst[off] |= c << shift
		}
	}
}

// unpackCode returns the code of block j of vector v of a packed group.
func unpackCode(group []byte, v, j int) uint8 {
	shift, b := uint(0), v
	if v >= 16 {
		shift, b = 4, v-16
	}
	return group[(j/2)*pairBytes+(j%2)*16+b] >> shift & 0x0f
}

// scan4Generic is the portable fast scan: for each of groups groups of
// pairs*32 code bytes it writes the 32 sums of table entries to out, in
// vector order. It defines the results the assembly must reproduce.
func scan4Generic(codes, lut []byte, pairs, groups int, out []uint16) {
	gb := pairs * pairBytes
	for g := 0; g < groups; g++ {
		var acc [groupSize]uint16
		cg := codes[g*gb : (g+1)*gb]
		for p := 0; p < pairs; p++ {
			c := cg[p*pairBytes : (p+1)*pairBytes]
			t := lut[p*pairBytes : (p+1)*pairBytes]
			for b := 0; b < 16; b++ {
				c0, c1 := c[b], c[16+b]
				acc[b] += uint16(t[c0&0x0f]) + uint16(t[16+int(c1&0x0f)])
				acc[16+b] += uint16(t[c0>>4]) + uint16(t[16+int(c1>>4)])
			}
		}
		copy(out[g*groupSize:], acc[:])
	}
}
