package datasets

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/annbench/annbench/datasets/atomicfile"
	"github.com/annbench/annbench/datasets/vector"
)

// NumPy's .npy format (what np.save writes): the magic \x93NUMPY, a major
// and minor version byte, the header length (little-endian uint16 in
// version 1, uint32 in versions 2 and 3), and a header that is a Python dict
// literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (100, 384), }
// padded with spaces to a multiple of 64 bytes. The array data follows, in
// C (row-major) order unless fortran_order is True.

// npyMagic starts every .npy file.
const npyMagic = "\x93NUMPY"

// maxNpyHeader bounds the header length a file may claim (np.save writes a
// few hundred bytes; the format allows up to 4 GiB in version 2).
const maxNpyHeader = 1 << 20

// npyType is a decoded dtype descriptor.
type npyType struct {
	descr     string
	kind      byte // 'f' float, 'i' signed integer, 'u' unsigned integer
	size      int  // bytes per element
	bigEndian bool
}

// name is the NumPy name of the type, e.g. "float32".
func (t npyType) name() string {
	switch t.kind {
	case 'f':
		return "float" + strconv.Itoa(8*t.size)
	case 'i':
		return "int" + strconv.Itoa(8*t.size)
	}
	return "uint" + strconv.Itoa(8*t.size)
}

// npyHeader is the decoded header of a .npy file.
type npyHeader struct {
	typ     npyType
	fortran bool
	shape   []int
	// offset is where the array data starts.
	offset int
}

// shapeString formats the shape the way Python prints a tuple.
func (h npyHeader) shapeString() string {
	parts := make([]string, len(h.shape))
	for i, d := range h.shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// parseNpyHeader decodes and checks the header of a .npy file held in b,
// including that the data that follows has exactly the size the header
// declares.
func parseNpyHeader(b []byte) (npyHeader, error) { return decodeNpyHeader(b, int64(len(b))) }

// decodeNpyHeader decodes the header at the start of b, a prefix of a file
// of total bytes, and checks the data size against total.
func decodeNpyHeader(b []byte, total int64) (npyHeader, error) {
	if len(b) < len(npyMagic) || string(b[:len(npyMagic)]) != npyMagic {
		switch {
		case len(b) >= 2 && b[0] == 0x80 && b[1] >= 2 && b[1] <= 5:
			return npyHeader{}, errorf("a Python pickle, not a .npy file: save arrays with np.save(path, array)")
		case len(b) >= 4 && string(b[:4]) == "PK\x03\x04":
			return npyHeader{}, errorf("a zip archive (.npz?), not a .npy file: save each array with np.save(path, array)")
		}
		return npyHeader{}, errorf("does not start with the .npy magic \\x93NUMPY (not a NumPy .npy file)")
	}
	if len(b) < 10 {
		return npyHeader{}, errorf("%d bytes is too short for a .npy header", len(b))
	}
	major, minor := b[6], b[7]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(b[8:])), 10
	case 2, 3:
		if len(b) < 12 {
			return npyHeader{}, errorf("%d bytes is too short for a version %d .npy header", len(b), major)
		}
		n := binary.LittleEndian.Uint32(b[8:])
		if n > maxNpyHeader {
			return npyHeader{}, errorf("header length %d exceeds %d bytes (corrupt file?)", n, maxNpyHeader)
		}
		hlen, start = int(n), 12
	default:
		return npyHeader{}, errorf("format version %d.%d is not supported (1.0, 2.0 and 3.0 are)", major, minor)
	}
	if minor != 0 {
		return npyHeader{}, errorf("format version %d.%d is not supported (1.0, 2.0 and 3.0 are)", major, minor)
	}
	if len(b)-start < hlen {
		return npyHeader{}, errorf("header of %d bytes runs past the end of the %d-byte file (truncated?)", hlen, total)
	}
	text := b[start : start+hlen]
	if major == 3 && !utf8.Valid(text) {
		return npyHeader{}, errorf("version 3 header is not valid UTF-8")
	}
	h, err := decodeNpyDict(string(text))
	if err != nil {
		return npyHeader{}, errorf("header %s: %v", quoteHeader(text), err)
	}
	h.offset = start + hlen
	elems := int64(1)
	for _, d := range h.shape {
		if d < 0 {
			return npyHeader{}, errorf("shape %s has a negative dimension", h.shapeString())
		}
		if d > 0 && elems > total/int64(d) {
			elems = total + 1 // more than the file can hold; reported below
			continue
		}
		elems *= int64(d)
	}
	want := elems * int64(h.typ.size)
	if have := total - int64(h.offset); want != have {
		if elems > total {
			return npyHeader{}, errorf("shape %s of %s needs more bytes than the %d-byte file holds (truncated?)",
				h.shapeString(), h.typ.name(), total)
		}
		what := "truncated?"
		if have > want {
			what = "trailing bytes after the array"
		}
		return npyHeader{}, errorf("shape %s of %s needs %d bytes of data but the file holds %d after the header (%s)",
			h.shapeString(), h.typ.name(), want, have, what)
	}
	if h.fortran && len(h.shape) > 1 {
		n := 0
		for _, d := range h.shape {
			if d > 1 {
				n++
			}
		}
		if n > 1 {
			return npyHeader{}, errorf("array of shape %s is stored in Fortran (column-major) order; save it in C order: np.save(path, np.ascontiguousarray(array))", h.shapeString())
		}
	}
	return h, nil
}

