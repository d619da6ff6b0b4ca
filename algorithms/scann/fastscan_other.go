//go:build !amd64 || purego

package scann

// scanImplementation names the fast-scan kernel in use.
var scanImplementation = "generic"

// scan4 runs the portable fast scan.
func scan4(codes, lut []byte, pairs, groups int, out []uint16) {
	scan4Generic(codes, lut, pairs, groups, out)
}

// lut4Blocks computes the table rows of the first nb blocks (all of width
// dpb) and returns the number done.
func lut4Blocks(t, qv []float32, dpb, nb int, neg float32, lut, lo, hi []float32) int {
	return lut4BlocksGeneric(t, qv, dpb, nb, neg, lut, lo, hi)
}

// quantize4 writes the 8-bit table entries.
func quantize4(lut, lo []float32, nblocks int, s float32, out []byte) {
	quantize4Generic(lut, lo, nblocks, s, out)
}

// encode4 leaves every block to quantizer.nearest.
func encode4(r, t []float32, dpb, nb int, codes []uint8) int { return 0 }
