package binfmt

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

func TestSaveLoad(t *testing.T) {
	write := func(b *Writer) { b.Uint64(7); b.Float32s([]float32{1, 2, 3}) }
	load := func(data []byte, read func(*Reader) func() error) error {
		return Load(bytes.NewReader(data), "demo", vector.L2, 3, read)
	}
	var n uint64
	var v []float32
	installed := false
	read := func(b *Reader) func() error {
		n = b.Uint64("n")
		v = b.Float32s(3, "v")
		return func() error { installed = true; return nil }
	}
	var buf bytes.Buffer
	if err := Save(&buf, "demo", vector.L2, 3, write); err != nil {
		t.Fatal(err)
	}
	if err := load(buf.Bytes(), read); err != nil {
		t.Fatal(err)
	}
	if n != 7 || len(v) != 3 || v[2] != 3 || !installed {
		t.Fatalf("read n=%d v=%v installed %v, want 7 [1 2 3] true", n, v, installed)
	}
	noInstall := func() error { t.Error("install called for input that does not load"); return nil }

	// A body that stops early leaves data behind: Load says so.
	err := load(buf.Bytes(), func(b *Reader) func() error { b.Uint64("n"); return noInstall })
	if err == nil || !strings.HasPrefix(err.Error(), "demo: load: ") || !strings.Contains(err.Error(), "unexpected data") {
		t.Fatalf("short body: err = %v, want demo: load: ... unexpected data", err)
	}
	// A problem the body records is returned, prefixed.
	bad := errors.New("implausible")
	err = load(buf.Bytes(), func(b *Reader) func() error { b.Fail(bad); return nil })
	if !errors.Is(err, bad) || !strings.HasPrefix(err.Error(), "demo: load: ") {
		t.Fatalf("failing body: err = %v, want demo: load: implausible", err)
	}
	// A damaged checksum is found before install runs.
	damaged := bytes.Clone(buf.Bytes())
	damaged[len(damaged)-1] ^= 1
	installed = false
	err = load(damaged, read)
	if err == nil || installed || !strings.HasPrefix(err.Error(), "demo: load: ") || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("damaged checksum: err = %v, installed %v; want demo: load: ... checksum and no install", err, installed)
	}
	// A problem install finds is returned, prefixed.
	err = load(buf.Bytes(), func(b *Reader) func() error {
		read(b)
		return func() error { return bad }
	})
	if !errors.Is(err, bad) || !strings.HasPrefix(err.Error(), "demo: load: ") {
		t.Fatalf("failing install: err = %v, want demo: load: implausible", err)
	}
	// Another algorithm's header is refused before the body runs.
	ran := false
	err = Load(bytes.NewReader(buf.Bytes()), "other", vector.L2, 3, func(*Reader) func() error { ran = true; return noInstall })
	if err == nil || ran || !strings.HasPrefix(err.Error(), "other: load: ") {
		t.Fatalf("foreign file: err = %v, body ran %v; want an other: load: error and no body", err, ran)
	}
	// A failing writer is reported with the save prefix.
	if err := Save(failWriter{}, "demo", vector.L2, 3, write); err == nil || !strings.HasPrefix(err.Error(), "demo: save: ") {
		t.Fatalf("failing writer: err = %v, want demo: save: ...", err)
	}
}

// TestFixed checks that Fixed lays a struct out as the one-value writes
// would and reads it back; a type of no fixed size is an error.
func TestFixed(t *testing.T) {
	type fields struct {
		A uint32
		B uint64
		C float64
		D uint32
	}
	want := fields{A: 1, B: 1 << 40, C: 0.25, D: 7}
	h := Header{Algorithm: "demo", Metric: vector.IP, Dim: 2}
	var fixed, single bytes.Buffer
	w := NewWriter(&fixed, h)
	w.Fixed(want)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w = NewWriter(&single, h)
	w.Uint32(want.A)
	w.Uint64(want.B)
	w.Float64(want.C)
	w.Uint32(want.D)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fixed.Bytes(), single.Bytes()) {
		t.Fatalf("Fixed wrote\n%x\nvalue by value is\n%x", fixed.Bytes(), single.Bytes())
	}
	r, err := NewReader(bytes.NewReader(fixed.Bytes()), h)
	if err != nil {
		t.Fatal(err)
	}
	var checked fields
	got := ReadFixed(r, "fields", func(f fields) error { checked = f; return nil })
	if err := r.Close(); err != nil || got != want || checked != want {
		t.Fatalf("read back %+v, checked %+v (err %v), want %+v", got, checked, err, want)
	}
	// What check finds is the Reader's error.
	if r, err = NewReader(bytes.NewReader(fixed.Bytes()), h); err != nil {
		t.Fatal(err)
	}
	bad := errors.New("bad fields")
	ReadFixed(r, "fields", func(fields) error { return bad })
	if !errors.Is(r.Err(), bad) {
		t.Errorf("failing check: err = %v, want %v", r.Err(), bad)
	}
	noCheck := func(fields) error { t.Error("check called after a failed read"); return nil }
	// Truncated: a read error naming the fields.
	cut := fixed.Bytes()[:len(fixed.Bytes())-10]
	if r, err = NewReader(bytes.NewReader(cut), h); err != nil {
		t.Fatal(err)
	}
	ReadFixed(r, "fields", noCheck)
	if err := r.Err(); !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "read fields") {
		t.Errorf("truncated: err = %v, want read fields: ... unexpected EOF", err)
	}
	// A struct with a slice has no fixed size.
	w = NewWriter(io.Discard, h)
	w.Fixed(struct{ S []uint32 }{})
	if err := w.Close(); err == nil {
		t.Error("Fixed of a struct with a slice: no error")
	}
	if r, err = NewReader(bytes.NewReader(fixed.Bytes()), h); err != nil {
		t.Fatal(err)
	}
	ReadFixed(r, "slice", func(struct{ S []uint32 }) error { t.Error("check called for a type of no fixed size"); return nil })
	if r.Err() == nil {
		t.Error("Reader.Fixed into a struct with a slice: no error")
	}
}
