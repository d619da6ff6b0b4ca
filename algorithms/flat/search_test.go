package flat

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// randMatrix returns n seeded vectors; for angular they are normalized.
func randMatrix(r *rand.Rand, n, dim int, m vector.Metric) vector.Matrix {
	x := vector.NewMatrix(n, dim)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	return finish(x, m)
}

// skewedMatrix returns n seeded vectors whose variance falls off steeply
// across a shuffled set of dimensions, as in real descriptors and images,
// so the l2 index stores them split into head and tail.
func skewedMatrix(r *rand.Rand, n, dim int, m vector.Metric) vector.Matrix {
	x := vector.NewMatrix(n, dim)
	scale := make([]float64, dim)
	for j, p := range r.Perm(dim) {
		scale[p] = 10 * math.Pow(0.9, float64(j))
	}
	for i := 0; i < n; i++ {
		for j := range x.Row(i) {
			x.Row(i)[j] = float32(scale[j] * r.NormFloat64())
		}
	}
	return finish(x, m)
}

// byteMatrix returns n seeded vectors with integer components in 0..255,
// like SIFT descriptors or image pixels.
func byteMatrix(r *rand.Rand, n, dim int, m vector.Metric) vector.Matrix {
	x := vector.NewMatrix(n, dim)
	for i := range x.Data {
		x.Data[i] = float32(r.IntN(256))
	}
	if m == vector.Angular {
		return finish(x, m)
	}
	return x
}

// scaledMatrix returns n vectors in the range of byteMatrix that are not
// byte-valued.
func scaledMatrix(r *rand.Rand, n, dim int, m vector.Metric) vector.Matrix {
	x := vector.NewMatrix(n, dim)
	for i := range x.Data {
		x.Data[i] = 255 * r.Float32()
	}
	return finish(x, m)
}

func finish(x vector.Matrix, m vector.Metric) vector.Matrix {
	n := x.Rows
	if m == vector.Angular {
		for i := 0; i < n; i++ {
			distance.Normalize(x.Row(i))
		}
	}
	return x
}

// refDist is the float64 reference distance, smaller is nearer.
func refDist(m vector.Metric, a, b []float32) float64 {
	var s float64
	for i := range a {
		if m == vector.L2 {
			d := float64(a[i]) - float64(b[i])
			s += d * d
		} else {
			s -= float64(a[i]) * float64(b[i])
		}
	}
	return s
}

// refKNN returns the reference distances of the k nearest base vectors.
func refKNN(m vector.Metric, base vector.Matrix, q []float32, k int) []float64 {
	d := make([]float64, base.Rows)
	for i := range d {
		d[i] = refDist(m, q, base.Row(i))
	}
	sort.Float64s(d)
	return d[:min(k, len(d))]
}

// checkIDs asserts that ids are distinct, in range, and that their
// reference distances equal the k nearest reference distances rank by rank
// (ids may differ only among ties).
func checkIDs(t *testing.T, what string, m vector.Metric, base vector.Matrix, q []float32, ids []int32, want []float64) {
	t.Helper()
	if len(ids) != len(want) {
		t.Fatalf("%s: %d ids, want %d", what, len(ids), len(want))
	}
	seen := map[int32]bool{}
	for r, id := range ids {
		if id < 0 || int(id) >= base.Rows || seen[id] {
			t.Fatalf("%s: rank %d: bad or repeated id %d", what, r, id)
		}
		seen[id] = true
		got := refDist(m, q, base.Row(int(id)))
		if math.Abs(got-want[r]) > 1e-4*(1+math.Abs(want[r])) {
			t.Fatalf("%s: rank %d: id %d at distance %v, want %v", what, r, id, got, want[r])
		}
	}
}

func TestSearchExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, m := range vector.Metrics {
		for _, sh := range []struct {
			n, dim, k int
			data      string
		}{{1, 3, 5, "normal"}, {7, 1, 3, "normal"}, {300, 17, 10, "normal"}, {1000, 128, 10, "normal"}, {513, 784, 100, "normal"},
			{5, 40, 10, "skewed"}, {1000, 128, 10, "skewed"}, {999, 100, 1, "skewed"}, {700, 784, 100, "skewed"},
			{3, 5, 10, "bytes"}, {1000, 128, 10, "bytes"}, {998, 33, 7, "bytes"}, {600, 784, 100, "bytes"},
			{1000, 128, 10, "bytes-fractional-queries"}, {301, 31, 5, "bytes-fractional-queries"}} {
			t.Run(fmt.Sprintf("%s/n=%d/dim=%d/k=%d/%s", m, sh.n, sh.dim, sh.k, sh.data), func(t *testing.T) {
				gen, qgen := randMatrix, randMatrix
				switch sh.data {
				case "skewed":
					gen, qgen = skewedMatrix, skewedMatrix
				case "bytes":
					gen, qgen = byteMatrix, byteMatrix
				case "bytes-fractional-queries":
					gen, qgen = byteMatrix, scaledMatrix
				}
				base := gen(r, sh.n, sh.dim, m)
				queries := qgen(r, 9, sh.dim, m)
				x, err := New(m, sh.dim)
				if err != nil {
					t.Fatal(err)
				}
				if err := x.Build(context.Background(), base); err != nil {
					t.Fatal(err)
				}
				if split := x.v.h < x.v.dim; split != (sh.data == "skewed" && m == vector.L2) {
					t.Fatalf("stored split into head %d of %d dimensions; want a split only for skewed l2 data", x.v.h, x.v.dim)
				}
				wantBytes := strings.HasPrefix(sh.data, "bytes") && m == vector.L2 && distance.Uint8Accelerated()
				if (x.v.bytes != nil) != wantBytes {
					t.Fatalf("byte storage %v, want %v", x.v.bytes != nil, wantBytes)
				}
				batch := make([]int32, queries.Rows*sh.k)
				if err := x.SearchBatch(context.Background(), queries, sh.k, 2, batch); err != nil {
					t.Fatal(err)
				}
				gtIDs, gtDists, err := Exact(context.Background(), base, queries, m, sh.k, 3)
				if err != nil {
					t.Fatal(err)
				}
				kk := min(sh.k, sh.n)
				if gtIDs.Dim != kk || gtDists.Dim != kk || gtIDs.Rows != queries.Rows {
					t.Fatalf("ground truth shape %dx%d / %dx%d, want %dx%d", gtIDs.Rows, gtIDs.Dim, gtDists.Rows, gtDists.Dim, queries.Rows, kk)
				}
				for i := 0; i < queries.Rows; i++ {
					q := queries.Row(i)
					want := refKNN(m, base, q, sh.k)
					checkIDs(t, "Search", m, base, q, x.Search(q, sh.k, nil), want)
					row := batch[i*sh.k : i*sh.k+sh.k]
					checkIDs(t, "SearchBatch", m, base, q, row[:kk], want)
					for j, id := range row[kk:] {
						if id != -1 {
							t.Fatalf("SearchBatch: padding at %d is %d, want -1", kk+j, id)
						}
					}
					checkIDs(t, "Exact", m, base, q, gtIDs.Row(i), want)
					for j, d := range gtDists.Row(i) {
						if math.Abs(float64(d)-want[j]) > 1e-4*(1+math.Abs(want[j])) {
							t.Fatalf("GroundTruth: query %d rank %d distance %v, want %v", i, j, d, want[j])
						}
					}
				}
			})
		}
	}
}

