package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

// npyFile assembles a .npy file the way np.save does: magic, version,
// header length, the header dict padded with spaces to a multiple of 64
// bytes and ended by a newline, then data.
func npyFile(version byte, header string, data []byte) []byte {
	prefix := 10
	if version > 1 {
		prefix = 12
	}
	total := prefix + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	b := append([]byte(npyMagic), version, 0)
	if version == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	}
	return append(append(b, header...), data...)
}

func npyDict(descr, shape string) string {
	return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
}

// encodeValues encodes vals as the given type and byte order.
func encodeValues(vals []float64, kind byte, size int, big bool) []byte {
	var order binary.AppendByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	var b []byte
	for _, v := range vals {
		switch {
		case kind == 'f' && size == 4:
			b = order.AppendUint32(b, math.Float32bits(float32(v)))
		case kind == 'f' && size == 8:
			b = order.AppendUint64(b, math.Float64bits(v))
		case size == 1:
			b = append(b, byte(int8(v)))
			if kind == 'u' {
				b[len(b)-1] = byte(uint8(v))
			}
		case size == 2:
			b = order.AppendUint16(b, uint16(int16(v)))
		case size == 4:
			b = order.AppendUint32(b, uint32(int32(v)))
		case size == 8:
			b = order.AppendUint64(b, uint64(int64(v)))
		}
	}
	return b
}

func TestNpyVectorTypes(t *testing.T) {
	vals := []float64{1, -2, 3.5, 0, 100, -7}
	ints := []float64{1, -2, 3, 0, 100, -7}
	uints := []float64{1, 2, 3, 0, 200, 7}
	cases := []struct {
		descr string
		data  []byte
		want  []float64
	}{
		{"<f4", encodeValues(vals, 'f', 4, false), vals},
		{">f4", encodeValues(vals, 'f', 4, true), vals},
		{"<f8", encodeValues(vals, 'f', 8, false), vals},
		{">f8", encodeValues(vals, 'f', 8, true), vals},
		{"|i1", encodeValues(ints, 'i', 1, false), ints},
		{"|u1", encodeValues(uints, 'u', 1, false), uints},
		// binary16 bits of 1, -2, 3.5, 0, 100, -7
		{"<f2", binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(
			binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(nil,
				0x3c00), 0xc000), 0x4300), 0x0000), 0x5640), 0xc700), vals},
		{">f2", []byte{0x3c, 0, 0xc0, 0, 0x43, 0, 0, 0, 0x56, 0x40, 0xc7, 0}, vals},
	}
	for _, c := range cases {
		for _, version := range []byte{1, 2, 3} {
			b := npyFile(version, npyDict(c.descr, "(2, 3)"), c.data)
			m, err := ParseNpyVectors(b, 0)
			if err != nil {
				t.Fatalf("%s v%d: %v", c.descr, version, err)
			}
			if m.Rows != 2 || m.Dim != 3 {
				t.Fatalf("%s: shape %d×%d", c.descr, m.Rows, m.Dim)
			}
			for i, w := range c.want {
				if got := m.Row(i / 3)[i%3]; got != float32(w) {
					t.Errorf("%s v%d: element %d = %v, want %v", c.descr, version, i, got, w)
				}
			}
			one, err := ParseNpyVectors(b, 1)
			if err != nil || one.Rows != 1 || one.Row(0)[2] != float32(c.want[2]) {
				t.Errorf("%s: maxRows 1 gave %d rows, %v", c.descr, one.Rows, err)
			}
		}
	}
}

func TestHalfToFloat32(t *testing.T) {
	for bits, want := range map[uint16]float32{
		0x3c00: 1, 0x3555: 0.333251953125, 0x7bff: 65504, 0x0001: float32(math.Ldexp(1, -24)),
		0x03ff: float32(math.Ldexp(1023, -24)), 0x0400: float32(math.Ldexp(1, -14)), 0x8000: float32(math.Copysign(0, -1)),
		0x7c00: float32(math.Inf(1)), 0xfc00: float32(math.Inf(-1)),
	} {
		if got := halfToFloat32(bits); got != want || math.Signbit(float64(got)) != math.Signbit(float64(want)) {
			t.Errorf("half %#04x = %v, want %v", bits, got, want)
		}
	}
	if !math.IsNaN(float64(halfToFloat32(0x7e00))) {
		t.Error("half 0x7e00 is not NaN")
	}
}

