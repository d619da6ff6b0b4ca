package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

// vecsRecords builds a TEXMEX file from per-record dimensions and 4-byte
// (or, with elem 1, 1-byte) payload values.
func vecsRecords(elem int, recs ...[]uint32) []byte {
	var b bytes.Buffer
	for _, r := range recs {
		binary.Write(&b, binary.LittleEndian, r[0])
		for _, v := range r[1:] {
			if elem == 1 {
				b.WriteByte(byte(v))
			} else {
				binary.Write(&b, binary.LittleEndian, v)
			}
		}
	}
	return b.Bytes()
}

func f32(v float32) uint32 { return math.Float32bits(v) }

func TestParseFvecs(t *testing.T) {
	b := vecsRecords(4, []uint32{3, f32(1), f32(2), f32(3)}, []uint32{3, f32(-4), f32(5.5), f32(6)})
	m, err := ParseFvecs(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 2 || m.Dim != 3 || m.Stride != 4 {
		t.Fatalf("shape %d×%d stride %d", m.Rows, m.Dim, m.Stride)
	}
	if got := m.Row(1); got[0] != -4 || got[1] != 5.5 || got[2] != 6 {
		t.Fatalf("row 1 = %v", got)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	one, err := ParseFvecs(b, 1)
	if err != nil || one.Rows != 1 || one.Row(0)[2] != 3 {
		t.Fatalf("maxRows 1: %v %+v", err, one)
	}
	// A misaligned buffer is decoded by copying and gives the same values.
	mis := append([]byte{0}, b...)[1:]
	c, err := ParseFvecs(mis, 0)
	if err != nil || !c.Contiguous() || c.Row(1)[1] != 5.5 {
		t.Fatalf("misaligned: %v %+v", err, c)
	}
}

func TestParseVecsErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"short header", []byte{1, 0}, "too short for a record header"},
		{"zero dim", vecsRecords(4, []uint32{0}), "dimension 0 is not positive"},
		{"negative dim", vecsRecords(4, []uint32{0xffffffff, 1}), "dimension -1 is not positive"},
		{"absurd dim", vecsRecords(4, []uint32{1 << 24, 1}), "exceeds the limit"},
		{"truncated", vecsRecords(4, []uint32{2, 1, 2}, []uint32{2, 3}), "not a whole number of 12-byte records"},
		{"dimension changes", vecsRecords(4, []uint32{2, 1, 2}, []uint32{2, 1, 2}, []uint32{1, 1, 1}), "record 2: dimension 1 differs from dimension 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for kind, parse := range map[string]func([]byte) error{
				"fvecs": func(b []byte) error { _, err := ParseFvecs(b, 0); return err },
				"ivecs": func(b []byte) error { _, err := ParseIvecs(b, 0); return err },
			} {
				err := parse(tt.in)
				if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrFormat) {
					t.Errorf("%s: error %v, want one containing %q", kind, err, tt.want)
				}
			}
		})
	}
	bv := []struct {
		name string
		in   []byte
		want string
	}{
		{"bvecs truncated", vecsRecords(1, []uint32{3, 1, 2, 3}, []uint32{3, 1}), "not a whole number of 7-byte records"},
		{"bvecs dimension changes", vecsRecords(1, []uint32{3, 1, 2, 3}, []uint32{1, 1, 2, 3}), "differs"},
		{"bvecs zero dim", vecsRecords(1, []uint32{0}), "not positive"},
	}
	for _, tt := range bv {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseBvecs(tt.in, 0); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseIvecsBvecs(t *testing.T) {
	ids, err := ParseIvecs(vecsRecords(4, []uint32{2, 7, 0xffffffff}, []uint32{2, 3, 4}), 0)
	if err != nil || ids.Rows != 2 || ids.Row(0)[1] != -1 || ids.Row(1)[0] != 3 {
		t.Fatalf("ivecs: %v %+v", err, ids)
	}
	m, err := ParseBvecs(vecsRecords(1, []uint32{2, 255, 0}, []uint32{2, 9, 128}), 0)
	if err != nil || m.Rows != 2 || m.Row(0)[0] != 255 || m.Row(1)[1] != 128 {
		t.Fatalf("bvecs: %v %+v", err, m)
	}
	empty, err := ParseFvecs(nil, 0)
	if err != nil || empty.Rows != 0 {
		t.Fatalf("empty: %v %+v", err, empty)
	}
}

func vecsSeeds(f *testing.F, elem int) {
	f.Add([]byte{}, 0)
	f.Add(vecsRecords(elem, []uint32{2, 1, 2}, []uint32{2, 3, 4}), 0)
	f.Add(vecsRecords(elem, []uint32{1, 9}, []uint32{1, 8}, []uint32{1, 7}), 2)
	f.Add(vecsRecords(elem, []uint32{2, 1, 2}, []uint32{3, 3, 4}), 0)
	f.Add(vecsRecords(elem, []uint32{0xffffffff, 1}), 0)
	f.Add([]byte{5, 0, 0}, 1)
}

func FuzzFvecs(f *testing.F) {
	vecsSeeds(f, 4)
	f.Fuzz(func(t *testing.T, b []byte, maxRows int) {
		m, err := ParseFvecs(b, maxRows)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("accepted input gives invalid matrix: %v", err)
		}
		var buf bytes.Buffer
		if err := EncodeFvecs(&buf, m); err != nil {
			t.Fatal(err)
		}
		// The records used are a prefix of the input, byte for byte.
		if !bytes.HasPrefix(b, buf.Bytes()) {
			t.Fatalf("re-encoded %d rows are not a prefix of the input", m.Rows)
		}
		if maxRows <= 0 && buf.Len() != len(b) {
			t.Fatalf("re-encoded %d bytes, input had %d", buf.Len(), len(b))
		}
	})
}

