package datasets

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/annbench/annbench/datasets/vector"
)

// IDX is the format of the MNIST and Fashion-MNIST files: a big-endian magic
// 0x0000TTNN (TT the element type, NN the number of dimensions), NN
// big-endian uint32 sizes, then the elements in row-major order, big-endian.
// Image files (magic 0x00000803: count × rows × cols bytes) become one vector
// per image; label files (magic 0x00000801) become one int32 per item. Files
// may be gzip-compressed; the reader detects that from the gzip magic bytes
// 1f 8b and decompresses while it reads.

// idxType describes one IDX element type.
type idxType struct {
	name    string
	size    int
	integer bool
	decode  func(b []byte) float64
}

var idxTypes = map[byte]idxType{
	0x08: {"uint8", 1, true, func(b []byte) float64 { return float64(b[0]) }},
	0x09: {"int8", 1, true, func(b []byte) float64 { return float64(int8(b[0])) }},
	0x0B: {"int16", 2, true, func(b []byte) float64 { return float64(int16(binary.BigEndian.Uint16(b))) }},
	0x0C: {"int32", 4, true, func(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) }},
	0x0D: {"float32", 4, false, func(b []byte) float64 { return float64(math.Float32frombits(binary.BigEndian.Uint32(b))) }},
	0x0E: {"float64", 8, false, func(b []byte) float64 { return math.Float64frombits(binary.BigEndian.Uint64(b)) }},
}

// idxHeader is a decoded IDX header.
type idxHeader struct {
	typ  idxType
	code byte
	dims []int
}

// idxStream is an IDX source after gzip detection.
type idxStream struct {
	r       io.Reader
	gzipped bool
	// size is the number of input bytes, or -1 when the reader cannot tell.
	size int64
}

// maxGzipRatio bounds how much a gzip stream can expand (deflate's limit is
// about 1032:1), which bounds what a header may honestly claim.
const maxGzipRatio = 1100

// remaining returns how many bytes r will deliver, or -1 when unknown.
func remaining(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		return int64(v.Len())
	case *os.File:
		st, err := v.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return -1
		}
		off, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return st.Size() - off
	}
	return -1
}

// newIDXStream wraps r, decompressing it when it starts with the gzip magic.
func newIDXStream(r io.Reader) (*idxStream, error) {
	size := remaining(r)
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, errorf("bad gzip header: %v", err)
		}
		return &idxStream{r: gz, gzipped: true, size: size}, nil
	}
	return &idxStream{r: br, size: size}, nil
}

