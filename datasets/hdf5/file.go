// Package hdf5 reads the subset of HDF5 that ann-benchmarks files use: 2-D
// numeric datasets (contiguous or chunked, deflate/shuffle/fletcher32
// filters) in the root group or nested groups, and attributes holding
// numbers or strings (fixed or variable length). It is pure Go, reads
// through an io.ReaderAt, and bounds-checks every read, so corrupt or
// truncated files give errors naming what is missing rather than panics.
//
// Supported: superblock versions 0–3, object header versions 1 and 2,
// symbol-table groups (v1 B-tree and local heap), compact link-message
// groups and dense link and attribute storage (fractal heap with a name
// index v2 B-tree), layout messages 1–4 with v1 B-tree,
// single-chunk, implicit, fixed-array, extensible-array (first dimension
// unlimited) and v2 B-tree (several unlimited dimensions) chunk indexes.
// Not supported (reported as errors): other unlimited dimensions for the
// extensible array, huge fractal-heap objects, external and virtual
// storage, szip/n-bit/scale-offset filters.
//
// It imports only the standard library.
package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// signature is the 8-byte HDF5 format signature that starts the superblock.
var signature = []byte{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}

// undefined is the all-ones address HDF5 uses for "no address".
const undefined = ^uint64(0)

// File is an open HDF5 file. Its methods are safe for concurrent use when
// the underlying io.ReaderAt is.
type File struct {
	r        io.ReaderAt
	size     int64
	closer   io.Closer
	base     uint64 // base address all file addresses are relative to
	offSize  int    // size of offsets (addresses) in bytes
	lenSize  int    // size of lengths in bytes
	sbVer    int
	root     uint64 // object header address of the root group
	rootSTab *symbolTable
	// MaxBytes bounds the decoded size of one chunked dataset or
	// attribute, guarding against corrupt headers that claim huge shapes.
	// Open sets it to 1024 × the file size + 64 MiB (deflate cannot expand
	// by more than about 1032:1); contiguous data is always bounded by the
	// file size itself.
	MaxBytes int64
}

// Open opens the HDF5 file at path. Close it when done.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hdf5: %w", err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("hdf5: %w", err)
	}
	f, err := NewReader(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	f.closer = fh
	return f, nil
}

// NewReader reads an HDF5 file of the given size from r. Close on the
// returned File is a no-op for readers opened this way.
func NewReader(r io.ReaderAt, size int64) (*File, error) {
	f := &File{r: r, size: size, MaxBytes: 1024*size + 64<<20}
	if err := f.readSuperblock(); err != nil {
		return nil, fmt.Errorf("hdf5: %w", err)
	}
	return f, nil
}

// NewBytesReader reads an HDF5 file held in memory.
func NewBytesReader(b []byte) (*File, error) {
	return NewReader(bytes.NewReader(b), int64(len(b)))
}

// Close closes the file opened by Open.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	err := f.closer.Close()
	f.closer = nil
	return err
}

// Size returns the size of the file in bytes.
func (f *File) Size() int64 { return f.size }

// errTruncated marks reads past the end of the file.
var errTruncated = errors.New("beyond end of file")

// readAt reads n bytes at absolute file offset off; what names the
// structure for the error message.
func (f *File) readAt(off uint64, n int, what string) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("%s at offset %d: negative size %d", what, off, n)
	}
	if off > uint64(f.size) || uint64(n) > uint64(f.size)-off {
		return nil, fmt.Errorf("%s at offset %d (%d bytes) %w (size %d)", what, off, n, errTruncated, f.size)
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, int64(off)); err != nil && !(errors.Is(err, io.EOF) && n > 0) {
		return nil, fmt.Errorf("reading %s at offset %d: %w", what, off, err)
	}
	return b, nil
}

// addr turns a file address (relative to the base address) into an
// absolute offset, rejecting undefined and overflowing addresses.
func (f *File) addr(a uint64, what string) (uint64, error) {
	if a == undefined || (f.offSize < 8 && a == (uint64(1)<<(8*f.offSize))-1) {
		return 0, fmt.Errorf("%s: undefined address", what)
	}
	abs := a + f.base
	if abs < a || abs >= uint64(f.size) {
		return 0, fmt.Errorf("%s at offset %d %w (size %d)", what, abs, errTruncated, f.size)
	}
	return abs, nil
}

// at reads n bytes at file address a (relative to the base address).
func (f *File) at(a uint64, n int, what string) ([]byte, error) {
	abs, err := f.addr(a, what)
	if err != nil {
		return nil, err
	}
	return f.readAt(abs, n, what)
}

// signedAt reads the n bytes of the metadata block at file address a
// (relative to the base address), which must start with the 4-byte
// signature sig, and returns them with the block's absolute offset; what
// names the block in errors.
func (f *File) signedAt(a uint64, n int, sig, what string) ([]byte, uint64, error) {
	abs, err := f.addr(a, what)
	if err != nil {
		return nil, 0, err
	}
	b, err := f.readAt(abs, n, what)
	if err == nil {
		err = checkSig(b, sig, what, abs)
	}
	if err != nil {
		return nil, 0, err
	}
	return b, abs, nil
}