func FuzzIvecs(f *testing.F) {
	vecsSeeds(f, 4)
	f.Fuzz(func(t *testing.T, b []byte, maxRows int) {
		m, err := ParseIvecs(b, maxRows)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := EncodeIvecs(&buf, m); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, buf.Bytes()) || (maxRows <= 0 && buf.Len() != len(b)) {
			t.Fatalf("re-encoded ids do not match the input")
		}
	})
}

func FuzzBvecs(f *testing.F) {
	vecsSeeds(f, 1)
	f.Fuzz(func(t *testing.T, b []byte, maxRows int) {
		m, err := ParseBvecs(b, maxRows)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		rec := 4 + m.Dim
		for i := 0; i < m.Rows; i++ {
			for j, v := range m.Row(i) {
				if v != float32(b[i*rec+4+j]) {
					t.Fatalf("row %d col %d: %v, input byte %d", i, j, v, b[i*rec+4+j])
				}
			}
		}
		if maxRows <= 0 && m.Rows*rec != len(b) {
			t.Fatalf("%d rows of %d bytes from %d bytes", m.Rows, rec, len(b))
		}
	})
}

// TestDecodePathsMatchViews checks that the copying decoders used on
// misaligned input (and on big-endian machines) agree with the zero-copy
// views.
func TestDecodePathsMatchViews(t *testing.T) {
	fv := vecsRecords(4, []uint32{2, f32(1.25), f32(-3)}, []uint32{2, f32(7), f32(0.5)})
	fb := binFile(2, 2, le32(f32(1.25), f32(-3), 0xfffffff0, 9)...)
	misaligned := func(b []byte) []byte { return append([]byte{0}, b...)[1:] }
	for name, parse := range map[string]func([]byte) ([]float32, error){
		"fvecs": func(b []byte) ([]float32, error) { m, err := ParseFvecs(b, 0); return m.Compact(true).Data, err },
		"ivecs": func(b []byte) ([]float32, error) { m, err := ParseIvecs(b, 0); return idsAsFloats(m), err },
	} {
		a, err1 := parse(fv)
		b, err2 := parse(misaligned(fv))
		if err1 != nil || err2 != nil || !equalFloats(a, b) {
			t.Errorf("%s: view %v and copy %v differ (%v, %v)", name, a, b, err1, err2)
		}
	}
	for name, parse := range map[string]func([]byte) ([]float32, error){
		"fbin": func(b []byte) ([]float32, error) { m, err := ParseFbin(b, 0); return m.Data, err },
		"ibin": func(b []byte) ([]float32, error) { m, err := ParseIbin(b, 0); return idsAsFloats(m), err },
	} {
		a, err1 := parse(fb)
		b, err2 := parse(misaligned(fb))
		if err1 != nil || err2 != nil || !equalFloats(a, b) {
			t.Errorf("%s: view %v and copy %v differ (%v, %v)", name, a, b, err1, err2)
		}
	}
}

func idsAsFloats(m vector.IDMatrix) []float32 {
	var out []float32
	for i := 0; i < m.Rows; i++ {
		for _, v := range m.Row(i) {
			out = append(out, float32(v))
		}
	}
	return out
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}
