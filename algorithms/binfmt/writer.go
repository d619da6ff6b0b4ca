package binfmt

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"
)

// Writer writes little-endian values to a buffered stream and keeps the
// first error; later calls do nothing once a write has failed.
type Writer struct {
	w   *bufio.Writer
	err error
	buf [8]byte
}

// NewWriter returns a Writer on w. When w is already a *bufio.Writer it is
// written to directly, so several Writers (for nested sections of one file)
// can share a stream.
func NewWriter(w io.Writer) *Writer {
	if bw, ok := w.(*bufio.Writer); ok {
		return &Writer{w: bw}
	}
	return &Writer{w: bufio.NewWriterSize(w, 1<<20)}
}

// Raw writes p as it is.
func (b *Writer) Raw(p []byte) {
	if b.err == nil {
		_, b.err = b.w.Write(p)
	}
}

// Uint32 writes v in 4 bytes.
func (b *Writer) Uint32(v uint32) {
	binary.LittleEndian.PutUint32(b.buf[:4], v)
	b.Raw(b.buf[:4])
}

// Uint64 writes v in 8 bytes.
func (b *Writer) Uint64(v uint64) {
	binary.LittleEndian.PutUint64(b.buf[:8], v)
	b.Raw(b.buf[:8])
}

// Str writes s as a uint32 byte length followed by its bytes.
func (b *Writer) Str(s string) {
	b.Uint32(uint32(len(s)))
	b.Raw([]byte(s))
}

// Float32s writes the IEEE 754 bits of each element of v, 4 bytes each,
// without a length.
func (b *Writer) Float32s(v []float32) {
	var chunk [4096]byte
	for len(v) > 0 && b.err == nil {
		n := min(len(v), len(chunk)/4)
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint32(chunk[i*4:], math.Float32bits(x))
		}
		b.Raw(chunk[:n*4])
		v = v[n:]
	}
}

// Int32s writes each element of v in 4 bytes (two's complement), without a
// length.
func (b *Writer) Int32s(v []int32) {
	var chunk [4096]byte
	for len(v) > 0 && b.err == nil {
		n := min(len(v), len(chunk)/4)
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint32(chunk[i*4:], uint32(x))
		}
		b.Raw(chunk[:n*4])
		v = v[n:]
	}
}

// Section writes a nested part of the stream with save, which receives the
// Writer's buffered stream, unless an earlier write has failed. An error
// from save becomes the Writer's error.
func (b *Writer) Section(save func(io.Writer) error) {
	if b.err == nil {
		b.err = save(b.w)
	}
}

// Err returns the first error met so far, or nil.
func (b *Writer) Err() error { return b.err }

// Flush writes out what is buffered and returns the first error met.
func (b *Writer) Flush() error {
	if b.err == nil {
		b.err = b.w.Flush()
	}
	return b.err
}

// Header writes the start of an index file: an 8-byte magic that names the
// format and its version.
func (b *Writer) Header(magic [8]byte, version uint32) {
	b.Raw(magic[:])
	b.Uint32(version)
}