// quoteHeader shows a header in an error, shortened when long.
func quoteHeader(text []byte) string {
	s := strings.TrimRight(string(text), " \n")
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return strconv.Quote(s)
}

// decodeNpyDict reads the header dict: descr, fortran_order and shape.
func decodeNpyDict(text string) (npyHeader, error) {
	p := &pyParser{s: text}
	v, err := p.value(0)
	if err != nil {
		return npyHeader{}, err
	}
	p.space()
	if p.i != len(p.s) {
		return npyHeader{}, fmt.Errorf("unexpected %q after the dict", p.rest())
	}
	dict, ok := v.(map[string]any)
	if !ok {
		return npyHeader{}, fmt.Errorf("not a dict")
	}
	var h npyHeader
	for _, key := range []string{"descr", "fortran_order", "shape"} {
		if _, ok := dict[key]; !ok {
			return npyHeader{}, fmt.Errorf("missing key %q", key)
		}
	}
	switch d := dict["descr"].(type) {
	case string:
		if h.typ, err = parseNpyDescr(d); err != nil {
			return npyHeader{}, err
		}
	case []any:
		return npyHeader{}, fmt.Errorf("structured (record) arrays are not supported; save a plain numeric array")
	default:
		return npyHeader{}, fmt.Errorf("descr is not a string")
	}
	if h.fortran, ok = dict["fortran_order"].(bool); !ok {
		return npyHeader{}, fmt.Errorf("fortran_order is not True or False")
	}
	shape, ok := dict["shape"].(pyTuple)
	if !ok {
		return npyHeader{}, fmt.Errorf("shape is not a tuple")
	}
	for _, x := range shape {
		n, ok := x.(int64)
		if !ok {
			return npyHeader{}, fmt.Errorf("shape holds %v, not an integer", x)
		}
		if n < 0 || n > math.MaxInt32 {
			return npyHeader{}, fmt.Errorf("shape dimension %d is outside 0..%d", n, math.MaxInt32)
		}
		h.shape = append(h.shape, int(n))
	}
	return h, nil
}

// parseNpyDescr decodes a dtype string such as '<f4' or '|u1'.
func parseNpyDescr(d string) (npyType, error) {
	if d == "" {
		return npyType{}, fmt.Errorf("empty descr")
	}
	t := npyType{descr: d}
	order, rest := d[0], d[1:]
	if order != '<' && order != '>' && order != '|' && order != '=' {
		order, rest = '=', d
	}
	if rest == "" {
		return npyType{}, fmt.Errorf("descr %q names no type", d)
	}
	kind, size := rest[0], rest[1:]
	switch kind {
	case 'O':
		return npyType{}, fmt.Errorf("descr %q is an object array (pickled Python objects), which annbench never loads; save a numeric array: np.save(path, np.asarray(array, dtype=np.float32))", d)
	case 'f', 'i', 'u':
	case 'b', '?':
		return npyType{}, fmt.Errorf("descr %q is a boolean array, not numbers", d)
	case 'c':
		return npyType{}, fmt.Errorf("descr %q is a complex array, not real numbers", d)
	case 'S', 'U', 'a':
		return npyType{}, fmt.Errorf("descr %q is a string array, not numbers", d)
	default:
		return npyType{}, fmt.Errorf("descr %q is not a numeric type", d)
	}
	n, err := strconv.Atoi(size)
	if err != nil {
		return npyType{}, fmt.Errorf("descr %q: bad element size %q", d, size)
	}
	ok := n == 1 || n == 2 || n == 4 || n == 8
	if kind == 'f' && n == 1 {
		ok = false
	}
	if !ok {
		return npyType{}, fmt.Errorf("descr %q: unsupported element size %d", d, n)
	}
	t.kind, t.size = kind, n
	switch {
	case order == '>':
		t.bigEndian = true
	case order == '=' && n > 1:
		return npyType{}, fmt.Errorf("descr %q does not say its byte order (< or >)", d)
	case order == '|' && n > 1:
		return npyType{}, fmt.Errorf("descr %q: byte order | is only valid for 1-byte types", d)
	}
	return t, nil
}