func TestGroundTruthStridedBase(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	full := randMatrix(r, 200, 12, vector.L2)
	// View the first 10 columns with a stride of 12, as an fvecs mapping
	// would look.
	base := vector.Matrix{Data: full.Data, Rows: 200, Dim: 10, Stride: 12}
	queries := randMatrix(r, 5, 10, vector.L2)
	ids, _, err := Exact(context.Background(), base, queries, vector.L2, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < queries.Rows; i++ {
		q := queries.Row(i)
		checkIDs(t, "strided", vector.L2, base, q, ids.Row(i), refKNN(vector.L2, base, q, 7))
	}
}

func TestBadInput(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	base := randMatrix(r, 50, 8, vector.L2)
	x, _ := New(vector.L2, 8)
	if err := x.Build(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	q8, q9 := randMatrix(r, 3, 8, vector.L2), randMatrix(r, 3, 9, vector.L2)
	cases := []struct {
		name string
		err  error
	}{
		{"batch k=0", x.SearchBatch(ctx, q8, 0, 1, make([]int32, 30))},
		{"batch short dst", x.SearchBatch(ctx, q8, 10, 1, make([]int32, 29))},
		{"batch dim", x.SearchBatch(ctx, q9, 10, 1, make([]int32, 30))},
		{"gt metric", second(Exact(ctx, base, q8, "cityblock", 5, 1))},
		{"gt k=0", second(Exact(ctx, base, q8, vector.L2, 0, 1))},
		{"gt dim", second(Exact(ctx, base, q9, vector.L2, 5, 1))},
		{"gt short data", second(Exact(ctx, vector.Matrix{Data: make([]float32, 10), Rows: 5, Dim: 8, Stride: 8}, q8, vector.L2, 5, 1))},
		{"build short data", x.Build(ctx, vector.Matrix{Data: make([]float32, 10), Rows: 5, Dim: 8, Stride: 8})},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if ids := x.Search(make([]float32, 9), 5, nil); len(ids) != 0 {
		t.Errorf("query of the wrong dimension returned %v", ids)
	}
}

func second[A, B any](_ A, _ B, err error) error { return err }

func TestCancel(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	base := randMatrix(r, 2000, 16, vector.L2)
	queries := randMatrix(r, 100, 16, vector.L2)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Exact(ctx, base, queries, vector.L2, 10, 2); !errors.Is(err, context.Canceled) {
		t.Fatalf("GroundTruth after cancel: %v, want context.Canceled", err)
	}
}

func TestSearchNoAlloc(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, m := range append(vector.Metrics, "skewed", "bytes") {
		gen := randMatrix
		switch m {
		case "skewed":
			gen, m = skewedMatrix, vector.L2
		case "bytes":
			gen, m = byteMatrix, vector.L2
		}
		base := gen(r, 1000, 32, m)
		q := gen(r, 1, 32, m).Row(0)
		x, _ := New(m, 32)
		if err := x.Build(context.Background(), base); err != nil {
			t.Fatal(err)
		}
		dst := make([]int32, 0, 10)
		dst = x.Search(q, 10, dst)
		want := slices.Clone(dst)
		if a := testing.AllocsPerRun(100, func() { dst = x.Search(q, 10, dst) }); a != 0 {
			t.Errorf("%s: Search allocates %v times per call", m, a)
		}
		if !slices.Equal(dst, want) {
			t.Errorf("%s: repeated Search changed its answer", m)
		}
	}
}

// TestSaveLoadStored round-trips indexes stored split and as bytes: the
// file holds vectors in their original order and float32 form, and the
// loaded index answers the same.
func TestSaveLoadStored(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range []struct {
		name string
		gen  func(*rand.Rand, int, int, vector.Metric) vector.Matrix
	}{{"skewed", skewedMatrix}, {"bytes", byteMatrix}} {
		t.Run(c.name, func(t *testing.T) {
			base := c.gen(r, 500, 64, vector.L2)
			queries := c.gen(r, 20, 64, vector.L2)
			x, _ := New(vector.L2, 64)
			if err := x.Build(context.Background(), base); err != nil {
				t.Fatal(err)
			}
			if x.v.perm == nil && x.v.bytes == nil && distance.Uint8Accelerated() {
				t.Fatal("data was stored plainly")
			}
			var buf bytes.Buffer
			if err := x.Save(&buf); err != nil {
				t.Fatal(err)
			}
			// After the 28-byte binfmt header and the 8-byte row count
			// comes the base, row by row.
			payload := buf.Bytes()[36:]
			for i, f := range base.Data {
				if got := math.Float32frombits(binary.LittleEndian.Uint32(payload[4*i:])); got != f {
					t.Fatalf("saved element %d = %v, want %v", i, got, f)
				}
			}
			y, _ := New(vector.L2, 64)
			if err := y.Load(&buf); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < queries.Rows; i++ {
				q := queries.Row(i)
				if a, b := x.Search(q, 10, nil), y.Search(q, 10, nil); !slices.Equal(a, b) {
					t.Fatalf("query %d: loaded index returned %v, saved one %v", i, b, a)
				}
			}
		})
	}
}