// describe turns a read error into a message that says whether the data was
// cut short or the gzip stream is damaged.
func (s *idxStream) describe(what string, err error) error {
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if s.gzipped {
			return errorf("%s: truncated gzip stream", what)
		}
		return errorf("%s: file is truncated", what)
	case errors.Is(err, gzip.ErrChecksum):
		return errorf("%s: corrupt gzip stream (checksum mismatch)", what)
	case errors.Is(err, gzip.ErrHeader):
		return errorf("%s: corrupt gzip stream (bad member header)", what)
	}
	var fe *formatError
	if errors.As(err, &fe) {
		return err
	}
	if s.gzipped {
		return fmt.Errorf("%s: gzip: %w", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// header reads and checks the magic and the dimension sizes.
func (s *idxStream) header() (idxHeader, error) {
	var magic [4]byte
	if _, err := io.ReadFull(s.r, magic[:]); err != nil {
		return idxHeader{}, s.describe("reading magic", err)
	}
	m := binary.BigEndian.Uint32(magic[:])
	typ, ok := idxTypes[magic[2]]
	if magic[0] != 0 || magic[1] != 0 || !ok || magic[3] == 0 {
		return idxHeader{}, errorf("bad magic 0x%08x: not an IDX file (want 0x00000803 for images or 0x00000801 for labels)", m)
	}
	nd := int(magic[3])
	raw := make([]byte, 4*nd)
	if _, err := io.ReadFull(s.r, raw); err != nil {
		return idxHeader{}, s.describe(fmt.Sprintf("reading %d dimension sizes", nd), err)
	}
	dims := make([]int, nd)
	for i := range dims {
		v := binary.BigEndian.Uint32(raw[4*i:])
		if v > math.MaxInt32 {
			return idxHeader{}, errorf("dimension %d size %d is absurd (corrupt header?)", i, v)
		}
		dims[i] = int(v)
	}
	return idxHeader{typ: typ, code: magic[2], dims: dims}, nil
}

// checkSize compares the size the header implies with the input size when
// the input is uncompressed and its size is known.
func (s *idxStream) checkSize(h idxHeader) error {
	if s.size < 0 || s.gzipped {
		return nil
	}
	elems := int64(1)
	for _, v := range h.dims {
		if v == 0 {
			elems = 0
			break
		}
	}
	for _, v := range h.dims {
		if elems == 0 {
			break
		}
		if elems > s.size/int64(v) {
			elems = s.size + 1 // more than the input can hold
			break
		}
		elems *= int64(v)
	}
	if elems > s.size {
		return errorf("header says %v %s elements, more than the %d-byte input can hold", h.dims, h.typ.name, s.size)
	}
	want := int64(4+4*len(h.dims)) + elems*int64(h.typ.size)
	if want != s.size {
		return errorf("header says %v %s elements (%d bytes with the header) but the input has %d bytes",
			h.dims, h.typ.name, want, s.size)
	}
	return nil
}

// ReadIDXVectors reads an IDX file with two or more dimensions (e.g.
// images) from r, gzip-compressed or not, and returns one float32 vector per
// item, flattening the remaining dimensions (28×28 images become 784-d
// vectors). At most maxRows items are read when maxRows > 0; otherwise the
// reader also checks that nothing follows the data.
func ReadIDXVectors(r io.Reader, maxRows int) (vector.Matrix, error) {
	s, err := newIDXStream(r)
	if err != nil {
		return vector.Matrix{}, err
	}
	h, err := s.header()
	if err != nil {
		return vector.Matrix{}, err
	}
	if len(h.dims) < 2 {
		return vector.Matrix{}, errorf("IDX file has %d dimension, want at least 2 for vectors (is it a label file?)", len(h.dims))
	}
	dim := int64(1)
	for _, v := range h.dims[1:] {
		dim *= int64(v)
		if dim > MaxDim {
			break
		}
	}
	if err := checkDim(dim); err != nil {
		return vector.Matrix{}, errorf("vector size %v: %v", h.dims[1:], err)
	}
	if err := s.checkSize(h); err != nil {
		return vector.Matrix{}, err
	}
	d := int(dim)
	count := h.dims[0]
	rows := count
	if maxRows > 0 && maxRows < rows {
		rows = maxRows
	}
	m := vector.Matrix{Dim: d, Stride: d}
	m.Data, err = readIDXValues(s, h, rows, d, func(dst []float32, src []byte) {
		if h.code == 0x08 {
			for i, v := range src {
				dst[i] = float32(v)
			}
			return
		}
		for i := range dst {
			dst[i] = float32(h.typ.decode(src[i*h.typ.size:]))
		}
	})
	if err != nil {
		return vector.Matrix{}, err
	}
	m.Rows = rows
	if rows == count {
		if err := s.checkEnd(count); err != nil {
			return vector.Matrix{}, err
		}
	}
	return m, nil
}

// ReadIDXLabels reads a one-dimensional IDX file of integers (e.g. class
// labels) from r, gzip-compressed or not. At most maxRows items are read
// when maxRows > 0; otherwise the reader also checks that nothing follows.
func ReadIDXLabels(r io.Reader, maxRows int) ([]int32, error) {
	s, err := newIDXStream(r)
	if err != nil {
		return nil, err
	}
	h, err := s.header()
	if err != nil {
		return nil, err
	}
	if len(h.dims) != 1 {
		return nil, errorf("IDX file has %d dimensions, want 1 for labels (is it an image file?)", len(h.dims))
	}
	if !h.typ.integer || h.typ.size > 4 {
		return nil, errorf("IDX element type %s cannot hold labels, want an integer type", h.typ.name)
	}
	if err := s.checkSize(h); err != nil {
		return nil, err
	}
	count := h.dims[0]
	rows := count
	if maxRows > 0 && maxRows < rows {
		rows = maxRows
	}
	out, err := readIDXValues(s, h, rows, 1, func(dst []int32, src []byte) {
		for i := range dst {
			dst[i] = int32(h.typ.decode(src[i*h.typ.size:]))
		}
	})
	if err != nil {
		return nil, err
	}
	if rows == count {
		if err := s.checkEnd(count); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readIDXValues reads rows×d elements in chunks, growing the result as data
// actually arrives so that a lying header cannot force a huge allocation.
func readIDXValues[T float32 | int32](s *idxStream, h idxHeader, rows, d int, conv func(dst []T, src []byte)) ([]T, error) {
	es := h.typ.size
	chunkRows := max(1, (1<<20)/(d*es))
	buf := make([]byte, min(chunkRows, max(rows, 1))*d*es)
	total := int64(rows) * int64(d)
	// Allocate everything at once when the input is big enough to hold what
	// the header claims; otherwise grow as data arrives, so that a lying
	// header in a small input cannot force a huge allocation.
	capacity := min(total, 1<<22)
	if s.size >= 0 {
		claimed := total * int64(es)
		if !s.gzipped && claimed <= s.size || s.gzipped && claimed <= s.size*maxGzipRatio {
			capacity = total
		}
	}
	data := make([]T, 0, capacity)
	for done := 0; done < rows; {
		k := min(chunkRows, rows-done)
		b := buf[:k*d*es]
		if _, err := io.ReadFull(s.r, b); err != nil {
			return nil, s.describe(fmt.Sprintf("data ends within item %d of %d", done, h.dims[0]), err)
		}
		start := len(data)
		data = slices.Grow(data, k*d)[:start+k*d]
		conv(data[start:], b)
		done += k
	}
	return data, nil
}

// checkEnd verifies that the stream ends right after count items; for gzip
// this also makes the decompressor verify its checksum.
func (s *idxStream) checkEnd(count int) error {
	var one [1]byte
	n, err := io.ReadFull(s.r, one[:])
	if n > 0 {
		return errorf("unexpected data after the %d items the header announces", count)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return s.describe(fmt.Sprintf("after %d items", count), err)
	}
	return nil
}

// ReadIDXVectorsFile reads an IDX vector file (see ReadIDXVectors).
func ReadIDXVectorsFile(path string, maxRows int) (vector.Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return vector.Matrix{}, fmt.Errorf("read idx: %w", err)
	}
	defer f.Close()
	m, err := ReadIDXVectors(f, maxRows)
	if err != nil {
		return vector.Matrix{}, fmt.Errorf("read idx %s: %w", path, err)
	}
	return m, nil
}

// ReadIDXLabelsFile reads an IDX label file (see ReadIDXLabels).
func ReadIDXLabelsFile(path string, maxRows int) ([]int32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read idx: %w", err)
	}
	defer f.Close()
	l, err := ReadIDXLabels(f, maxRows)
	if err != nil {
		return nil, fmt.Errorf("read idx %s: %w", path, err)
	}
	return l, nil
}
