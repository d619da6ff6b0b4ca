package distance

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

// TestRowsCompact checks which data NewRows keeps as bytes: only with
// compact set and every element the float32 of a byte value bit for bit
// (-0, NaN, fractions and values outside 0..255 keep float32).
func TestRowsCompact(t *testing.T) {
	byteRows := []float32{0, 1, 255, 7, 128, 3}
	for _, tc := range []struct {
		name    string
		v       []float32
		compact bool
		want    string
	}{
		{"bytes", byteRows, true, "uint8"},
		{"bytes, not asked", byteRows, false, "float32"},
		{"empty", nil, true, "float32"},
		{"minus zero", []float32{0, float32(math.Copysign(0, -1)), 1, 2, 3, 4}, true, "float32"},
		{"fraction", []float32{0, 1, 2.5, 3, 4, 5}, true, "float32"},
		{"256", []float32{0, 1, 256, 3, 4, 5}, true, "float32"},
		{"negative", []float32{0, -1, 2, 3, 4, 5}, true, "float32"},
		{"NaN", []float32{0, float32(math.NaN()), 2, 3, 4, 5}, true, "float32"},
	} {
		r := NewRows(slices.Clone(tc.v), 3, tc.compact)
		if got := r.Storage(); got != tc.want {
			t.Errorf("%s: storage %s, want %s", tc.name, got, tc.want)
		}
		wantSize := int64(4 * len(tc.v))
		if tc.want == "uint8" {
			wantSize = int64(len(tc.v))
		}
		if got := r.SizeBytes(); got != wantSize {
			t.Errorf("%s: %d bytes, want %d", tc.name, got, wantSize)
		}
		if (r.Bytes() != nil) != (tc.want == "uint8") || (r.Floats() != nil) != (tc.want == "float32" && len(tc.v) > 0) {
			t.Errorf("%s: Bytes %v Floats %v for storage %s", tc.name, r.Bytes(), r.Floats(), tc.want)
		}
	}
}

// TestRowsDistances checks that byte rows give the float rows' values:
// Row converts exactly, L2Sq has the bits of L2Sq on the float row (for
// dimensions with and without a byte kernel, byte-valued and arbitrary
// queries), EachFloatChunk returns every row in order across chunk
// boundaries, and Prefetch touches nothing.
func TestRowsDistances(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, d := range []int{1, 5, 8, 13, 16, 128, 131, 784} {
		n := 1 + 2*rowsChunk/d // more than one chunk of elements
		v := make([]float32, n*d)
		for i := range v {
			v[i] = float32(r.UintN(256))
		}
		want := slices.Clone(v)
		rows := NewRows(v, d, true)
		if rows.Storage() != "uint8" {
			t.Fatalf("d=%d: storage %s, want uint8", d, rows.Storage())
		}
		tmp := make([]float32, d)
		for _, byteQuery := range []bool{true, false} {
			q := testQuery(r, d, byteQuery)
			for _, p := range []int{0, 1, n / 2, n - 1} {
				rows.Prefetch(p)
				wrow := want[p*d : p*d+d]
				if got := rows.Row(p, tmp); !slices.Equal(got, wrow) {
					t.Fatalf("d=%d row %d: %v, want %v", d, p, got, wrow)
				}
				got, exact := rows.L2Sq(q, p, tmp), L2Sq(q, wrow)
				if math.Float32bits(got) != math.Float32bits(exact) {
					t.Fatalf("d=%d byte query %v row %d: L2Sq %v, float row %v", d, byteQuery, p, got, exact)
				}
				for _, m := range []vector.Metric{vector.L2, vector.IP} {
					if got, want := rows.Distance(m, q, p, tmp), For(m)(q, wrow); math.Float32bits(got) != math.Float32bits(want) {
						t.Fatalf("d=%d %s row %d: Distance %v, For of the float row %v", d, m, p, got, want)
					}
				}
			}
		}
		var all []float32
		rows.EachFloatChunk(func(c []float32) { all = append(all, c...) })
		if !slices.Equal(all, want) {
			t.Fatalf("d=%d: EachFloatChunk returned %d elements, not the %d rows in order", d, len(all), len(want))
		}
		floats := NewRows(slices.Clone(want), d, false)
		for _, p := range []int{0, n - 1} {
			floats.Prefetch(p)
			if got := floats.Row(p, nil); !slices.Equal(got, want[p*d:p*d+d]) {
				t.Fatalf("d=%d float row %d differs", d, p)
			}
		}
	}
}
