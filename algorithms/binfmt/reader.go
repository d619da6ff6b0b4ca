package binfmt

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
)

// Reader reads an index file: NewReader checks the header, the methods
// read the body and Close verifies the checksum and the end of the input.
// It keeps the first error; later calls return zero values once a read
// has failed. Running out of bytes is reported as io.ErrUnexpectedEOF,
// wrapped with what was being read, and an array longer than what is left
// of the input is rejected before it is allocated.
type Reader struct {
	r    *bufio.Reader
	crc  uint32
	left int64 // body bytes not yet read; the trailer is not counted
	err  error
	buf  [8]byte
	// chunk stages arrays of 4-byte values; allocated on first use.
	chunk []byte
}

// bufSize is the Reader's buffer size: arrays are read through it in
// chunks of 16 KiB, so a larger buffer only saves system calls.
const bufSize = 64 << 10

// sized returns r with the number of bytes it still holds. Files and
// in-memory readers tell their size; any other stream is read into memory
// first (growing as bytes arrive, so a short input stays cheap).
func sized(r io.Reader) (io.Reader, int64, error) {
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, bytes.Buffer, strings.Reader
		return r, int64(v.Len()), nil
	case interface {
		Stat() (fs.FileInfo, error)
		Seek(int64, int) (int64, error)
	}: // *os.File
		if st, err := v.Stat(); err == nil && st.Mode().IsRegular() {
			if pos, err := v.Seek(0, io.SeekCurrent); err == nil {
				return r, st.Size() - pos, nil
			}
		}
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, 0, fmt.Errorf("read index file: %w", err)
	}
	return bytes.NewReader(data), int64(len(data)), nil
}

// NewReader starts reading an index file from r and checks its header
// against want: the magic, FormatVersion, and want's algorithm, metric and
// dimension. Any mismatch or read failure is returned as an error that
// says what the file holds and what was expected.
func NewReader(r io.Reader, want Header) (*Reader, error) {
	r, size, err := sized(r)
	if err != nil {
		return nil, err
	}
	// A small file gets a buffer its size, so loading it allocates little
	// beyond the index itself.
	b := &Reader{r: bufio.NewReaderSize(r, int(min(max(size, 512), bufSize))), left: size - trailerSize}
	var magic [8]byte
	b.Raw(magic[:], "header")
	if b.err == nil && magic != Magic {
		return nil, fmt.Errorf("not an annbench index file (bad magic %q)", magic[:])
	}
	if v := b.Uint32("format version"); b.err == nil && v != FormatVersion {
		return nil, fmt.Errorf("index file format version %d, this build reads version %d: rebuild the index", v, FormatVersion)
	}
	var got Header
	got.Algorithm = b.Str("algorithm name")
	code := b.Uint32("metric code")
	dim := b.Uint32("dimension")
	if b.err != nil {
		return nil, b.err
	}
	m, ok := metricOf(code)
	if !ok {
		return nil, fmt.Errorf("file has unknown metric code %d (want 1 l2, 2 ip or 3 angular)", code)
	}
	got.Metric, got.Dim = m, int(dim)
	if err := checkHeader(got, want); err != nil {
		return nil, err
	}
	return b, nil
}

// Err returns the first error met so far, or nil.
func (b *Reader) Err() error { return b.err }

// Fail records err as the Reader's error unless one is already kept, so a
// decoder's own validation failure ends reading like a read error does.
func (b *Reader) Fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// Raw fills p from the body; what names the value in an error.
func (b *Reader) Raw(p []byte, what string) {
	if b.err != nil {
		return
	}
	if int64(len(p)) > b.left {
		b.err = b.short(what, uint64(len(p)))
		return
	}
	if _, err := io.ReadFull(b.r, p); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		b.err = fmt.Errorf("read %s: %w", what, err)
		return
	}
	b.left -= int64(len(p))
	b.crc = crc32.Update(b.crc, castagnoli, p)
}

