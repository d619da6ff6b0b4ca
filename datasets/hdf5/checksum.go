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
		a -= c
		a ^= bits.RotateLeft32(c, 4)
		c += b
		b -= a
		b ^= bits.RotateLeft32(a, 6)
		a += c
		c -= b
		c ^= bits.RotateLeft32(b, 8)
		b += a
		a -= c
		a ^= bits.RotateLeft32(c, 16)
		c += b
		b -= a
		b ^= bits.RotateLeft32(a, 19)
		a += c
		c -= b
		c ^= bits.RotateLeft32(b, 4)
		b += a
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
	c ^= b
	c -= bits.RotateLeft32(b, 14)
	a ^= c
	a -= bits.RotateLeft32(c, 11)
	b ^= a
	b -= bits.RotateLeft32(a, 25)
	c ^= b
	c -= bits.RotateLeft32(b, 16)
	a ^= c
	a -= bits.RotateLeft32(c, 4)
	b ^= a
	b -= bits.RotateLeft32(a, 14)
	c ^= b
	c -= bits.RotateLeft32(b, 24)
	return c
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
