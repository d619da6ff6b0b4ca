package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// idxFile builds an IDX file of element type typ with the given sizes and
// raw big-endian body.
func idxFile(typ byte, dims []uint32, body []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, body...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestReadIDX(t *testing.T) {
	images := idxFile(0x08, []uint32{3, 2, 2}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255})
	labels := idxFile(0x08, []uint32{3}, []byte{9, 0, 4})
	for _, compress := range []bool{false, true} {
		img, lab := images, labels
		if compress {
			img, lab = gz(img), gz(lab)
		}
		m, err := ReadIDXVectors(bytes.NewReader(img), 0)
		if err != nil || m.Rows != 3 || m.Dim != 4 || m.Row(2)[3] != 255 || m.Row(1)[0] != 4 {
			t.Fatalf("gzip=%v images: %v %+v", compress, err, m)
		}
		l, err := ReadIDXLabels(bytes.NewReader(lab), 0)
		if err != nil || len(l) != 3 || l[0] != 9 || l[2] != 4 {
			t.Fatalf("gzip=%v labels: %v %v", compress, err, l)
		}
		m, err = ReadIDXVectors(bytes.NewReader(img), 2)
		if err != nil || m.Rows != 2 || len(m.Data) != 8 {
			t.Fatalf("gzip=%v maxRows: %v %+v", compress, err, m)
		}
	}
	// Other element types.
	f := idxFile(0x0D, []uint32{1, 2}, binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, f32(1.5)), f32(-2)))
	m, err := ReadIDXVectors(bytes.NewReader(f), 0)
	if err != nil || m.Row(0)[0] != 1.5 || m.Row(0)[1] != -2 {
		t.Fatalf("float32 IDX: %v %+v", err, m)
	}
	l, err := ReadIDXLabels(bytes.NewReader(idxFile(0x0C, []uint32{2}, []byte{0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff})), 0)
	if err != nil || l[0] != 256 || l[1] != -1 {
		t.Fatalf("int32 labels: %v %v", err, l)
	}
}

func TestReadIDXErrors(t *testing.T) {
	images := idxFile(0x08, []uint32{3, 2, 2}, bytes.Repeat([]byte{7}, 12))
	truncatedGz := gz(images)
	truncatedGz = truncatedGz[:len(truncatedGz)-10]
	corruptGz := gz(images)
	corruptGz[len(corruptGz)-6] ^= 0xff // CRC32
	tests := []struct {
		name   string
		in     []byte
		labels bool
		want   string
		// wantSized, when set, is the error when the reader's size is known
		// up front (a bytes.Reader or a file) rather than streamed.
		wantSized string
	}{
		{"empty", nil, false, "reading magic: file is truncated", ""},
		{"bad magic", []byte("P5\n28 28\n255\n"), false, "bad magic 0x50350a32: not an IDX file", ""},
		{"unknown type", idxFile(0x0A, []uint32{1}, []byte{1}), true, "bad magic 0x00000a01", ""},
		{"zero dimensions", []byte{0, 0, 8, 0}, false, "bad magic 0x00000800", ""},
		{"truncated header", []byte{0, 0, 8, 3, 0, 0, 0, 1}, false, "reading 3 dimension sizes: file is truncated", ""},
		{"truncated data", images[:len(images)-1], false, "data ends within item 0 of 3: file is truncated",
			"header says [3 2 2] uint8 elements (28 bytes with the header) but the input has 27 bytes"},
		{"trailing data", append(append([]byte{}, images...), 1), false, "unexpected data after the 3 items",
			"(28 bytes with the header) but the input has 29 bytes"},
		{"truncated gzip", truncatedGz, false, "truncated gzip stream", ""},
		{"corrupt gzip", corruptGz, false, "checksum mismatch", ""},
		{"bad gzip header", []byte{0x1f, 0x8b, 0, 0}, false, "bad gzip header", ""},
		{"labels as images", idxFile(0x08, []uint32{2}, []byte{1, 2}), false, "want at least 2 for vectors (is it a label file?)", ""},
		{"images as labels", images, true, "want 1 for labels (is it an image file?)", ""},
		{"float labels", idxFile(0x0D, []uint32{1}, []byte{0, 0, 0, 0}), true, "cannot hold labels", ""},
		{"zero dim", idxFile(0x08, []uint32{1, 28, 0}, nil), false, "dimension 0 is not positive", ""},
		{"absurd dim", idxFile(0x08, []uint32{1, 1 << 16, 1 << 16}, nil), false, "exceeds the limit", ""},
		{"absurd count", idxFile(0x08, []uint32{0xffffffff, 2}, nil), false, "size 4294967295 is absurd", ""},
		{"lying count", idxFile(0x08, []uint32{1 << 30, 784}, make([]byte, 784*3)), false, "data ends within item", "header says [1073741824 784] uint8 elements, more than the 2364-byte input can hold"},
		{"overflowing sizes", idxFile(0x08, []uint32{1<<31 - 1, 1<<31 - 1, 1<<31 - 1, 1}, nil), false, "exceeds the limit", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, sized := range []bool{false, true} {
				var r io.Reader = bytes.NewReader(tt.in)
				want := tt.want
				if sized && tt.wantSized != "" {
					want = tt.wantSized
				}
				if !sized {
					r = struct{ io.Reader }{r} // hide the size
				}
				var err error
				if tt.labels {
					_, err = ReadIDXLabels(r, 0)
				} else {
					_, err = ReadIDXVectors(r, 0)
				}
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("sized=%v: error %v, want one containing %q", sized, err, want)
				}
				if !errors.Is(err, ErrFormat) {
					t.Errorf("error %v does not wrap ErrFormat", err)
				}
			}
		})
	}
}

func TestReadIDXFileNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "train-images-idx3-ubyte.gz")
	b := gz(idxFile(0x08, []uint32{2, 2}, []byte{1, 2, 3}))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadIDXVectorsFile(path, 0)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("error %v should name %s and say truncated", err, path)
	}
	if _, err := ReadIDXLabelsFile(filepath.Join(t.TempDir(), "none.gz"), 0); err == nil || !strings.Contains(err.Error(), "none.gz") {
		t.Fatalf("missing file error %v", err)
	}
}

func idxSeeds(f *testing.F) {
	img := idxFile(0x08, []uint32{2, 2, 3}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	lab := idxFile(0x08, []uint32{4}, []byte{1, 2, 3, 9})
	f.Add(img, 0)
	f.Add(gz(img), 1)
	f.Add(lab, 0)
	f.Add(gz(lab), 0)
	f.Add(idxFile(0x09, []uint32{1, 2}, []byte{0x80, 0x7f}), 0)
	f.Add(idxFile(0x0B, []uint32{1, 1}, []byte{0x80, 0}), 0)
	f.Add(idxFile(0x0E, []uint32{1, 1}, make([]byte, 8)), 0)
	f.Add([]byte{0x1f, 0x8b}, 0)
}

func FuzzIDXVectors(f *testing.F) {
	idxSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte, maxRows int) {
		m, err := ReadIDXVectors(bytes.NewReader(b), maxRows)
		m2, err2 := ReadIDXVectors(struct{ io.Reader }{bytes.NewReader(b)}, maxRows)
		if (err == nil) != (err2 == nil) && maxRows <= 0 {
			t.Fatalf("sized and streamed reads disagree: %v / %v", err, err2)
		}
		if err != nil {
			return
		}
		if err2 == nil && !equalFloats(m.Data, m2.Data) {
			t.Fatal("sized and streamed reads give different data")
		}
		if err := m.Validate(); err != nil || !m.Contiguous() || len(m.Data) != m.Rows*m.Dim {
			t.Fatalf("accepted input gives inconsistent matrix %d×%d (%d elements): %v", m.Rows, m.Dim, len(m.Data), err)
		}
		// For raw uint8 files the values are the body bytes.
		if len(b) > 4 && b[0] == 0 && b[2] == 0x08 {
			body := b[4+4*int(b[3]):]
			for i, v := range m.Data {
				if v != float32(body[i]) {
					t.Fatalf("element %d: %v, byte %d", i, v, body[i])
				}
			}
		}
	})
}

func FuzzIDXLabels(f *testing.F) {
	idxSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte, maxRows int) {
		l, err := ReadIDXLabels(bytes.NewReader(b), maxRows)
		if err != nil {
			return
		}
		if len(b) > 8 && b[0] == 0 && b[2] == 0x08 {
			n := int(binary.BigEndian.Uint32(b[4:]))
			if maxRows <= 0 && len(l) != n || maxRows > 0 && len(l) != min(n, maxRows) {
				t.Fatalf("%d labels for header count %d (maxRows %d)", len(l), n, maxRows)
			}
			for i, v := range l {
				if v != int32(b[8+i]) {
					t.Fatalf("label %d: %d, byte %d", i, v, b[8+i])
				}
			}
		}
	})
}

func BenchmarkReadIDXVectors(b *testing.B) {
	body := make([]byte, 10000*784)
	for i := range body {
		body[i] = byte(i * 131 >> 3)
	}
	raw := idxFile(0x08, []uint32{10000, 28, 28}, body)
	for _, c := range []struct {
		name string
		data []byte
	}{{"raw", raw}, {"gzip", gz(raw)}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := ReadIDXVectors(bytes.NewReader(c.data), 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