// checkSig returns an error unless the block b, read at absolute offset
// abs, starts with the 4-byte signature sig; what names the block.
func checkSig(b []byte, sig, what string, abs uint64) error {
	if string(b[:4]) != sig {
		return fmt.Errorf("%s at %d: bad signature %q (want %s)", what, abs, b[:4], sig)
	}
	return nil
}

func (f *File) readSuperblock() error {
	// The superblock is at 0, 512, 1024, 2048, ... (user block before it).
	var off uint64
	for off = 0; ; off = max(512, off*2) {
		if off+8 > uint64(f.size) {
			return fmt.Errorf("not an HDF5 file: no format signature found (size %d)", f.size)
		}
		b, err := f.readAt(off, 8, "format signature")
		if err != nil {
			return err
		}
		if bytes.Equal(b, signature) {
			break
		}
	}
	hdr, err := f.readAt(off, 16, "superblock")
	if err != nil {
		return err
	}
	f.sbVer = int(hdr[8])
	switch f.sbVer {
	case 0, 1:
		f.offSize, f.lenSize = int(hdr[13]), int(hdr[14])
	case 2, 3:
		f.offSize, f.lenSize = int(hdr[9]), int(hdr[10])
	default:
		return fmt.Errorf("superblock version %d not supported (want 0-3)", f.sbVer)
	}
	if !validSize(f.offSize) || !validSize(f.lenSize) {
		return fmt.Errorf("superblock: invalid size of offsets %d or lengths %d (want 2, 4 or 8)", f.offSize, f.lenSize)
	}
	if f.sbVer <= 1 {
		fixed := 24
		if f.sbVer == 1 {
			fixed += 4
		}
		n := fixed + 4*f.offSize + (2*f.offSize + 8 + 16) // 4 addresses + root symbol table entry
		b, err := f.readAt(off, n, "superblock")
		if err != nil {
			return err
		}
		d := decoder{b: b[fixed:], f: f}
		f.base = d.offset()
		d.offset() // free-space info address
		d.offset() // end-of-file address
		d.offset() // driver info block address
		ent := d.symbolEntry()
		if d.err != nil {
			return fmt.Errorf("superblock: %w", d.err)
		}
		f.root = ent.header
		if ent.cacheType == 1 {
			f.rootSTab = &symbolTable{btree: ent.btree, heap: ent.heap}
		}
	} else {
		n := 12 + 4*f.offSize + 4
		b, err := f.readAt(off, n, "superblock")
		if err != nil {
			return err
		}
		if err := checkSum(b, "superblock"); err != nil {
			return err
		}
		d := decoder{b: b[12:], f: f}
		f.base = d.offset()
		d.offset() // superblock extension
		d.offset() // end-of-file address
		f.root = d.offset()
	}
	if f.base > uint64(f.size) {
		return fmt.Errorf("superblock: base address %d beyond end of file (size %d)", f.base, f.size)
	}
	return nil
}

func validSize(n int) bool { return n == 2 || n == 4 || n == 8 }

// decoder reads little-endian fields from a byte slice, remembering the
// first overrun instead of panicking.
type decoder struct {
	b   []byte
	f   *File
	err error
}

func (d *decoder) need(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b) {
		d.err = fmt.Errorf("structure truncated: need %d bytes, have %d", n, len(d.b))
		d.b = nil
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) u8() uint8 {
	b := d.need(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (d *decoder) u16() uint16 {
	b := d.need(2)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint16(b)
}

func (d *decoder) u32() uint32 {
	b := d.need(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

// uint reads an n-byte little-endian unsigned integer (n ≤ 8).
func (d *decoder) uint(n int) uint64 {
	if n > 8 {
		d.need(n)
		if d.err == nil {
			d.err = fmt.Errorf("integer field of %d bytes too wide", n)
		}
		return 0
	}
	b := d.need(n)
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// offset reads an address; an all-ones value becomes undefined.
func (d *decoder) offset() uint64 {
	v := d.uint(d.f.offSize)
	if d.f.offSize < 8 && v == (uint64(1)<<(8*d.f.offSize))-1 {
		return undefined
	}
	return v
}

// length reads a length field.
func (d *decoder) length() uint64 { return d.uint(d.f.lenSize) }

func (d *decoder) skip(n int) { d.need(n) }

// symbolEntry is a symbol table entry: a link name (local heap offset), the
// object header address and, for groups, the cached B-tree/heap addresses.
type symbolEntry struct {
	nameOff   uint64
	header    uint64
	cacheType uint32
	btree     uint64
	heap      uint64
}

func (d *decoder) symbolEntry() symbolEntry {
	var e symbolEntry
	e.nameOff = d.uint(d.f.offSize)
	e.header = d.offset()
	e.cacheType = d.u32()
	d.skip(4)
	scratch := d.need(16)
	if e.cacheType == 1 && scratch != nil {
		sd := decoder{b: scratch, f: d.f}
		e.btree = sd.offset()
		e.heap = sd.offset()
	}
	return e
}
