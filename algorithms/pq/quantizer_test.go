package pq

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

func randMatrix(seed uint64, n, dim int) vector.Matrix {
	rng := rand.New(rand.NewPCG(seed, 3))
	m := vector.NewMatrix(n, dim)
	for i := range m.Data {
		m.Data[i] = float32(rng.NormFloat64())
	}
	return m
}

func trained(t testing.TB, dim, m, n int) (*Quantizer, vector.Matrix) {
	t.Helper()
	x := randMatrix(1, n, dim)
	q, err := NewQuantizer(dim, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Train(context.Background(), x, TrainOptions{Iterations: 4}); err != nil {
		t.Fatal(err)
	}
	return q, x
}

func TestScanMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, m := range []int{1, 3, 4, 7, 8, 12, 16, 32, 56, 64} {
		tab := NewTable(m)
		for i := range tab {
			for j := range tab[i] {
				tab[i][j] = float32(rng.NormFloat64())
			}
		}
		n := 37
		codes := make([]byte, n*m)
		for i := range codes {
			codes[i] = byte(rng.IntN(256))
		}
		out := make([]float32, n)
		Scan(codes, tab, out)
		for i := 0; i < n; i++ {
			var want float64
			for s := 0; s < m; s++ {
				want += float64(tab[s][codes[i*m+s]])
			}
			if math.Abs(float64(out[i])-want) > 1e-4 {
				t.Fatalf("M=%d code %d: Scan %g, naive %g", m, i, out[i], want)
			}
		}
	}
}

func TestTablesMatchDecodedDistances(t *testing.T) {
	for _, tc := range []struct{ dim, m int }{{32, 8}, {64, 4}, {30, 3}} {
		q, x := trained(t, tc.dim, tc.m, 600)
		query := randMatrix(9, 1, tc.dim).Row(0)
		l2, dot := NewTable(tc.m), NewTable(tc.m)
		q.L2Table(query, l2)
		q.DotTable(query, -1, dot)
		code := make([]byte, tc.m)
		dec := make([]float32, tc.dim)
		out := make([]float32, 1)
		for i := 0; i < 20; i++ {
			q.Encode(x.Row(i), code)
			q.Decode(code, dec)
			var wl2, wdot float64
			for j := range dec {
				d := float64(query[j]) - float64(dec[j])
				wl2 += d * d
				wdot -= float64(query[j]) * float64(dec[j])
			}
			Scan(code, l2, out)
			if math.Abs(float64(out[0])-wl2) > 1e-3*math.Max(1, wl2) {
				t.Errorf("dim %d M %d row %d: ADC l2 %g, decoded %g", tc.dim, tc.m, i, out[0], wl2)
			}
			Scan(code, dot, out)
			if math.Abs(float64(out[0])-wdot) > 1e-3*math.Max(1, math.Abs(wdot)) {
				t.Errorf("dim %d M %d row %d: ADC dot %g, decoded %g", tc.dim, tc.m, i, out[0], wdot)
			}
		}
	}
}

func TestCodeTermIdentity(t *testing.T) {
	q, x := trained(t, 16, 4, 500)
	c := randMatrix(5, 1, 16).Row(0)
	query := randMatrix(6, 1, 16).Row(0)
	tab := NewTable(4)
	q.DotTable(query, -2, tab)
	code := make([]byte, 4)
	y := make([]float32, 16)
	out := make([]float32, 1)
	for i := 0; i < 10; i++ {
		q.Encode(x.Row(i), code)
		q.Decode(code, y)
		var want, qc float64
		for j := range y {
			d := float64(query[j]) - float64(c[j]) - float64(y[j])
			want += d * d
			e := float64(query[j]) - float64(c[j])
			qc += e * e
		}
		Scan(code, tab, out)
		got := qc + float64(q.CodeTerm(c, code)) + float64(out[0])
		if math.Abs(got-want) > 1e-3*math.Max(1, want) {
			t.Errorf("row %d: decomposed distance %g, direct %g", i, got, want)
		}
	}
}

