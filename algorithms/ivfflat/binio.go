package ivfflat

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// binWriter writes little-endian values and keeps the first error.
type binWriter struct {
	w   *bufio.Writer
	err error
	buf [8]byte
}

// newBinWriter wraps w, reusing it when it is already buffered so several
// writers can share one stream.
func newBinWriter(w io.Writer) *binWriter {
	if bw, ok := w.(*bufio.Writer); ok {
		return &binWriter{w: bw}
	}
	return &binWriter{w: bufio.NewWriterSize(w, 1<<20)}
}

func (b *binWriter) write(p []byte) {
	if b.err == nil {
		_, b.err = b.w.Write(p)
	}
}

func (b *binWriter) u32(v uint32) {
	binary.LittleEndian.PutUint32(b.buf[:4], v)
	b.write(b.buf[:4])
}

func (b *binWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(b.buf[:8], v)
	b.write(b.buf[:8])
}

func (b *binWriter) str(s string) {
	b.u32(uint32(len(s)))
	b.write([]byte(s))
}

func (b *binWriter) f32s(v []float32) {
	var chunk [4096]byte
	for len(v) > 0 && b.err == nil {
		n := min(len(v), len(chunk)/4)
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint32(chunk[i*4:], math.Float32bits(x))
		}
		b.write(chunk[:n*4])
		v = v[n:]
	}
}

func (b *binWriter) flush() error {
	if b.err == nil {
		b.err = b.w.Flush()
	}
	return b.err
}

// maxElems bounds any array length read from a file, so a corrupted header
// cannot ask for an absurd allocation.
const maxElems = 1 << 36

// binReader reads little-endian values and keeps the first error. Arrays
// grow in chunks as bytes arrive, so a truncated file fails before it can
// allocate what its header claims.
type binReader struct {
	r   *bufio.Reader
	err error
	buf [8]byte
}

// newBinReader wraps r, reusing it when it is already buffered so that
// reading one part of a stream does not consume the next.
func newBinReader(r io.Reader) *binReader {
	if br, ok := r.(*bufio.Reader); ok {
		return &binReader{r: br}
	}
	return &binReader{r: bufio.NewReaderSize(r, 1<<20)}
}

func (b *binReader) read(p []byte, what string) {
	if b.err != nil {
		return
	}
	if _, err := io.ReadFull(b.r, p); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		b.err = fmt.Errorf("read %s: %w", what, err)
	}
}

func (b *binReader) u32(what string) uint32 {
	b.read(b.buf[:4], what)
	if b.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b.buf[:4])
}

func (b *binReader) u64(what string) uint64 {
	b.read(b.buf[:8], what)
	if b.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b.buf[:8])
}

func (b *binReader) str(what string) string {
	n := b.u32(what)
	if b.err == nil && n > 256 {
		b.err = fmt.Errorf("read %s: length %d is too long", what, n)
	}
	if b.err != nil {
		return ""
	}
	p := make([]byte, n)
	b.read(p, what)
	return string(p)
}

func (b *binReader) checkLen(n uint64, what string) bool {
	if b.err == nil && n > maxElems {
		b.err = fmt.Errorf("read %s: length %d is implausible", what, n)
	}
	return b.err == nil
}

func (b *binReader) f32s(n uint64, what string) []float32 {
	if !b.checkLen(n, what) {
		return nil
	}
	out := make([]float32, 0, min(n, 1<<22))
	var chunk [1 << 14]byte
	for rem := n; rem > 0 && b.err == nil; {
		m := min(rem, uint64(len(chunk)/4))
		b.read(chunk[:m*4], what)
		if b.err != nil {
			break
		}
		for i := uint64(0); i < m; i++ {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(chunk[i*4:])))
		}
		rem -= m
	}
	return out
}

func (b *binWriter) i32s(v []int32) {
	var chunk [4096]byte
	for len(v) > 0 && b.err == nil {
		n := min(len(v), len(chunk)/4)
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint32(chunk[i*4:], uint32(x))
		}
		b.write(chunk[:n*4])
		v = v[n:]
	}
}

func (b *binReader) i32s(n uint64, what string) []int32 {
	if !b.checkLen(n, what) {
		return nil
	}
	out := make([]int32, 0, min(n, 1<<22))
	var chunk [1 << 14]byte
	for rem := n; rem > 0 && b.err == nil; {
		m := min(rem, uint64(len(chunk)/4))
		b.read(chunk[:m*4], what)
		if b.err != nil {
			break
		}
		for i := uint64(0); i < m; i++ {
			out = append(out, int32(binary.LittleEndian.Uint32(chunk[i*4:])))
		}
		rem -= m
	}
	return out
}
