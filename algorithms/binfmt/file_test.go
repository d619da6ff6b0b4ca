package binfmt

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

func TestSaveLoad(t *testing.T) {
	h := Header{Algorithm: "demo", Metric: vector.L2, Dim: 3}
	var buf bytes.Buffer
	if err := Save(&buf, h, func(b *Writer) { b.Uint64(7); b.Float32s([]float32{1, 2, 3}) }); err != nil {
		t.Fatal(err)
	}
	var n uint64
	var v []float32
	if err := Load(bytes.NewReader(buf.Bytes()), h, func(b *Reader) { n = b.Uint64("n"); v = b.Float32s(3, "v") }); err != nil {
		t.Fatal(err)
	}
	if n != 7 || len(v) != 3 || v[2] != 3 {
		t.Fatalf("read n=%d v=%v, want 7 [1 2 3]", n, v)
	}

	// A body that stops early leaves data behind: Load says so.
	err := Load(bytes.NewReader(buf.Bytes()), h, func(b *Reader) { b.Uint64("n") })
	if err == nil || !strings.HasPrefix(err.Error(), "demo: load: ") || !strings.Contains(err.Error(), "unexpected data") {
		t.Fatalf("short body: err = %v, want demo: load: ... unexpected data", err)
	}
	// A problem the body records is returned, prefixed.
	bad := errors.New("implausible")
	err = Load(bytes.NewReader(buf.Bytes()), h, func(b *Reader) { b.Fail(bad) })
	if !errors.Is(err, bad) || !strings.HasPrefix(err.Error(), "demo: load: ") {
		t.Fatalf("failing body: err = %v, want demo: load: implausible", err)
	}
	// Another algorithm's header is refused before the body runs.
	ran := false
	err = Load(bytes.NewReader(buf.Bytes()), Header{Algorithm: "other", Metric: vector.L2, Dim: 3}, func(*Reader) { ran = true })
	if err == nil || ran || !strings.HasPrefix(err.Error(), "other: load: ") {
		t.Fatalf("foreign file: err = %v, body ran %v; want an other: load: error and no body", err, ran)
	}
	// A failing writer is reported with the save prefix.
	if err := Save(failWriter{}, h, func(b *Writer) { b.Uint64(1) }); err == nil || !strings.HasPrefix(err.Error(), "demo: save: ") {
		t.Fatalf("failing writer: err = %v, want demo: save: ...", err)
	}
}
