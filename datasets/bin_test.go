package datasets

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// binFile builds a big-ann file with header (n, d) and the given body.
func binFile(n, d int32, body ...byte) []byte {
	b := make([]byte, 8, 8+len(body))
	binary.LittleEndian.PutUint32(b, uint32(n))
	binary.LittleEndian.PutUint32(b[4:], uint32(d))
	return append(b, body...)
}

func le32(vs ...uint32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return b
}

func TestParseBin(t *testing.T) {
	fb := binFile(2, 2, le32(f32(1), f32(2), f32(3), f32(-4))...)
	m, err := ParseFbin(fb, 0)
	if err != nil || m.Rows != 2 || m.Dim != 2 || m.Row(1)[1] != -4 {
		t.Fatalf("fbin: %v %+v", err, m)
	}
	m, err = ParseFbin(fb, 1)
	if err != nil || m.Rows != 1 || len(m.Data) != 2 {
		t.Fatalf("fbin maxRows: %v %+v", err, m)
	}
	ids, err := ParseIbin(binFile(1, 3, le32(5, 6, 0xfffffffe)...), 0)
	if err != nil || ids.Row(0)[2] != -2 {
		t.Fatalf("ibin: %v %+v", err, ids)
	}
	u, err := ParseU8bin(binFile(2, 1, 200, 7), 0)
	if err != nil || u.Row(0)[0] != 200 || u.Row(1)[0] != 7 {
		t.Fatalf("u8bin: %v %+v", err, u)
	}
	i8, err := ParseI8bin(binFile(1, 2, 200, 7), 0)
	if err != nil || i8.Row(0)[0] != -56 || i8.Row(0)[1] != 7 {
		t.Fatalf("i8bin: %v %+v", err, i8)
	}
	empty, err := ParseFbin(binFile(0, 5), 0)
	if err != nil || empty.Rows != 0 || empty.Dim != 5 {
		t.Fatalf("empty fbin: %v %+v", err, empty)
	}
}

func TestParseBinErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"short header", []byte{1, 0, 0, 0, 2}, "too short for the 8-byte header"},
		{"negative count", binFile(-1, 2), "row count -1 is negative"},
		{"zero dim", binFile(1, 0), "dimension 0 is not positive"},
		{"absurd dim", binFile(1, 1<<30), "exceeds the limit"},
		{"short body", binFile(2, 2, le32(1, 2, 3)...), "header says 2 rows of dimension 2 (24 bytes with the header) but the file has 20 bytes"},
		{"long body", binFile(1, 2, le32(1, 2, 3)...), "but the file has 20 bytes"},
		{"huge count", binFile(1<<31-1, 1<<20), "but the file has 8 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for kind, parse := range map[string]func([]byte) error{
				"fbin": func(b []byte) error { _, err := ParseFbin(b, 0); return err },
				"ibin": func(b []byte) error { _, err := ParseIbin(b, 0); return err },
			} {
				if err := parse(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: error %v, want one containing %q", kind, err, tt.want)
				}
			}
		})
	}
	if _, err := ParseU8bin(binFile(2, 3, 1, 2, 3, 4, 5), 0); err == nil || !strings.Contains(err.Error(), "14 bytes with the header") {
		t.Errorf("u8bin short body: %v", err)
	}
	if _, err := ParseI8bin(binFile(1, 0), 0); err == nil {
		t.Errorf("i8bin zero dim accepted")
	}
}

func binSeeds(f *testing.F, elem int) {
	body := make([]byte, 6*elem)
	for i := range body {
		body[i] = byte(i * 37)
	}
	f.Add(binFile(2, 3, body...), 0)
	f.Add(binFile(3, 2, body...), 1)
	f.Add(binFile(0, 4), 0)
	f.Add(binFile(2, 3, body[:len(body)-1]...), 0)
	f.Add(binFile(-5, 3), 0)
	f.Add([]byte{1, 2, 3}, 0)
}

// checkBinPrefix checks that the accepted rows are the start of the body.
func checkBinPrefix(t *testing.T, b []byte, rows, dim, elem, maxRows int) {
	t.Helper()
	n := int(int32(binary.LittleEndian.Uint32(b)))
	if maxRows <= 0 && rows != n || maxRows > 0 && rows != min(n, maxRows) {
		t.Fatalf("%d rows from header count %d, maxRows %d", rows, n, maxRows)
	}
	if 8+n*dim*elem != len(b) {
		t.Fatalf("accepted %d bytes for header %d×%d", len(b), n, dim)
	}
}

func FuzzFbin(f *testing.F) {
	binSeeds(f, 4)
	f.Fuzz(func(t *testing.T, b []byte, maxRows int) {
		m, err := ParseFbin(b, maxRows)
		if err != nil {
			return
		}
		checkBinPrefix(t, b, m.Rows, m.Dim, 4, maxRows)
		var buf bytes.Buffer
		if err := EncodeFbin(&buf, m); err != nil {
			t.Fatal(err)
		}
		if got := buf.Bytes(); !bytes.Equal(got[8:], b[8:8+m.Rows*m.Dim*4]) {
			t.Fatalf("re-encoded body differs")
		}
	})
}

func FuzzIbin(f *testing.F) {
	binSeeds(f, 4)
	f.Fuzz(func(t *testing.T, b []byte, maxRows int) {
		m, err := ParseIbin(b, maxRows)
		if err != nil {
			return
		}
		checkBinPrefix(t, b, m.Rows, m.Dim, 4, maxRows)
		var buf bytes.Buffer
		if err := EncodeIbin(&buf, m); err != nil {
			t.Fatal(err)
		}
		if got := buf.Bytes(); !bytes.Equal(got[8:], b[8:8+m.Rows*m.Dim*4]) {
			t.Fatalf("re-encoded body differs")
		}
	})
}

func FuzzU8bin(f *testing.F) {
	binSeeds(f, 1)
	f.Fuzz(func(t *testing.T, b []byte, maxRows int) {
		m, err := ParseU8bin(b, maxRows)
		if err != nil {
			return
		}
		checkBinPrefix(t, b, m.Rows, m.Dim, 1, maxRows)
		for i, v := range m.Data {
			if v != float32(b[8+i]) {
				t.Fatalf("element %d: %v, byte %d", i, v, b[8+i])
			}
		}
	})
}

func FuzzI8bin(f *testing.F) {
	binSeeds(f, 1)
	f.Fuzz(func(t *testing.T, b []byte, maxRows int) {
		m, err := ParseI8bin(b, maxRows)
		if err != nil {
			return
		}
		checkBinPrefix(t, b, m.Rows, m.Dim, 1, maxRows)
		for i, v := range m.Data {
			if v != float32(int8(b[8+i])) {
				t.Fatalf("element %d: %v, byte %d", i, v, b[8+i])
			}
		}
	})
}
