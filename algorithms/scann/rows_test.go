package scann

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// TestByteRowsSameResults checks the re-ranking storage: an l2 index of
// byte-valued vectors keeps them as bytes, returns exactly the results the
// float copy gives at every setting (re-ranked and filtered), and writes
// the same file; loading that file keeps bytes again. Other data keeps
// float32.
func TestByteRowsSameResults(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n, dim, nq = 3000, 32, 60
	base, queries := vector.NewMatrix(n, dim), vector.NewMatrix(nq, dim)
	for i := range base.Data {
		base.Data[i] = float32(r.UintN(256))
	}
	for i := range queries.Data {
		queries.Data[i] = float32(r.UintN(256)) + 0.25
	}
	x := buildIndex(t, vector.L2, base, Options{NumLeaves: 20})
	if x.Storage() != "uint8" {
		t.Fatalf("byte-valued l2 data: storage %s, want uint8", x.Storage())
	}
	var compact bytes.Buffer
	if err := x.Save(&compact); err != nil {
		t.Fatal(err)
	}
	allow := algorithms.AllowRange(n, 100, 900)
	search := func() [][]int32 {
		var out [][]int32
		s := new(scratch)
		s.ensure(x)
		for qi := 0; qi < nq; qi++ {
			for _, p := range []struct{ leaves, reorder int }{{1, 0}, {2, 10}, {4, 50}, {20, 200}} {
				out = append(out, x.search(s, queries.Row(qi), 10, p.leaves, p.reorder, nil, nil))
			}
			out = append(out, x.exactAllowed(s, queries.Row(qi), 10, allow, nil))
		}
		return out
	}
	got := search()
	var floats []float32
	x.rows.EachFloatChunk(func(c []float32) { floats = append(floats, c...) })
	x.rows = distance.NewRows(floats, dim, false)
	want := search()
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("search %d: byte rows %v, float rows %v", i, got[i], want[i])
		}
	}
	var plain bytes.Buffer
	if err := x.Save(&plain); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(compact.Bytes(), plain.Bytes()) {
		t.Fatal("the file of byte rows differs from the file of the same float rows")
	}
	if err := x.Load(bytes.NewReader(plain.Bytes())); err != nil {
		t.Fatal(err)
	}
	if x.Storage() != "uint8" {
		t.Fatalf("loaded byte-valued index: storage %s, want uint8", x.Storage())
	}

	base.Data[7] = 0.5
	if y := buildIndex(t, vector.L2, base, Options{NumLeaves: 20}); y.Storage() != "float32" {
		t.Fatalf("data with a fraction: storage %s, want float32", y.Storage())
	}
	base.Data[7] = 1
	if y := buildIndex(t, vector.IP, base, Options{NumLeaves: 20}); y.Storage() != "float32" {
		t.Fatalf("inner product: storage %s, want float32", y.Storage())
	}
}