func TestNpyHeaderSpellings(t *testing.T) {
	data := encodeValues([]float64{1, 2}, 'f', 4, false)
	for _, header := range []string{
		"{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }", // Python 2
		`{"shape": (1, 2), "fortran_order": False, "descr": "<f4"}`,
		"{'descr':'<f4','fortran_order':False,'shape':(1,2)}",
		"{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", // Fortran order of one row is C order
	} {
		m, err := ParseNpyVectors(npyFile(1, header, data), 0)
		if err != nil || m.Rows != 1 || m.Dim != 2 || m.Data[1] != 2 {
			t.Errorf("%s: %v (%d×%d)", header, err, m.Rows, m.Dim)
		}
	}
}

func TestNpyErrors(t *testing.T) {
	f4 := encodeValues([]float64{1, 2, 3, 4, 5, 6}, 'f', 4, false)
	v1 := func(h string, data []byte) []byte { return npyFile(1, h, data) }
	cases := []struct {
		name, want string
		b          []byte
	}{
		{"fortran", "Fortran", v1("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f4)},
		{"object", "object array", v1(npyDict("|O", "(2, 3)"), f4)},
		{"pickle", "pickle", []byte("\x80\x04\x95\x10\x00\x00")},
		{"npz", ".npz", []byte("PK\x03\x04rest")},
		{"not npy", "magic", []byte("hello world, not an array")},
		{"empty", "magic", nil},
		{"1-D", "2-D array", v1(npyDict("<f4", "(6,)"), f4)},
		{"3-D", "2-D array", v1(npyDict("<f4", "(1, 2, 3)"), f4)},
		{"scalar", "2-D array", v1(npyDict("<f4", "()"), f4[:4])},
		{"int64 vectors", "not a vector type", v1(npyDict("<i8", "(1, 3)"), make([]byte, 24))},
		{"int32 vectors", "not a vector type", v1(npyDict("<i4", "(2, 3)"), f4)},
		{"truncated", "truncated", v1(npyDict("<f4", "(2, 3)"), f4[:20])},
		{"trailing", "trailing", v1(npyDict("<f4", "(2, 3)"), append(f4, 0, 0, 0, 0))},
		{"huge shape", "more bytes", v1(npyDict("<f4", "(2000000000, 2000000000)"), f4)},
		{"negative shape", "outside", v1(npyDict("<f4", "(-1, 3)"), f4)},
		{"version 4", "version 4.0", append([]byte(npyMagic), 4, 0, 0, 0)},
		{"version 1.1", "version 1.1", append([]byte(npyMagic), 1, 1, 0, 0)},
		{"header past end", "runs past", append([]byte(npyMagic), 1, 0, 0xff, 0x7f, '{')},
		{"short", "too short", []byte(npyMagic + "\x01")},
		{"complex", "complex", v1(npyDict("<c8", "(1, 3)"), make([]byte, 24))},
		{"bool", "boolean", v1(npyDict("|b1", "(2, 3)"), make([]byte, 6))},
		{"string", "string array", v1(npyDict("<U3", "(2, 3)"), f4)},
		{"structured", "structured", v1("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (6,), }", f4)},
		{"missing shape", `missing key "shape"`, v1("{'descr': '<f4', 'fortran_order': False}", f4)},
		{"no byte order", "byte order", v1(npyDict("f4", "(2, 3)"), f4)},
		{"bad dict", "header", v1("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3)}", f4)},
		{"deep", "nested", v1("{'descr': "+strings.Repeat("(", 40)+"1"+strings.Repeat(")", 40)+"}", f4)},
		{"bad v3 utf8", "UTF-8", npyFile(3, npyDict("<f4", "(2, 3)")+"\xff", f4)},
	}
	for _, c := range cases {
		_, err := ParseNpyVectors(c.b, 0)
		if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want an ErrFormat mentioning %q", c.name, err, c.want)
		}
	}
}

func TestNpyInts(t *testing.T) {
	vals := []float64{3, -1, 7, 0}
	for _, c := range []struct {
		descr string
		size  int
		big   bool
		kind  byte
	}{{"<i8", 8, false, 'i'}, {">i8", 8, true, 'i'}, {"<i4", 4, false, 'i'}, {">i4", 4, true, 'i'}, {"<i2", 2, false, 'i'}, {"|i1", 1, false, 'i'}} {
		for _, shape := range []string{"(4,)", "(4, 1)", "(2, 2)"} {
			got, cols, err := ParseNpyInts(npyFile(1, npyDict(c.descr, shape), encodeValues(vals, c.kind, c.size, c.big)), 0)
			if err != nil {
				t.Fatalf("%s %s: %v", c.descr, shape, err)
			}
			wantCols := map[string]int{"(4,)": 1, "(4, 1)": 1, "(2, 2)": 2}[shape]
			if cols != wantCols || len(got) != 4 || got[0] != 3 || got[1] != -1 || got[2] != 7 {
				t.Errorf("%s %s: %v cols %d", c.descr, shape, got, cols)
			}
		}
	}
	u := npyFile(1, npyDict(">u4", "(2,)"), []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1})
	if got, _, err := ParseNpyInts(u, 0); err != nil || got[0] != math.MaxUint32 || got[1] != 1 {
		t.Errorf("uint32: %v %v", got, err)
	}
	big := npyFile(1, npyDict("<u8", "(1,)"), []byte{0, 0, 0, 0, 0, 0, 0, 0xff})
	if _, _, err := ParseNpyInts(big, 0); err == nil || !strings.Contains(err.Error(), "int64 range") {
		t.Errorf("uint64 overflow: %v", err)
	}
	if _, _, err := ParseNpyInts(npyFile(1, npyDict("<f4", "(1,)"), make([]byte, 4)), 0); err == nil || !strings.Contains(err.Error(), "not an integer type") {
		t.Errorf("float labels: %v", err)
	}
	if _, _, err := ParseNpyInts(npyFile(1, npyDict("<i4", "(1, 1, 1)"), make([]byte, 4)), 0); err == nil || !strings.Contains(err.Error(), "dimensions") {
		t.Errorf("3-D labels: %v", err)
	}
}