func TestEncodePicksNearestCentroid(t *testing.T) {
	q, x := trained(t, 8, 2, 400)
	code := make([]byte, 2)
	for i := 0; i < 10; i++ {
		v := x.Row(i)
		q.Encode(v, code)
		for m := 0; m < 2; m++ {
			sub := v[m*4 : m*4+4]
			dist := func(j int) float64 {
				var s float64
				for t := range sub {
					d := float64(sub[t]) - float64(q.Centroids[(m*Ksub+j)*4+t])
					s += d * d
				}
				return s
			}
			got := dist(int(code[m]))
			for j := 0; j < Ksub; j++ {
				if dist(j) < got-1e-6 {
					t.Fatalf("row %d sub %d: code %d at %g, centroid %d nearer at %g", i, m, code[m], got, j, dist(j))
				}
			}
		}
	}
}

func TestFewTrainingRows(t *testing.T) {
	q, x := trained(t, 8, 4, 50)
	code := make([]byte, 4)
	dec := make([]float32, 8)
	q.Encode(x.Row(3), code)
	q.Decode(code, dec)
	for j, v := range dec {
		if v != x.Row(3)[j] {
			t.Fatalf("with 50 rows each row is its own centroid; decoded %v, want %v", dec, x.Row(3))
		}
	}
}

func TestNewQuantizerErrors(t *testing.T) {
	for _, tc := range []struct{ dim, m int }{{32, 5}, {0, 4}, {32, 0}, {32, -1}} {
		if _, err := NewQuantizer(tc.dim, tc.m); err == nil {
			t.Errorf("NewQuantizer(%d, %d): no error", tc.dim, tc.m)
		}
	}
}

func TestQuantizerWriteRead(t *testing.T) {
	q, _ := trained(t, 16, 4, 300)
	h := binfmt.Header{Algorithm: "quantizer-test", Metric: vector.L2, Dim: 16}
	var buf bytes.Buffer
	w := binfmt.NewWriter(&buf, h)
	q.Write(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	decode := func(data []byte) (*Quantizer, error) {
		r, err := binfmt.NewReader(bytes.NewReader(data), h)
		if err != nil {
			return nil, err
		}
		got, err := ReadQuantizer(r, q.Dim, q.M)
		if cerr := r.Close(); err == nil {
			err = cerr
		}
		return got, err
	}
	got, err := decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.M != q.M || got.Dim != q.Dim || len(got.Centroids) != len(q.Centroids) {
		t.Fatalf("loaded shape %d/%d/%d", got.Dim, got.M, len(got.Centroids))
	}
	for i := range q.Centroids {
		if got.Centroids[i] != q.Centroids[i] {
			t.Fatalf("centroid value %d differs", i)
		}
	}
	for cut := 0; cut < buf.Len(); cut += 97 {
		if _, err := decode(buf.Bytes()[:cut]); err == nil {
			t.Errorf("truncated to %d bytes: no error", cut)
		}
	}
	// A shape no quantizer has is rejected, checksum or not.
	bad := bytes.Clone(buf.Bytes())
	bad[len(bad)-4-len(q.Centroids)*4-8] = 0 // M = 0
	if _, err := decode(binfmt.Reseal(bad)); err == nil || !strings.Contains(err.Error(), "implausible quantizer shape") {
		t.Errorf("M=0: error %v, want an implausible-shape error", err)
	}
}

func BenchmarkScan(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, m := range []int{16, 32, 56, 64} {
		tab := NewTable(m)
		n := 1024
		codes := make([]byte, n*m)
		for i := range codes {
			codes[i] = byte(rng.IntN(256))
		}
		out := make([]float32, n)
		b.Run("M="+strconv.Itoa(m), func(b *testing.B) {
			b.SetBytes(int64(len(codes)))
			for i := 0; i < b.N; i++ {
				Scan(codes, tab, out)
			}
		})
	}
}

func BenchmarkTables(b *testing.B) {
	for _, tc := range []struct{ dim, m int }{{128, 32}, {784, 56}} {
		q, _ := trained(b, tc.dim, tc.m, 300)
		x := randMatrix(4, 1, tc.dim).Row(0)
		tab := NewTable(tc.m)
		b.Run("L2/d="+strconv.Itoa(tc.dim), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				q.L2Table(x, tab)
			}
		})
		b.Run("Dot/d="+strconv.Itoa(tc.dim), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				q.DotTable(x, -2, tab)
			}
		})
	}
}
