package datasets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

func TestWriteReadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := vector.NewMatrix(5, 3)
	for i := range m.Data {
		m.Data[i] = float32(i) * 0.5
	}
	strided := vector.Matrix{Data: m.Data, Rows: 2, Dim: 2, Stride: 3}
	ids := vector.IDMatrix{Data: []int32{1, -2, 3, 4, 5, 6}, Rows: 3, Dim: 2, Stride: 2}
	for _, threshold := range []int64{1 << 40, -1} { // read into memory, then mapped
		old := MmapThreshold
		MmapThreshold = threshold
		must(t, WriteFvecs(filepath.Join(dir, "a.fvecs"), m))
		must(t, WriteFvecs(filepath.Join(dir, "s.fvecs"), strided))
		must(t, WriteIvecs(filepath.Join(dir, "a.ivecs"), ids))
		must(t, WriteFbin(filepath.Join(dir, "a.fbin"), m))
		must(t, WriteIbin(filepath.Join(dir, "a.ibin"), ids))

		got, c, err := ReadFvecs(filepath.Join(dir, "a.fvecs"), 0)
		must(t, err)
		if got.Rows != 5 || got.Dim != 3 || got.Row(4)[2] != 7 {
			t.Fatalf("fvecs %+v", got)
		}
		must(t, c.Close())
		got, c, err = ReadFvecs(filepath.Join(dir, "s.fvecs"), 0)
		must(t, err)
		if got.Rows != 2 || got.Dim != 2 || got.Row(1)[0] != 1.5 || got.Row(1)[1] != 2 {
			t.Fatalf("strided fvecs %+v", got)
		}
		must(t, c.Close())
		gi, c, err := ReadIvecs(filepath.Join(dir, "a.ivecs"), 2)
		must(t, err)
		if gi.Rows != 2 || gi.Row(0)[1] != -2 {
			t.Fatalf("ivecs %+v", gi)
		}
		must(t, c.Close())
		got, c, err = ReadFbin(filepath.Join(dir, "a.fbin"), 3)
		must(t, err)
		if got.Rows != 3 || got.Row(2)[0] != 3 {
			t.Fatalf("fbin %+v", got)
		}
		must(t, c.Close())
		must(t, c.Close()) // twice is harmless
		gi, c, err = ReadIbin(filepath.Join(dir, "a.ibin"), 0)
		must(t, err)
		if gi.Rows != 3 || gi.Row(2)[1] != 6 {
			t.Fatalf("ibin %+v", gi)
		}
		must(t, c.Close())
		MmapThreshold = old
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestByteFileReaders(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "a.bvecs"), vecsRecords(1, []uint32{2, 1, 2}, []uint32{2, 3, 250}), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "a.u8bin"), binFile(2, 2, 1, 2, 3, 250), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "a.i8bin"), binFile(2, 2, 1, 2, 3, 250), 0o644))
	for _, threshold := range []int64{1 << 40, -1} {
		old := MmapThreshold
		MmapThreshold = threshold
		b, err := ReadBvecs(filepath.Join(dir, "a.bvecs"), 0)
		must(t, err)
		u, err := ReadU8bin(filepath.Join(dir, "a.u8bin"), 0)
		must(t, err)
		i, err := ReadI8bin(filepath.Join(dir, "a.i8bin"), 1)
		must(t, err)
		MmapThreshold = old
		// Converted data is ordinary memory even when the file was mapped.
		b.Data[0], u.Data[0], i.Data[0] = 9, 9, 9
		if b.Row(1)[1] != 250 || u.Row(1)[1] != 250 || i.Rows != 1 || i.Row(0)[1] != 2 {
			t.Fatalf("bvecs %v u8bin %v i8bin %v", b, u, i)
		}
	}
}

func TestReadFileErrorsNamePath(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.fbin")
	must(t, os.WriteFile(bad, binFile(3, 2, 1, 2, 3), 0o644))
	readers := map[string]func(string) error{
		"fvecs": func(p string) error { _, _, err := ReadFvecs(p, 0); return err },
		"ivecs": func(p string) error { _, _, err := ReadIvecs(p, 0); return err },
		"bvecs": func(p string) error { _, err := ReadBvecs(p, 0); return err },
		"fbin":  func(p string) error { _, _, err := ReadFbin(p, 0); return err },
		"ibin":  func(p string) error { _, _, err := ReadIbin(p, 0); return err },
		"u8bin": func(p string) error { _, err := ReadU8bin(p, 0); return err },
		"i8bin": func(p string) error { _, err := ReadI8bin(p, 0); return err },
	}
	for kind, read := range readers {
		for _, p := range []string{bad, filepath.Join(dir, "missing"), dir} {
			err := read(p)
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), kind) {
				t.Errorf("%s %s: error %v should name the file and the format", kind, p, err)
			}
		}
	}
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFvecs(filepath.Join(dir, "no", "such", "dir", "a.fvecs"), vector.NewMatrix(1, 1)); err == nil || !strings.Contains(err.Error(), "a.fvecs") {
		t.Errorf("missing directory: %v", err)
	}
	if err := WriteFvecs(filepath.Join(dir, "bad.fvecs"), vector.Matrix{Data: make([]float32, 3), Rows: 2, Dim: 2, Stride: 2}); err == nil {
		t.Error("short matrix written")
	}
	if exists(filepath.Join(dir, "bad.fvecs")) {
		t.Error("failed write left a file at the final path")
	}
	if err := WriteFbin(filepath.Join(dir, "z.fbin"), vector.Matrix{Rows: 0, Dim: 0}); err == nil {
		t.Error("fbin of dimension 0 written")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind %v", entries)
	}
	var buf bytes.Buffer
	if err := EncodeIvecs(&buf, vector.IDMatrix{Data: []int32{1}, Rows: 1, Dim: 0, Stride: 0}); err == nil {
		t.Error("ivecs of dimension 0 encoded")
	}
}

func BenchmarkReadFvecsMapped(b *testing.B) {
	path := filepath.Join(b.TempDir(), "b.fvecs")
	m := vector.NewMatrix(20000, 128)
	if err := WriteFvecs(path, m); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name      string
		threshold int64
	}{{"mmap", -1}, {"read", 1 << 40}} {
		b.Run(mode.name, func(b *testing.B) {
			old := MmapThreshold
			MmapThreshold = mode.threshold
			defer func() { MmapThreshold = old }()
			b.SetBytes(int64(20000 * 129 * 4))
			for b.Loop() {
				_, c, err := ReadFvecs(path, 0)
				if err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
		})
	}
}
