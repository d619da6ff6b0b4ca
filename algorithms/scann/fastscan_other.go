//go:build !amd64 || purego

package scann

// scanImplementation names the fast-scan kernel in use.
var scanImplementation = "generic"

// scan4 runs the portable fast scan.
func scan4(codes, lut []byte, pairs, groups int, out []uint16) {
	scan4Generic(codes, lut, pairs, groups, out)
}
