package datasets

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

func TestParseSynthetic(t *testing.T) {
	good := []struct {
		in, canonical string
		metric        vector.Metric
		n, d          int
	}{
		{"synthetic-20k-64", "synthetic-20k-64", vector.L2, 20000, 64},
		{"synthetic-20000-64", "synthetic-20k-64", vector.L2, 20000, 64},
		{"synthetic-1m-96", "synthetic-1m-96", vector.L2, 1000000, 96},
		{"synthetic-ip-1500-8", "synthetic-ip-1500-8", vector.IP, 1500, 8},
		{"synthetic-angular-2K-3", "synthetic-angular-2k-3", vector.Angular, 2000, 3},
		{"synthetic-l2-10-1", "synthetic-10-1", vector.L2, 10, 1},
	}
	for _, tt := range good {
		e, err := Lookup(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if e.Name != tt.canonical || e.Metric != tt.metric || e.BaseCount != tt.n || e.Dim != tt.d || !e.Builtin() || !e.Present("") {
			t.Errorf("%s: got %+v", tt.in, e)
		}
	}
	bad := []struct{ in, want string }{
		{"synthetic-", "does not have the form"},
		{"synthetic-20k", "does not have the form"},
		{"synthetic-foo-20k-64", `unknown metric "foo"`},
		{"synthetic-20x-64", `vector count "20x"`},
		{"synthetic-20k-0", "dimension 0 is outside"},
		{"synthetic-20k-abc", "is not a number"},
		{"synthetic-5-4", "below 10"},
		{"synthetic-100m-100", "exceeds"},
		{"synthetic-99999999999m-4", "too large"},
		{"synthetic-1-2-3-4", "does not have the form"},
	}
	for _, tt := range bad {
		_, err := Lookup(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "synthetic-[ip-|angular-]<n>-<d>") {
			t.Errorf("%s: error %v, want one containing %q and the naming rule", tt.in, err, tt.want)
		}
	}
}

func openSynthetic(t testing.TB, name string, opt Options) *Dataset {
	t.Helper()
	if opt.DataDir == "" {
		opt.DataDir = t.TempDir()
	}
	d, err := Open(context.Background(), name, opt)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func matrixHash(ms ...vector.Matrix) string {
	h := sha256.New()
	var b [4]byte
	for _, m := range ms {
		for i := 0; i < m.Rows; i++ {
			for _, v := range m.Row(i) {
				binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
				h.Write(b[:])
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestSyntheticDeterministic(t *testing.T) {
	a := openSynthetic(t, "synthetic-5k-16", Options{})
	prev := runtime.GOMAXPROCS(1)
	b := openSynthetic(t, "synthetic-5000-16", Options{})
	runtime.GOMAXPROCS(prev)
	if a.Base.Rows != 5000 || a.Query.Rows != 500 || a.Train.Rows != 5000 || a.Base.Dim != 16 {
		t.Fatalf("shapes base %d query %d train %d dim %d", a.Base.Rows, a.Query.Rows, a.Train.Rows, a.Base.Dim)
	}
	if ha, hb := matrixHash(a.Base, a.Query, a.Train), matrixHash(b.Base, b.Query, b.Train); ha != hb {
		t.Fatalf("two generations differ: %s vs %s", ha, hb)
	}
	// Prefixes of a limited open equal the full data.
	c := openSynthetic(t, "synthetic-5k-16", Options{MaxBase: 1234, MaxQueries: 7})
	if c.Base.Rows != 1234 || c.Query.Rows != 7 {
		t.Fatalf("limited shapes %d, %d", c.Base.Rows, c.Query.Rows)
	}
	if matrixHash(c.Base) != matrixHash(a.Base.Slice(0, 1234)) || matrixHash(c.Query) != matrixHash(a.Query.Slice(0, 7)) {
		t.Fatal("limited open is not a prefix of the full data")
	}
	// Different names give different data.
	if d := openSynthetic(t, "synthetic-ip-5k-16", Options{}); matrixHash(d.Query) == matrixHash(a.Query) {
		t.Fatal("l2 and ip datasets share their queries")
	}
}

// TestSyntheticStableHash pins the generator's output: a change here means
// every published synthetic result changes, so it must be deliberate.
func TestSyntheticStableHash(t *testing.T) {
	want := map[string]string{
		"synthetic-1k-8":         "fcc124a57ab9c6adfbdb2b1521b73d7117e3b4aab27bb7bf5e9a192ec1a52c74",
		"synthetic-ip-1k-8":      "e87cb78194854cdcb0f79e9b992fe3fe0a3fd34bf93abdb02c34525c1c271dfd",
		"synthetic-angular-1k-8": "bd0d294a0fa47ebfc5525f3a24670d077226b01a91483dc50719e048a5ce0a4f",
	}
	for name, h := range want {
		d := openSynthetic(t, name, Options{})
		got := matrixHash(d.Base, d.Query, d.Train)
		if got != h {
			t.Errorf("%s: hash %s, want %s", name, got, h)
		}
	}
}

func TestSyntheticMetrics(t *testing.T) {
	ang := openSynthetic(t, "synthetic-angular-2k-32", Options{})
	for _, m := range []vector.Matrix{ang.Base, ang.Query, ang.Train} {
		for i := 0; i < m.Rows; i++ {
			if n := norm(m.Row(i)); math.Abs(n-1) > 1e-5 {
				t.Fatalf("angular row %d has norm %v", i, n)
			}
		}
	}
	ip := openSynthetic(t, "synthetic-ip-2k-32", Options{})
	lo, hi := math.Inf(1), 0.0
	for i := 0; i < ip.Base.Rows; i++ {
		n := norm(ip.Base.Row(i))
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi/lo < 10 {
		t.Errorf("ip base norms span only %.2f..%.2f; want a wide spread", lo, hi)
	}
	if ip.Metric != vector.IP || ang.Metric != vector.Angular {
		t.Errorf("metrics %s %s", ip.Metric, ang.Metric)
	}
}

// TestSyntheticNonTrivial checks that the data is neither uniform noise nor
// trivially separable: a query's nearest neighbour is much nearer than a
// typical base vector, yet the 10th neighbour is not far from the 1st.
func TestSyntheticNonTrivial(t *testing.T) {
	d := openSynthetic(t, "synthetic-20k-64", Options{MaxQueries: 20})
	var ratioNear, ratioTypical float64
	for q := 0; q < d.Query.Rows; q++ {
		dists := make([]float64, d.Base.Rows)
		for i := range dists {
			dists[i] = l2(d.Query.Row(q), d.Base.Row(i))
		}
		top := append([]float64(nil), dists...)
		sort.Float64s(top)
		ratioNear += math.Sqrt(top[9] / top[0])
		ratioTypical += math.Sqrt(top[len(top)/2] / top[0])
	}
	ratioNear /= float64(d.Query.Rows)
	ratioTypical /= float64(d.Query.Rows)
	t.Logf("mean d10/d1 %.3f, median/d1 %.3f", ratioNear, ratioTypical)
	if ratioTypical < 1.5 {
		t.Errorf("median base vector only %.2f× farther than the nearest: no cluster structure", ratioTypical)
	}
	if ratioNear > 1.5 {
		t.Errorf("10th neighbour %.2f× farther than the 1st: neighbours are trivially isolated", ratioNear)
	}
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func BenchmarkSynthetic20k64(b *testing.B) {
	for b.Loop() {
		d := openSynthetic(b, "synthetic-20k-64", Options{})
		d.Close()
	}
}

func BenchmarkSynthetic1m96(b *testing.B) {
	for b.Loop() {
		d := openSynthetic(b, "synthetic-1m-96", Options{})
		d.Close()
	}
}

// TestSyntheticLabelsAttributes checks the seeded labels and attributes
// that filtered workloads use: labels follow the clusters (10 classes,
// every one used), attributes are spread over [0, 2³¹), and a prefix
// (MaxBase) has the same values as the full dataset.
func TestSyntheticLabelsAttributes(t *testing.T) {
	full, err := Open(context.Background(), "synthetic-5000-8", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.BaseLabels) != full.Base.Rows || len(full.QueryLabels) != full.Query.Rows || len(full.Attributes) != full.Base.Rows {
		t.Fatalf("labels %d/%d, attributes %d for %d base and %d query rows",
			len(full.BaseLabels), len(full.QueryLabels), len(full.Attributes), full.Base.Rows, full.Query.Rows)
	}
	var classes [synthClasses]int
	for _, l := range full.BaseLabels {
		if l < 0 || l >= synthClasses {
			t.Fatalf("label %d outside [0,%d)", l, synthClasses)
		}
		classes[l]++
	}
	for c, n := range classes {
		if n == 0 {
			t.Errorf("class %d has no rows", c)
		}
	}
	var low int
	for _, a := range full.Attributes {
		if a < 0 || a >= 1<<31 {
			t.Fatalf("attribute %d outside [0,2^31)", a)
		}
		if a < 1<<30 {
			low++
		}
	}
	if low < 2300 || low > 2700 {
		t.Errorf("%d of 5000 attributes in the lower half; want about 2500", low)
	}
	part, err := Open(context.Background(), "synthetic-5000-8", Options{MaxBase: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(part.BaseLabels, full.BaseLabels[:1500]) || !slices.Equal(part.Attributes, full.Attributes[:1500]) {
		t.Error("a 1500-row prefix has other labels or attributes than the full dataset")
	}
}
