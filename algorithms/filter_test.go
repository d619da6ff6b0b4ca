package algorithms

import (
	"context"
	"slices"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

func TestAllowIDs(t *testing.T) {
	a, err := AllowIDs(100, []int32{70, 3, 3, 64, 63, 99, 0})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.IDs(), []int32{0, 3, 63, 64, 70, 99}; !slices.Equal(got, want) {
		t.Fatalf("IDs = %v, want %v", got, want)
	}
	if a.Count() != 6 || a.N() != 100 || a.Selectivity() != 0.06 {
		t.Fatalf("Count %d N %d Selectivity %g", a.Count(), a.N(), a.Selectivity())
	}
	for id := int32(-3); id < 105; id++ {
		if got, want := a.Contains(id), slices.Contains(a.IDs(), id); got != want {
			t.Errorf("Contains(%d) = %v, want %v", id, got, want)
		}
	}
	if _, _, ok := a.Range(); ok {
		t.Error("a set reports a range")
	}
	for _, bad := range [][]int32{{100}, {-1}, {5, 1 << 30}} {
		if _, err := AllowIDs(100, bad); err == nil {
			t.Errorf("AllowIDs(100, %v) gave no error", bad)
		}
	}
}

func TestAllowRange(t *testing.T) {
	a := AllowRange(50, 10, 20)
	if lo, hi, ok := a.Range(); !ok || lo != 10 || hi != 20 {
		t.Fatalf("Range = %d, %d, %v", lo, hi, ok)
	}
	var got []int32
	a.Each(func(id int32) { got = append(got, id) })
	if len(got) != 10 || got[0] != 10 || got[9] != 19 || a.IDs() != nil {
		t.Fatalf("Each gave %v", got)
	}
	if !a.Contains(10) || !a.Contains(19) || a.Contains(20) || a.Contains(9) {
		t.Error("Contains disagrees with [10, 20)")
	}
	ids := make([]int32, 0, 10)
	for i := int32(10); i < 20; i++ {
		ids = append(ids, i)
	}
	b, _ := AllowIDs(50, ids)
	if !a.Equal(b) || !b.Equal(a) {
		t.Error("range and the same id list are not Equal")
	}
	c, _ := AllowIDs(50, ids[1:])
	if a.Equal(c) {
		t.Error("different sets are Equal")
	}
	if clamped := AllowRange(50, -5, 80); clamped.Count() != 50 {
		t.Errorf("clamped range holds %d ids, want 50", clamped.Count())
	}
	if empty := AllowRange(50, 30, 10); empty.Count() != 0 || empty.Contains(20) {
		t.Error("an inverted range is not empty")
	}
}

// shiftedIndex returns ids from, from+1, ... for any query, k of them.
type shiftedIndex struct {
	from, lastK int
}

func (x *shiftedIndex) Build(context.Context, vector.Matrix) error { return nil }

func (x *shiftedIndex) Search(_ []float32, k int, dst []int32) []int32 {
	x.lastK = k
	for i := 0; i < k; i++ {
		dst = append(dst, int32(x.from+i))
	}
	return dst
}

func TestPostFilter(t *testing.T) {
	const n = 1000
	idx := &shiftedIndex{from: 495}
	p := &PostFilter{Index: idx}
	allow := AllowRange(n, 500, 600) // 10 %
	if got := p.Fetch(10, allow); got != 200 {
		t.Errorf("Fetch(10, 10%%) = %d, want 200", got)
	}
	got := p.SearchFiltered(nil, 10, allow, nil)
	if want := []int32{500, 501, 502, 503, 504, 505, 506, 507, 508, 509}; !slices.Equal(got, want) {
		t.Errorf("SearchFiltered = %v, want %v", got, want)
	}
	if idx.lastK != 200 {
		t.Errorf("asked the index for %d ids, want 200", idx.lastK)
	}
	if got := p.Fetch(10, AllowRange(n, 0, 0)); got != 0 {
		t.Errorf("Fetch with nothing allowed = %d", got)
	}
	if got := p.Fetch(10, AllowRange(n, 0, 1)); got != n {
		t.Errorf("Fetch with one allowed row = %d, want the whole base", got)
	}
}
