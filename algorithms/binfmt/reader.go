package binfmt

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// MaxElems bounds any array length a Reader accepts. A larger length can
// only come from a corrupt or hostile file and is rejected before anything
// is allocated.
const MaxElems = 1 << 36

// MaxStr bounds the length of a string a Reader accepts, in bytes. Strings in
// index files are short names such as a metric.
const MaxStr = 256

// Reader reads little-endian values from a buffered stream and keeps the
// first error; later calls return zero values once a read has failed.
// Running out of bytes is reported as io.ErrUnexpectedEOF, wrapped with
// what was being read. Arrays grow in chunks as bytes arrive, so a
// truncated file fails before it can allocate what its header claims.
type Reader struct {
	r   *bufio.Reader
	err error
	buf [8]byte
}

// NewReader returns a Reader on r. When r is already a *bufio.Reader it is
// read from directly, so reading one part of a stream does not consume the
// next.
func NewReader(r io.Reader) *Reader {
	if br, ok := r.(*bufio.Reader); ok {
		return &Reader{r: br}
	}
	return &Reader{r: bufio.NewReaderSize(r, 1<<20)}
}

// Buffered returns the Reader's buffered stream, so that a nested section
// can be read from the same position by its own reader. Check Err first.
func (b *Reader) Buffered() *bufio.Reader { return b.r }

// Err returns the first error met so far, or nil.
func (b *Reader) Err() error { return b.err }

// Raw fills p from the stream; what names the value in an error.
func (b *Reader) Raw(p []byte, what string) {
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

// Uint32 reads a value of 4 bytes.
func (b *Reader) Uint32(what string) uint32 {
	b.Raw(b.buf[:4], what)
	if b.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b.buf[:4])
}

// Uint64 reads a value of 8 bytes.
func (b *Reader) Uint64(what string) uint64 {
	b.Raw(b.buf[:8], what)
	if b.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b.buf[:8])
}

// Str reads what Writer.Str wrote. A length above MaxStr is an error.
func (b *Reader) Str(what string) string {
	n := b.Uint32(what)
	if b.err == nil && n > MaxStr {
		b.err = fmt.Errorf("read %s: length %d is too long", what, n)
	}
	if b.err != nil {
		return ""
	}
	p := make([]byte, n)
	b.Raw(p, what)
	return string(p)
}

// checkLen records an error for an array length above MaxElems and
// reports whether reading may go on.
func (b *Reader) checkLen(n uint64, what string) bool {
	if b.err == nil && n > MaxElems {
		b.err = fmt.Errorf("read %s: length %d is implausible", what, n)
	}
	return b.err == nil
}

// Bytes reads n bytes into a new slice.
func (b *Reader) Bytes(n uint64, what string) []byte {
	if !b.checkLen(n, what) {
		return nil
	}
	out := make([]byte, 0, min(n, 1<<24))
	var chunk [1 << 16]byte
	for rem := n; rem > 0 && b.err == nil; {
		m := min(rem, uint64(len(chunk)))
		b.Raw(chunk[:m], what)
		out = append(out, chunk[:m]...)
		rem -= m
	}
	return out
}

// Float32s reads n values that Writer.Float32s wrote into a new slice.
func (b *Reader) Float32s(n uint64, what string) []float32 {
	if !b.checkLen(n, what) {
		return nil
	}
	out := make([]float32, 0, min(n, 1<<22))
	b.words(n, what, func(chunk []byte) {
		for i := 0; i < len(chunk); i += 4 {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(chunk[i:])))
		}
	})
	return out
}

// Int32s reads n values that Writer.Int32s wrote into a new slice.
func (b *Reader) Int32s(n uint64, what string) []int32 {
	if !b.checkLen(n, what) {
		return nil
	}
	out := make([]int32, 0, min(n, 1<<22))
	b.words(n, what, func(chunk []byte) {
		for i := 0; i < len(chunk); i += 4 {
			out = append(out, int32(binary.LittleEndian.Uint32(chunk[i:])))
		}
	})
	return out
}

// words reads n 4-byte values in chunks of at most 16 KiB and hands each
// complete chunk to use; it stops at the first error.
func (b *Reader) words(n uint64, what string, use func(chunk []byte)) {
	var chunk [1 << 14]byte
	for rem := n; rem > 0 && b.err == nil; {
		m := min(rem, uint64(len(chunk)/4))
		b.Raw(chunk[:m*4], what)
		if b.err != nil {
			return
		}
		use(chunk[:m*4])
		rem -= m
	}
}

// Header reads what Writer.Header wrote and checks it: a different magic
// means the input is not a file of this kind, which kind names (e.g. "an
// ivfflat index"), and a different version one this build cannot read. A
// read error is not returned here; it stays in Err like every other read.
func (b *Reader) Header(kind string, magic [8]byte, version uint32) error {
	var got [8]byte
	b.Raw(got[:], "header")
	if b.err == nil && got != magic {
		return fmt.Errorf("not %s file (bad magic %q)", kind, got[:])
	}
	v := b.Uint32("version")
	if b.err == nil && v != version {
		return fmt.Errorf("unsupported format version %d (this build reads %d)", v, version)
	}
	return nil
}