// short is the error for a value of need bytes that the input cannot hold.
func (b *Reader) short(what string, need uint64) error {
	left := max(b.left, 0)
	return fmt.Errorf("read %s: %d bytes needed, %d left before the checksum (truncated or corrupt file): %w",
		what, need, left, io.ErrUnexpectedEOF)
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

// Float64 reads what Writer.Float64 wrote.
func (b *Reader) Float64(what string) float64 { return math.Float64frombits(b.Uint64(what)) }

// Str reads what Writer.Str wrote. A length above MaxStr is an error.
func (b *Reader) Str(what string) string {
	n := b.Uint32(what)
	if b.err == nil && n > MaxStr {
		b.err = fmt.Errorf("read %s: length %d is too long (at most %d)", what, n, MaxStr)
	}
	if b.err != nil {
		return ""
	}
	p := make([]byte, n)
	b.Raw(p, what)
	return string(p)
}

// Fits reports whether n values of size bytes each can still be read. When
// they cannot (n above MaxElems, or more bytes than are left before the
// checksum) it records an error, so a corrupt length never allocates.
// Decoders that lay values out themselves call it before allocating.
func (b *Reader) Fits(n uint64, size int, what string) bool {
	if b.err != nil {
		return false
	}
	if n > MaxElems {
		b.err = fmt.Errorf("read %s: length %d is implausible", what, n)
		return false
	}
	if need := n * uint64(size); need > uint64(max(b.left, 0)) {
		b.err = b.short(what, need)
		return false
	}
	return true
}

// Bytes reads n bytes into a new slice.
func (b *Reader) Bytes(n uint64, what string) []byte {
	return alloc(b, n, 1, what, b.Raw)
}

// Float32s reads n values that Writer.Float32s wrote into a new slice.
func (b *Reader) Float32s(n uint64, what string) []float32 {
	return alloc(b, n, 4, what, b.Float32sInto)
}

// Int32s reads n values that Writer.Int32s wrote into a new slice.
func (b *Reader) Int32s(n uint64, what string) []int32 {
	return alloc(b, n, 4, what, func(dst []int32, what string) {
		into(b, dst, what, func(u uint32) int32 { return int32(u) })
	})
}

// Uint32s reads n values that Writer.Uint32s wrote into a new slice.
func (b *Reader) Uint32s(n uint64, what string) []uint32 {
	return alloc(b, n, 4, what, b.Uint32sInto)
}

// alloc allocates n values of size bytes once Fits allows it and fills
// them with fill; it returns nil when they do not fit.
func alloc[T any](b *Reader, n uint64, size int, what string, fill func([]T, string)) []T {
	if !b.Fits(n, size, what) {
		return nil
	}
	out := make([]T, n)
	fill(out, what)
	return out
}

// Float32sInto fills dst with values that Writer.Float32s wrote.
func (b *Reader) Float32sInto(dst []float32, what string) {
	into(b, dst, what, math.Float32frombits)
}

// Uint32sInto fills dst with values that Writer.Uint32s wrote.
func (b *Reader) Uint32sInto(dst []uint32, what string) {
	into(b, dst, what, func(u uint32) uint32 { return u })
}

// into reads len(dst) 4-byte values through a fixed chunk; it stops at the
// first error.
func into[T any](b *Reader, dst []T, what string, conv func(uint32) T) {
	if !b.Fits(uint64(len(dst)), 4, what) {
		return
	}
	if b.chunk == nil {
		b.chunk = make([]byte, 1<<14)
	}
	chunk := b.chunk
	for len(dst) > 0 && b.err == nil {
		m := min(len(dst), len(chunk)/4)
		b.Raw(chunk[:m*4], what)
		if b.err != nil {
			return
		}
		for i := range dst[:m] {
			dst[i] = conv(binary.LittleEndian.Uint32(chunk[i*4:]))
		}
		dst = dst[m:]
	}
}

// Close ends reading: it returns the first error met, else checks that
// the body was read to its end (no trailing data) and that the stored
// checksum matches what was read. A Load is complete only when Close
// returns nil.
func (b *Reader) Close() error {
	if b.err != nil {
		return b.err
	}
	if b.left > 0 {
		b.err = fmt.Errorf("%d bytes of unexpected data after the index body (corrupt file)", b.left)
		return b.err
	}
	var sum [trailerSize]byte
	if _, err := io.ReadFull(b.r, sum[:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		b.err = fmt.Errorf("read checksum: %w", err)
		return b.err
	}
	if stored := binary.LittleEndian.Uint32(sum[:]); stored != b.crc {
		b.err = fmt.Errorf("checksum mismatch (stored %08x, computed %08x): the file is corrupt", stored, b.crc)
		return b.err
	}
	return nil
}

// ReadFixed reads a T that Writer.Fixed wrote, a struct of fixed-size
// numbers; what names it in an error. Once it is read, check judges it:
// an error check returns is recorded as Fail records one, so reading
// stops there.
func ReadFixed[T any](b *Reader, what string, check func(T) error) T {
	var v T
	n := binary.Size(&v)
	if n < 0 {
		b.Fail(fmt.Errorf("read %s: %T is not of fixed size", what, v))
		return v
	}
	buf := make([]byte, n)
	b.Raw(buf, what)
	if b.err == nil {
		if _, err := binary.Decode(buf, binary.LittleEndian, &v); err != nil {
			b.err = fmt.Errorf("read %s: %w", what, err)
		}
	}
	if b.err == nil {
		b.err = check(v)
	}
	return v
}
