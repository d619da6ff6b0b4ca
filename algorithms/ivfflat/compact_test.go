package ivfflat

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// byteMatrix returns n random byte-valued vectors of dimension d.
func byteMatrix(r *rand.Rand, n, d int) vector.Matrix {
	m := vector.Matrix{Data: make([]float32, n*d), Rows: n, Dim: d, Stride: d}
	for i := range m.Data {
		m.Data[i] = float32(r.UintN(256))
	}
	return m
}

// floatTwin returns x with base's vectors filed in x's lists as float32:
// the float path the compact one must match.
func floatTwin(t *testing.T, x *Index, base vector.Matrix) *Index {
	t.Helper()
	y, err := New(x.metric, x.dim, x.cfg)
	if err != nil {
		t.Fatal(err)
	}
	y.coarse, y.offsets, y.ids, y.maxList = x.coarse, x.offsets, x.ids, x.maxList
	v := make([]float32, 0, len(x.ids)*x.dim)
	for _, id := range x.ids {
		v = append(v, base.Row(int(id))...)
	}
	y.rows = distance.NewRows(v, x.dim, false)
	return y
}

// TestCompactMatchesFloat builds byte-valued l2 indexes (dimension a
// multiple of 8, served by the AVX2 byte kernel, and one that is not) and
// checks that they keep bytes and that every list distance, search result
// and filtered search result is exactly what the same index with float32
// vectors gives, for byte-valued and arbitrary queries.
func TestCompactMatchesFloat(t *testing.T) {
	for _, d := range []int{256, 300, 784} {
		r := rand.New(rand.NewPCG(21, uint64(d)))
		const n, k = 1200, 10
		base := byteMatrix(r, n, d)
		x, err := New(vector.L2, d, Config{NList: 12})
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Build(context.Background(), base); err != nil {
			t.Fatal(err)
		}
		if x.Storage() != "uint8" || x.rows.Floats() != nil {
			t.Fatalf("d=%d: storage %q, want uint8", d, x.Storage())
		}
		y := floatTwin(t, x, base)
		if y.Storage() != "float32" {
			t.Fatalf("d=%d: twin storage %q", d, y.Storage())
		}
		if got, want := x.SizeBytes(), y.SizeBytes()-3*int64(n*d); got != want {
			t.Errorf("d=%d: SizeBytes %d, want %d (a byte per element)", d, got, want)
		}
		queries := byteMatrix(r, 20, d)
		for i := range queries.Data[:10*d] {
			queries.Data[i] = 400*r.Float32() - 50
		}
		sx, sy := new(scratch), new(scratch)
		sx.fit(x.maxList, d)
		sy.fit(y.maxList, d)
		allowSmall := algorithms.AllowRange(n, 100, 130)
		allowLarge := algorithms.AllowRange(n, 0, n/2)
		for qi := 0; qi < queries.Rows; qi++ {
			q := queries.Row(qi)
			for l := 0; l < x.coarse.NList(); l++ {
				lo, hi := x.offsets[l], x.offsets[l+1]
				a := slices.Clone(x.listDistances(sx, q, lo, hi))
				b := y.listDistances(sy, q, lo, hi)
				for i := range a {
					if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
						t.Fatalf("d=%d query %d list %d row %d: %v, float storage %v", d, qi, l, i, a[i], b[i])
					}
				}
				for p := lo; p < hi; p += 7 {
					if a, b := x.rows.Distance(x.metric, q, p, sx.tmp), y.rows.Distance(y.metric, q, p, sy.tmp); math.Float32bits(a) != math.Float32bits(b) {
						t.Fatalf("d=%d query %d row %d: %v, float storage %v", d, qi, p, a, b)
					}
				}
			}
			for _, np := range []int{1, 3, 12} {
				x.nprobe, y.nprobe = np, np
				if a, b := x.Search(q, k, nil), y.Search(q, k, nil); !slices.Equal(a, b) {
					t.Fatalf("d=%d query %d nprobe %d: %v, float storage %v", d, qi, np, a, b)
				}
				for _, allow := range []*algorithms.Allow{allowSmall, allowLarge} {
					if a, b := x.SearchFiltered(q, k, allow, nil), y.SearchFiltered(q, k, allow, nil); !slices.Equal(a, b) {
						t.Fatalf("d=%d query %d nprobe %d filter of %d: %v, float storage %v", d, qi, np, allow.Count(), a, b)
					}
				}
			}
		}
		var fx, fy bytes.Buffer
		if err := x.Save(&fx); err != nil {
			t.Fatal(err)
		}
		if err := y.Save(&fy); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fx.Bytes(), fy.Bytes()) {
			t.Errorf("d=%d: the compact index's file differs from the float index's", d)
		}
	}
}

// TestCompactOnlyWhenLossless checks that vectors stay float32 unless the
// metric is l2, the dimension long enough and every element a byte value.
func TestCompactOnlyWhenLossless(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	const n = 300
	for _, tc := range []struct {
		name   string
		metric vector.Metric
		d      int
		edit   func([]float32)
		want   string
	}{
		{"bytes", vector.L2, 256, func([]float32) {}, "uint8"},
		{"fraction", vector.L2, 256, func(v []float32) { v[777] = 0.5 }, "float32"},
		{"negative zero", vector.L2, 256, func(v []float32) { v[5] = float32(math.Copysign(0, -1)) }, "float32"},
		{"256", vector.L2, 256, func(v []float32) { v[n*256-1] = 256 }, "float32"},
		{"negative", vector.L2, 256, func(v []float32) { v[0] = -1 }, "float32"},
		{"NaN", vector.L2, 256, func(v []float32) { v[9] = float32(math.NaN()) }, "float32"},
		{"short vectors", vector.L2, compactMinDim - 1, func([]float32) {}, "float32"},
		{"ip", vector.IP, 256, func([]float32) {}, "float32"},
	} {
		base := byteMatrix(r, n, tc.d)
		tc.edit(base.Data)
		x, err := New(tc.metric, tc.d, Config{NList: 4})
		if err != nil {
			t.Fatal(err)
		}
		if tc.name == "NaN" {
			// Build rejects NaN; the loader must not take it as a byte.
			x.setVectors(base.Data)
		} else if err := x.Build(context.Background(), base); err != nil {
			t.Fatal(err)
		}
		if got := x.Storage(); got != tc.want {
			t.Errorf("%s: storage %q, want %q", tc.name, got, tc.want)
		}
	}
}