func TestWriteReadNpy(t *testing.T) {
	m := vector.NewMatrix(300, 7)
	for i := range m.Data {
		m.Data[i] = float32(i) * 0.25
	}
	path := filepath.Join(t.TempDir(), "x.npy")
	must(t, WriteNpy(path, m))
	b, err := os.ReadFile(path)
	must(t, err)
	if h, err := parseNpyHeader(b); err != nil || h.offset%64 != 0 {
		t.Fatalf("header %v, data offset %d not 64-aligned", err, h.offset)
	}
	for _, threshold := range []int64{-1, 1 << 40} {
		old := MmapThreshold
		MmapThreshold = threshold
		got, c, err := ReadNpyVectors(path, 0)
		MmapThreshold = old
		must(t, err)
		if (c != nil) != (threshold < 0) {
			t.Errorf("threshold %d: closer returned %v (want one exactly when mapped)", threshold, c != nil)
		}
		if got.Rows != 300 || got.Dim != 7 || !bytes.Equal(float32Bytes(got.Data), float32Bytes(m.Data)) {
			t.Errorf("threshold %d: round trip differs", threshold)
		}
		if c != nil {
			c.Close()
		}
	}
	if _, _, err := ReadNpyVectors(filepath.Join(t.TempDir(), "missing.npy"), 0); err == nil || !strings.Contains(err.Error(), "missing.npy") {
		t.Errorf("missing file: %v", err)
	}
	must(t, os.WriteFile(path, b[:len(b)-3], 0o644))
	if _, _, err := ReadNpyVectors(path, 0); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated file: %v", err)
	}
}

func float32Bytes(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func FuzzParseNpy(f *testing.F) {
	var buf bytes.Buffer
	m := vector.NewMatrix(3, 2)
	for i := range m.Data {
		m.Data[i] = float32(i)
	}
	EncodeNpy(&buf, m)
	f.Add(buf.Bytes())
	f.Add(npyFile(2, npyDict(">f8", "(1, 2)"), make([]byte, 16)))
	f.Add(npyFile(3, npyDict("<f2", "(2, 1)"), make([]byte, 4)))
	f.Add(npyFile(1, npyDict("<i8", "(3,)"), make([]byte, 24)))
	f.Add(npyFile(1, "{'descr': [('x', '<f4')], 'fortran_order': True, 'shape': (1L, 2L)}", nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := ParseNpyVectors(b, 0); err == nil {
			if err := m.Validate(); err != nil {
				t.Fatalf("parsed matrix is invalid: %v", err)
			}
			var out bytes.Buffer
			must(t, EncodeNpy(&out, m))
			again, err := ParseNpyVectors(out.Bytes(), 0)
			if err != nil || again.Rows != m.Rows || again.Dim != m.Dim || !bytes.Equal(float32Bytes(again.Data), float32Bytes(m.Data[:m.Rows*m.Dim])) {
				t.Fatalf("re-encoded array differs: %v", err)
			}
		} else if !errors.Is(err, ErrFormat) {
			t.Fatalf("error %v does not wrap ErrFormat", err)
		}
		if v, cols, err := ParseNpyInts(b, 0); err == nil && cols > 0 && len(v)%cols != 0 {
			t.Fatalf("%d values in %d columns", len(v), cols)
		}
	})
}
