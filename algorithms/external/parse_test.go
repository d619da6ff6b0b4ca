package external

import (
	"encoding/binary"
	"strings"
	"testing"
)

func ibin(rows, cols int, vals ...int32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(rows))
	b = binary.LittleEndian.AppendUint32(b, uint32(cols))
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b
}

func TestParseIDs(t *testing.T) {
	got, err := parseIDs(ibin(2, 3, 5, 6, -1, -1, 9, 4), 2, 3, "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(got[0]) != 2 || got[0][1] != 6 || len(got[1]) != 3 || got[1][0] != -1 {
		t.Fatalf("got %v: trailing -1 must be dropped, inner -1 kept for the scorer", got)
	}
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{ibin(2, 3, 1, 2, 3), "bytes, want 32"},
		{ibin(3, 2, 1, 2, 3, 4, 5, 6), "header says 3×2, want 2×3"},
		{nil, "0 bytes"},
	} {
		if _, err := parseIDs(c.b, 2, 3, "x"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error = %v, want %q", err, c.want)
		}
	}
}

func FuzzParseIDs(f *testing.F) {
	f.Add(ibin(1, 2, 3, 4), 1, 2)
	f.Add(ibin(2, 1, -1, 7), 2, 1)
	f.Fuzz(func(t *testing.T, b []byte, nq, k int) {
		if nq < 0 || k < 0 || nq > 1000 || k > 1000 {
			return
		}
		ids, err := parseIDs(b, nq, k, "fuzz")
		if err != nil {
			return
		}
		if len(ids) != nq {
			t.Fatalf("%d rows, want %d", len(ids), nq)
		}
		for _, r := range ids {
			if len(r) > k || (len(r) > 0 && r[len(r)-1] == -1) {
				t.Fatalf("row %v", r)
			}
		}
	})
}

func TestHelloSpec(t *testing.T) {
	one, two := 1.0, 2.0
	h := Hello{Params: []ParamDecl{{Name: "a", Kind: "int", Stage: "index", Default: 3.0, Min: &one, Max: &two}}}
	if _, err := h.Spec(); err == nil || !strings.Contains(err.Error(), `"a": default`) {
		t.Errorf("default outside the range: %v", err)
	}
	for _, d := range []ParamDecl{
		{Name: "b", Kind: "complex", Stage: "index"},
		{Name: "c", Kind: "int", Stage: "later"},
		{Name: "", Kind: "int", Stage: "index"},
		{Name: "d", Kind: "int", Stage: "index", Min: &two, Max: &one},
		{Name: "e", Kind: "int", Stage: "index", Min: &one},
	} {
		if _, err := (Hello{Params: []ParamDecl{d}}).Spec(); err == nil {
			t.Errorf("declaration %+v accepted", d)
		}
	}
	dup := Hello{Params: []ParamDecl{{Name: "x", Kind: "int", Stage: "query"}, {Name: "x", Kind: "int", Stage: "query"}}}
	if _, err := dup.Spec(); err == nil || !strings.Contains(err.Error(), "declared twice") {
		t.Errorf("duplicate: %v", err)
	}
	for _, h := range []Hello{
		{Protocol: 2, Name: "x", Capabilities: Capabilities{Modes: []string{"single"}}},
		{Protocol: 1, Capabilities: Capabilities{Modes: []string{"single"}}},
		{Protocol: 1, Name: "x"},
		{Protocol: 1, Name: "x", Capabilities: Capabilities{Modes: []string{"parallel"}}},
	} {
		if err := h.validate(); err == nil {
			t.Errorf("hello %+v accepted", h)
		}
	}
}

func TestTail(t *testing.T) {
	tl := &tail{max: 2}
	tl.Write([]byte("one\ntwo\nthr"))
	tl.Write([]byte("ee\nfour"))
	if got := tl.String(); got != "    two\n    three\n    four" {
		t.Fatalf("tail = %q", got)
	}
}
