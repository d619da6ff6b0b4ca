package datasets

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

// testDataDir returns $ANNBENCH_TESTDATA or skips the test.
func testDataDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ANNBENCH_TESTDATA")
	if dir == "" {
		t.Skip("ANNBENCH_TESTDATA is not set; set it to the directory holding siftsmall/ and fashion-mnist/ to run tests on real data")
	}
	return dir
}

func TestRealSiftsmall(t *testing.T) {
	dir := testDataDir(t)
	d, err := Open(context.Background(), "siftsmall", Options{DataDir: dir, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Base.Rows != 10000 || d.Base.Dim != 128 || d.Query.Rows != 100 || d.Query.Dim != 128 {
		t.Fatalf("shapes: base %d×%d, query %d×%d", d.Base.Rows, d.Base.Dim, d.Query.Rows, d.Query.Dim)
	}
	if d.GroundTruth.Rows != 100 || d.GroundTruth.Dim != 100 {
		t.Fatalf("ground truth %d×%d, want 100×100", d.GroundTruth.Rows, d.GroundTruth.Dim)
	}
	if d.Dir != filepath.Join(dir, "siftsmall") || d.Metric != vector.L2 {
		t.Errorf("dir %q metric %q", d.Dir, d.Metric)
	}
	if err := d.Base.Validate(); err != nil {
		t.Fatal(err)
	}
	// Values are integers in [0, 180] (SOURCE.md).
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for i := 0; i < d.Base.Rows; i++ {
		for _, v := range d.Base.Row(i) {
			lo, hi = min(lo, v), max(hi, v)
			if v != float32(int(v)) {
				t.Fatalf("base row %d holds non-integer %v", i, v)
			}
		}
	}
	if lo != 0 || hi != 180 {
		t.Errorf("base value range [%v, %v], want [0, 180]", lo, hi)
	}
	// The first ground-truth neighbour is the nearest base vector; check it
	// by brute force for a few queries.
	for _, q := range []int{0, 1, 57, 99} {
		best, bestD := -1, math.Inf(1)
		for i := 0; i < d.Base.Rows; i++ {
			if dd := l2(d.Query.Row(q), d.Base.Row(i)); dd < bestD {
				best, bestD = i, dd
			}
		}
		if gt := int(d.GroundTruth.Row(q)[0]); gt != best && l2(d.Query.Row(q), d.Base.Row(gt)) != bestD {
			t.Errorf("query %d: ground truth nearest %d, brute force %d", q, gt, best)
		}
	}
}

func l2(a, b []float32) float64 {
	var s float64
	for i := range a {
		x := float64(a[i]) - float64(b[i])
		s += x * x
	}
	return s
}

func TestRealFashionMNIST(t *testing.T) {
	dir := testDataDir(t)
	d, err := Open(context.Background(), "fashion-mnist", Options{DataDir: dir, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Base.Rows != 60000 || d.Base.Dim != 784 || d.Query.Rows != 10000 || d.Query.Dim != 784 {
		t.Fatalf("shapes: base %d×%d, query %d×%d", d.Base.Rows, d.Base.Dim, d.Query.Rows, d.Query.Dim)
	}
	if d.GroundTruth.Rows != 10000 || d.GroundTruth.Dim != 100 || d.GroundTruthDist.Rows != 10000 || d.GroundTruthDist.Dim != 100 {
		t.Fatalf("ground truth %d×%d, distances %d×%d", d.GroundTruth.Rows, d.GroundTruth.Dim, d.GroundTruthDist.Rows, d.GroundTruthDist.Dim)
	}
	if len(d.BaseLabels) != 60000 || len(d.QueryLabels) != 10000 {
		t.Fatalf("labels %d, %d", len(d.BaseLabels), len(d.QueryLabels))
	}
	var counts [10]int
	for _, l := range append(append([]int32{}, d.BaseLabels...), d.QueryLabels...) {
		if l < 0 || l > 9 {
			t.Fatalf("label %d outside 0..9", l)
		}
		counts[l]++
	}
	for c, n := range counts {
		if n != 7000 {
			t.Errorf("class %d has %d images, want 7000", c, n)
		}
	}
	// The stored distance of the first neighbour matches the vectors.
	for _, q := range []int{0, 4242, 9999} {
		id := d.GroundTruth.Row(q)[0]
		got := math.Sqrt(l2(d.Query.Row(q), d.Base.Row(int(id))))
		if want := float64(d.GroundTruthDist.Row(q)[0]); math.Abs(got-want) > 1e-3*want+1e-3 {
			t.Errorf("query %d: distance to %d is %v, file says %v", q, id, got, want)
		}
	}
}

func TestRealFashionMNISTAngular(t *testing.T) {
	dir := testDataDir(t)
	d, err := Open(context.Background(), "fashion-mnist-angular", Options{DataDir: dir, CacheDir: t.TempDir(), MaxQueries: 500})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Metric != vector.Angular || d.Base.Rows != 60000 || d.Query.Rows != 500 {
		t.Fatalf("metric %s base %d query %d", d.Metric, d.Base.Rows, d.Query.Rows)
	}
	if d.GroundTruth.Rows != 0 {
		t.Fatalf("angular variant picked up %d×%d ground truth; the l2 files must not be used", d.GroundTruth.Rows, d.GroundTruth.Dim)
	}
	for _, m := range []vector.Matrix{d.Base, d.Query} {
		for i := 0; i < m.Rows; i++ {
			var s float64
			for _, v := range m.Row(i) {
				s += float64(v) * float64(v)
			}
			if math.Abs(s-1) > 1e-5 {
				t.Fatalf("row %d has squared norm %v", i, s)
			}
		}
	}
}

func BenchmarkOpenFashionMNIST(b *testing.B) {
	dir := os.Getenv("ANNBENCH_TESTDATA")
	if dir == "" {
		b.Skip("ANNBENCH_TESTDATA is not set")
	}
	for b.Loop() {
		d, err := Open(context.Background(), "fashion-mnist", Options{DataDir: dir, CacheDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
}
