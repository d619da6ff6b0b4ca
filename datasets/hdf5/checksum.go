package hdf5

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// lookup3 is Bob Jenkins' lookup3 "hashlittle" with an initial value of
// 0, the checksum HDF5 stores after version-2 metadata structures.
func lookup3(k []byte) uint32 {
	a := 0xdeadbeef + uint32(len(k))
	b, c := a, a
	for len(k) > 12 {
		a += binary.LittleEndian.Uint32(k[0:])
		b += binary.LittleEndian.Uint32(k[4:])
		c += binary.LittleEndian.Uint32(k[8:])
		a, b, c = lookup3Mix(a, b, c)
		k = k[12:]
	}
	if len(k) == 0 {
		return c
	}
	var tail [12]byte
	copy(tail[:], k)
	a += binary.LittleEndian.Uint32(tail[0:])
	b += binary.LittleEndian.Uint32(tail[4:])
	c += binary.LittleEndian.Uint32(tail[8:])
	return lookup3Final(a, b, c)
}

// lookup3Mix is lookup3's mix: six rounds of x -= z; x ^= z<<<r; z += y
// over (a, b, c) turned one place left after each round.
func lookup3Mix(a, b, c uint32) (uint32, uint32, uint32) {
	for _, r := range [...]int{4, 6, 8, 16, 19, 4} {
		a -= c
		a ^= bits.RotateLeft32(c, r)
		c += b
		a, b, c = b, c, a
	}
	return a, b, c
}

// lookup3Final is lookup3's final: seven rounds of z ^= y; z -= y<<<r over
// (a, b, c) turned one place left after each round; it returns c.
func lookup3Final(a, b, c uint32) uint32 {
	for _, r := range [...]int{14, 11, 25, 16, 4, 14, 24} {
		c ^= b
		c -= bits.RotateLeft32(b, r)
		a, b, c = b, c, a
	}
	// Seven turns leave the last value written in b.
	return b
}

// checkSum verifies the lookup3 checksum stored in the last 4 bytes of b.
func checkSum(b []byte, what string) error {
	if len(b) < 4 {
		return fmt.Errorf("%s: too short for a checksum", what)
	}
	n := len(b) - 4
	want := binary.LittleEndian.Uint32(b[n:])
	if got := lookup3(b[:n]); got != want {
		return fmt.Errorf("%s: checksum mismatch (stored %#08x, computed %#08x): file corrupt", what, want, got)
	}
	return nil
}

// readSigned reads the n bytes of a checksummed metadata block at abs,
// checks that it starts with the 4-byte signature sig (name names the
// block in that error) and verifies its trailing lookup3 checksum (what
// names it in read and checksum errors).
func (f *File) readSigned(abs uint64, n int, sig, name, what string) ([]byte, error) {
	b, err := f.readAt(abs, n, what)
	if err != nil {
		return nil, err
	}
	if err := checkSig(b, sig, name, abs); err != nil {
		return nil, err
	}
	if err := checkSum(b, what); err != nil {
		return nil, err
	}
	return b, nil
}