// npyVectorTypes lists the element types ParseNpyVectors accepts.
const npyVectorTypes = "float32, float64, float16, int8 or uint8"

// ParseNpyVectors decodes a 2-D .npy array (rows × dim) held in b, at most
// maxRows rows when maxRows > 0, as float32 vectors. Little-endian float32
// data is used in place (the matrix views b) when b is 4-byte aligned at
// the data; other types are converted into a new matrix.
func ParseNpyVectors(b []byte, maxRows int) (vector.Matrix, error) {
	h, err := parseNpyHeader(b)
	if err != nil {
		return vector.Matrix{}, err
	}
	if len(h.shape) != 2 {
		return vector.Matrix{}, errorf("array of shape %s has %d dimensions; vectors need a 2-D array (rows, dim)%s",
			h.shapeString(), len(h.shape), reshapeHint(h))
	}
	t := h.typ
	if !(t.kind == 'f' || t.size == 1) {
		return vector.Matrix{}, errorf("element type %s (descr %q) is not a vector type; want %s", t.name(), t.descr, npyVectorTypes)
	}
	n, d := h.shape[0], h.shape[1]
	if err := checkDim(int64(d)); err != nil && n > 0 {
		return vector.Matrix{}, errorf("shape %s: %v", h.shapeString(), err)
	}
	if maxRows > 0 && maxRows < n {
		n = maxRows
	}
	body := b[h.offset : h.offset+n*d*t.size]
	if t.kind == 'f' && t.size == 4 && !t.bigEndian {
		if v, ok := view[float32](body); ok {
			return vector.Matrix{Data: v, Rows: n, Dim: d, Stride: d}, nil
		}
	}
	m := vector.NewMatrix(n, d)
	decodeNpyFloats(m.Data, body, t)
	return m, nil
}

// reshapeHint suggests how to fix a 1-D or 3-D array.
func reshapeHint(h npyHeader) string {
	switch len(h.shape) {
	case 1:
		return "; a single vector is array.reshape(1, -1), one value per row is array.reshape(-1, 1)"
	case 0:
		return ""
	}
	return "; flatten it to (rows, dim) with array.reshape(len(array), -1)"
}

// decodeNpyFloats converts elements of type t from b into dst.
func decodeNpyFloats(dst []float32, b []byte, t npyType) {
	var order binary.ByteOrder = binary.LittleEndian
	if t.bigEndian {
		order = binary.BigEndian
	}
	switch {
	case t.kind == 'f' && t.size == 4:
		for i := range dst {
			dst[i] = math.Float32frombits(order.Uint32(b[4*i:]))
		}
	case t.kind == 'f' && t.size == 8:
		for i := range dst {
			dst[i] = float32(math.Float64frombits(order.Uint64(b[8*i:])))
		}
	case t.kind == 'f' && t.size == 2:
		for i := range dst {
			dst[i] = halfToFloat32(order.Uint16(b[2*i:]))
		}
	case t.kind == 'i':
		for i := range dst {
			dst[i] = float32(int8(b[i]))
		}
	default:
		for i := range dst {
			dst[i] = float32(b[i])
		}
	}
}

