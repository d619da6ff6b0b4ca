package hnsw

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms/binfmt"

	"github.com/annbench/annbench/datasets/vector"
)

func saved(t testing.TB, x *Index) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := x.Save(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSaveLoadRoundTrip(t *testing.T) {
	base := gaussian(8, 1500, 12)
	x := mustBuild(t, base, Config{M: 6, EfConstruction: 40, Seed: 9})
	b := saved(t, x)
	y, _ := New(vector.L2, 12, Config{M: 6})
	if err := y.Load(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x.nodes, y.nodes) || !slices.Equal(x.upper, y.upper) ||
		!slices.Equal(x.levels, y.levels) || x.entry != y.entry || x.maxLevel != y.maxLevel {
		t.Fatal("loaded index differs from the saved one")
	}
	if y.cfg.EfConstruction != 40 || y.cfg.Seed != 9 {
		t.Errorf("loaded ef_construction=%d seed=%d, want 40 and 9", y.cfg.EfConstruction, y.cfg.Seed)
	}
	if !bytes.Equal(saved(t, y), b) {
		t.Error("saving a loaded index gives different bytes")
	}
	// An empty index round-trips too.
	e, _ := New(vector.L2, 12, Config{M: 6})
	f, _ := New(vector.L2, 12, Config{M: 6})
	if err := f.Load(bytes.NewReader(saved(t, e))); err != nil {
		t.Fatalf("load empty index: %v", err)
	}
	if got := f.Search(base.Row(0), 5, nil); len(got) != 0 {
		t.Errorf("loaded empty index returned %v", got)
	}
}

// Offsets in a saved file: the binfmt header is 28 bytes for "hnsw".
const (
	binfmtFrame = 28
	offN        = binfmtFrame + 4 + 4 + 8
	offEntry    = offN + 8
	offLevels   = offEntry + 4 + 4
)

func TestLoadRejects(t *testing.T) {
	base := gaussian(9, 300, 8)
	x := mustBuild(t, base, Config{M: 4, EfConstruction: 20})
	good := saved(t, x)
	le := binary.LittleEndian
	patch := func(off int, v uint32) []byte {
		b := slices.Clone(good)
		le.PutUint32(b[off:], v)
		return binfmt.Reseal(b)
	}
	flip := slices.Clone(good)
	flip[len(flip)/2] ^= 0x40
	tests := []struct {
		name  string
		data  []byte
		idx   func() *Index
		error string
	}{
		{"bad magic", append([]byte("NOTHNSW!"), good[8:]...), nil, "bad magic"},
		{"future version", patch(8, 99), nil, "format version 99"},
		{"other metric", good, func() *Index { y, _ := New(vector.IP, 8, Config{M: 4}); return y }, "metric"},
		{"other dimension", good, func() *Index { y, _ := New(vector.L2, 9, Config{M: 4}); return y }, "dimension 8"},
		{"other M", good, func() *Index { y, _ := New(vector.L2, 8, Config{M: 5}); return y }, "M=4"},
		{"entry out of range", patch(offEntry, 5000), nil, "entry point"},
		{"huge count", patch(offN, 0xFFFFFFF0), nil, "read levels"},
		{"flipped bit", flip, nil, "checksum"},
		{"empty input", nil, nil, "read header"},
		{"header only", good[:offLevels], nil, "bytes needed"},
		{"no checksum", good[:len(good)-4], nil, "bytes needed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y, _ := New(vector.L2, 8, Config{M: 4})
			if tc.idx != nil {
				y = tc.idx()
			}
			err := y.Load(bytes.NewReader(tc.data))
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !strings.Contains(err.Error(), tc.error) {
				t.Errorf("error %q does not mention %q", err, tc.error)
			}
			if y.Len() != 0 {
				t.Errorf("failed Load left %d nodes in the index", y.Len())
			}
		})
	}
	// Every truncation is an error.
	for cut := 0; cut < len(good); cut += 1 + cut/8 {
		y, _ := New(vector.L2, 8, Config{M: 4})
		if err := y.Load(bytes.NewReader(good[:cut])); err == nil {
			t.Fatalf("Load of the first %d of %d bytes succeeded", cut, len(good))
		}
	}
}

// TestLoadValidatesStructure damages the graph and reseals the checksum:
// the checks behind the checksum must still catch it.
func TestLoadValidatesStructure(t *testing.T) {
	base := gaussian(11, 200, 4)
	x := mustBuild(t, base, Config{M: 3, EfConstruction: 10})
	good := saved(t, x)
	n, dim, m0 := 200, 4, 6
	links0 := offLevels + n + n*dim*4
	le := binary.LittleEndian
	tests := []struct {
		name  string
		off   int
		v     uint32
		error string
	}{
		{"count over capacity", links0, uint32(m0 + 1), "neighbour count"},
		{"id out of range", links0 + 4, uint32(n), "out of range"},
		{"level above max", offLevels + 3, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := slices.Clone(good)
			if tc.error == "" {
				b[tc.off] = byte(x.maxLevel + 1)
				tc.error = "above the max level"
			} else {
				le.PutUint32(b[tc.off:], tc.v)
			}
			y, _ := New(vector.L2, 4, Config{M: 3})
			err := y.Load(bytes.NewReader(binfmt.Reseal(b)))
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Errorf("Load error = %v, want one mentioning %q", err, tc.error)
			}
		})
	}
}

// FuzzLoad feeds arbitrary bytes to Load: it must return an error or an
// index that searches without panicking.
func FuzzLoad(f *testing.F) {
	base := gaussian(10, 60, 4)
	x := mustBuild(f, base, Config{M: 3, EfConstruction: 10})
	good := saved(f, x)
	f.Add(good)
	f.Add(good[:offLevels])
	f.Add(good[:binfmtFrame])
	// Every input is also tried with its checksum recomputed, so damaged
	// structure gets past the checksum to the validation behind it.
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range [][]byte{data, binfmt.Reseal(data)} {
			y, _ := New(vector.L2, 4, Config{M: 3})
			if err := y.Load(bytes.NewReader(d)); err != nil {
				continue
			}
			for i := 0; i < base.Rows; i += 7 {
				y.Search(base.Row(i), 5, nil)
				y.Search(base.Row(i), 100, nil)
			}
		}
	})
}
