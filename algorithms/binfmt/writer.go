package binfmt

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// Writer writes an index file: the header at creation, body values through
// its methods and the checksum in Close. It keeps the first error; later
// calls do nothing once a write has failed, so a sequence of writes needs
// one check, in Close.
type Writer struct {
	w   *bufio.Writer
	crc uint32
	err error
	buf [8]byte
	// chunk stages arrays of 4-byte values; allocated on first use.
	chunk []byte
}

// NewWriter starts an index file on w with header h. An invalid metric or
// dimension is reported by Close.
func NewWriter(w io.Writer, h Header) *Writer {
	b := &Writer{w: bufio.NewWriterSize(w, 1<<20)}
	code, ok := metricCodes[h.Metric]
	switch {
	case !ok:
		b.err = fmt.Errorf("write index header: unknown metric %q", h.Metric)
	case h.Dim <= 0 || h.Dim > math.MaxUint32:
		b.err = fmt.Errorf("write index header: dimension %d out of range", h.Dim)
	case len(h.Algorithm) == 0 || len(h.Algorithm) > MaxStr:
		b.err = fmt.Errorf("write index header: algorithm name %q must have 1 to %d bytes", h.Algorithm, MaxStr)
	}
	b.Raw(Magic[:])
	b.Uint32(FormatVersion)
	b.Str(h.Algorithm)
	b.Uint32(code)
	b.Uint32(uint32(h.Dim))
	return b
}

// Raw writes p as it is.
func (b *Writer) Raw(p []byte) {
	if b.err != nil {
		return
	}
	b.crc = crc32.Update(b.crc, castagnoli, p)
	_, b.err = b.w.Write(p)
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

// Float64 writes the IEEE 754 bits of v in 8 bytes.
func (b *Writer) Float64(v float64) { b.Uint64(math.Float64bits(v)) }

// Str writes s as a uint32 byte length followed by its bytes.
func (b *Writer) Str(s string) {
	b.Uint32(uint32(len(s)))
	b.Raw([]byte(s))
}

// Float32s writes the IEEE 754 bits of each element of v, 4 bytes each,
// without a length.
func (b *Writer) Float32s(v []float32) {
	words(b, v, math.Float32bits)
}

// Int32s writes each element of v in 4 bytes (two's complement), without a
// length.
func (b *Writer) Int32s(v []int32) {
	words(b, v, func(x int32) uint32 { return uint32(x) })
}

// Uint32s writes each element of v in 4 bytes, without a length.
func (b *Writer) Uint32s(v []uint32) {
	words(b, v, func(x uint32) uint32 { return x })
}

// words writes 4-byte values through a fixed chunk.
func words[T any](b *Writer, v []T, bits func(T) uint32) {
	if b.chunk == nil {
		b.chunk = make([]byte, 1<<14)
	}
	chunk := b.chunk
	for len(v) > 0 && b.err == nil {
		n := min(len(v), len(chunk)/4)
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint32(chunk[i*4:], bits(x))
		}
		b.Raw(chunk[:n*4])
		v = v[n:]
	}
}

// Err returns the first error met so far, or nil.
func (b *Writer) Err() error { return b.err }

// Close ends the file with the checksum of everything written and flushes
// it to the underlying writer. It returns the first error met; it does not
// close the underlying writer.
func (b *Writer) Close() error {
	if b.err != nil {
		return b.err
	}
	var sum [trailerSize]byte
	binary.LittleEndian.PutUint32(sum[:], b.crc)
	if _, b.err = b.w.Write(sum[:]); b.err == nil {
		b.err = b.w.Flush()
	}
	return b.err
}

// Fixed writes v, a struct of fixed-size numbers, field by field in the
// order they are declared: a uint32 field as Uint32 writes it, a uint64 as
// Uint64, a float64 as Float64. One struct type can so state the fixed
// start of a body for both Save and Load.
func (b *Writer) Fixed(v any) {
	if b.err != nil {
		return
	}
	p, err := binary.Append(nil, binary.LittleEndian, v)
	if err != nil {
		b.err = fmt.Errorf("write %T: %w", v, err)
		return
	}
	b.Raw(p)
}