// halfToFloat32 converts IEEE 754 binary16 bits to float32.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac × 2^-24
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// ParseNpyInts decodes a 1-D (n) or 2-D (n × cols) integer .npy array held
// in b, at most maxRows rows when maxRows > 0, into row-major int64 values.
// A 1-D array has cols == 1. Any integer type is accepted; uint64 values
// above the int64 range are an error.
func ParseNpyInts(b []byte, maxRows int) (values []int64, cols int, err error) {
	h, err := parseNpyHeader(b)
	if err != nil {
		return nil, 0, err
	}
	t := h.typ
	if t.kind == 'f' {
		return nil, 0, errorf("element type %s (descr %q) is not an integer type; want int8..int64 or uint8..uint64 (convert with array.astype(np.int64))", t.name(), t.descr)
	}
	var n int
	switch len(h.shape) {
	case 1:
		n, cols = h.shape[0], 1
	case 2:
		n, cols = h.shape[0], h.shape[1]
	default:
		return nil, 0, errorf("array of shape %s has %d dimensions; want 1 (one value per row) or 2 (rows, columns)", h.shapeString(), len(h.shape))
	}
	if maxRows > 0 && maxRows < n {
		n = maxRows
	}
	var order binary.ByteOrder = binary.LittleEndian
	if t.bigEndian {
		order = binary.BigEndian
	}
	body := b[h.offset:]
	values = make([]int64, n*cols)
	for i := range values {
		e := body[i*t.size:]
		switch {
		case t.size == 1 && t.kind == 'i':
			values[i] = int64(int8(e[0]))
		case t.size == 1:
			values[i] = int64(e[0])
		case t.size == 2 && t.kind == 'i':
			values[i] = int64(int16(order.Uint16(e)))
		case t.size == 2:
			values[i] = int64(order.Uint16(e))
		case t.size == 4 && t.kind == 'i':
			values[i] = int64(int32(order.Uint32(e)))
		case t.size == 4:
			values[i] = int64(order.Uint32(e))
		case t.kind == 'i':
			values[i] = int64(order.Uint64(e))
		default:
			u := order.Uint64(e)
			if u > math.MaxInt64 {
				return nil, 0, errorf("element %d = %d exceeds the int64 range", i, u)
			}
			values[i] = int64(u)
		}
	}
	return values, cols, nil
}

// ReadNpyVectors reads a 2-D .npy array as float32 vectors, at most maxRows
// rows when maxRows > 0. Little-endian float32 files of at least
// MmapThreshold bytes are memory-mapped and the matrix views the mapping;
// the returned Closer releases it (it is nil when nothing stays mapped).
func ReadNpyVectors(path string, maxRows int) (vector.Matrix, io.Closer, error) {
	m, fb, err := readParsed(path, maxRows, "npy", ParseNpyVectors)
	if err != nil {
		return m, nil, err
	}
	if !fb.mapped || !sharesMemory(m.Data, fb.data) {
		fb.Close() // in memory or converted: nothing to keep open
		return m, nil, nil
	}
	return m, fb, nil
}

// ReadNpyInts reads a 1-D or 2-D integer .npy array like ParseNpyInts.
func ReadNpyInts(path string, maxRows int) (values []int64, cols int, err error) {
	fb, _, err := loadFile(path, -1)
	if err != nil {
		return nil, 0, fmt.Errorf("read npy: %w", err)
	}
	defer fb.Close()
	values, cols, err = ParseNpyInts(fb.data, maxRows)
	if err != nil {
		return nil, 0, fmt.Errorf("read npy %s: %w", path, err)
	}
	return values, cols, nil
}

// EncodeNpy writes m as a version 1.0 little-endian float32 .npy array of
// shape (rows, dim), which np.load reads.
func EncodeNpy(w io.Writer, m vector.Matrix) error {
	if err := m.Validate(); err != nil {
		return err
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", m.Rows, m.Dim)
	// Pad so that magic, version, length and header end on a 64-byte
	// boundary, with the newline np.save ends the header with.
	total := 10 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	if len(header) > math.MaxUint16 {
		return fmt.Errorf("npy header of %d bytes is too long for format version 1.0", len(header))
	}
	buf := make([]byte, 0, 10+len(header))
	buf = append(buf, npyMagic...)
	buf = append(buf, 1, 0)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(header)))
	buf = append(buf, header...)
	if _, err := w.Write(buf); err != nil {
		return err
	}
	row := make([]byte, 4*m.Dim)
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			binary.LittleEndian.PutUint32(row[4*j:], math.Float32bits(v))
		}
		if _, err := w.Write(row); err != nil {
			return err
		}
	}
	return nil
}

// WriteNpy writes m to path as a float32 .npy file, atomically.
func WriteNpy(path string, m vector.Matrix) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return EncodeNpy(w, m) })
}
