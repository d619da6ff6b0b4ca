package flat

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// testData returns the directory of the shared real datasets, or skips.
func testData(t testing.TB) string {
	dir := os.Getenv("ANNBENCH_TESTDATA")
	if dir == "" {
		t.Skip("ANNBENCH_TESTDATA is not set; set it to the directory holding siftsmall/ and fashion-mnist/ to run real-data tests")
	}
	return dir
}

// loadSiftsmall returns siftsmall's base, queries and ground-truth ids.
func loadSiftsmall(t testing.TB) (base, queries vector.Matrix, gt vector.IDMatrix) {
	dir := filepath.Join(testData(t), "siftsmall")
	base, c1, err := datasets.ReadFvecs(filepath.Join(dir, "siftsmall_base.fvecs"), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c1.Close() })
	queries, c2, err := datasets.ReadFvecs(filepath.Join(dir, "siftsmall_query.fvecs"), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c2.Close() })
	gt, c3, err := datasets.ReadIvecs(filepath.Join(dir, "siftsmall_groundtruth.ivecs"), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c3.Close() })
	return base, queries, gt
}

// loadFashion returns fashion-mnist's base and its first nq queries.
func loadFashion(t testing.TB, nq int) (base, queries vector.Matrix) {
	dir := filepath.Join(testData(t), "fashion-mnist")
	base, err := datasets.ReadIDXVectorsFile(filepath.Join(dir, "train-images-idx3-ubyte.gz"), 0)
	if err != nil {
		t.Fatal(err)
	}
	queries, err = datasets.ReadIDXVectorsFile(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), nq)
	if err != nil {
		t.Fatal(err)
	}
	return base, queries
}

// TestSiftsmallExact checks Search, SearchBatch and GroundTruth against
// siftsmall's published top-100 lists: at every rank the distance must be
// the published neighbour's (ids may differ only among ties).
func TestSiftsmallExact(t *testing.T) {
	base, queries, gt := loadSiftsmall(t)
	const k = 100
	x, err := New(vector.L2, base.Dim)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Build(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	batch := make([]int32, queries.Rows*k)
	if err := x.SearchBatch(context.Background(), queries, k, 0, batch); err != nil {
		t.Fatal(err)
	}
	gtIDs, _, err := Exact(context.Background(), base, queries, vector.L2, k, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < queries.Rows; i++ {
		q := queries.Row(i)
		want := make([]float64, k)
		for r, id := range gt.Row(i)[:k] {
			want[r] = refDist(vector.L2, q, base.Row(int(id)))
		}
		checkIDs(t, "Search", vector.L2, base, q, x.Search(q, k, nil), want)
		checkIDs(t, "SearchBatch", vector.L2, base, q, batch[i*k:i*k+k], want)
		checkIDs(t, "Exact", vector.L2, base, q, gtIDs.Row(i), want)
	}
}

// TestFashionMNISTGroundTruth computes exact top-100 lists for the first
// 200 fashion-mnist queries over all 60,000 base vectors and compares them
// with the shipped distances file, which holds Euclidean (not squared)
// distances.
func TestFashionMNISTGroundTruth(t *testing.T) {
	const nq, k = 200, 100
	base, queries := loadFashion(t, nq)
	want, c, err := datasets.ReadFvecs(filepath.Join(testData(t), "fashion-mnist", "fashion-mnist_groundtruth_distances.fvecs"), nq)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if want.Rows != nq || want.Dim != k {
		t.Fatalf("distances file holds %dx%d, want %dx%d", want.Rows, want.Dim, nq, k)
	}
	ids, dists, err := Exact(context.Background(), base, queries, vector.L2, k, 0)
	if err != nil {
		t.Fatal(err)
	}
	x, err := New(vector.L2, base.Dim)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Build(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < nq; i++ {
		q := queries.Row(i)
		for r := 0; r < k; r++ {
			got := math.Sqrt(float64(dists.Row(i)[r]))
			w := float64(want.Row(i)[r])
			if math.Abs(got-w) > 1e-5*w+1e-3 {
				t.Fatalf("query %d rank %d: distance %v, file has %v", i, r, got, w)
			}
			// The id must really be at that distance.
			if ref := math.Sqrt(refDist(vector.L2, q, base.Row(int(ids.Row(i)[r])))); math.Abs(ref-w) > 1e-5*w+1e-3 {
				t.Fatalf("query %d rank %d: id %d is at %v, file has %v", i, r, ids.Row(i)[r], ref, w)
			}
		}
		if i%20 == 0 {
			// Single-query search agrees too (a sample, to keep the test short).
			wantD := make([]float64, k)
			for r := range wantD {
				d := float64(want.Row(i)[r])
				wantD[r] = d * d
			}
			checkIDs(t, "Search", vector.L2, base, q, x.Search(q, k, nil), wantD)
		}
	}
}

// BenchmarkSearchReal measures single-query, single-goroutine search on
// the real siftsmall and fashion-mnist data (k = 10), the setting of
// peers.py --only flat.
func BenchmarkSearchReal(b *testing.B) {
	b.Run("siftsmall", func(b *testing.B) {
		base, queries, _ := loadSiftsmall(b)
		benchReal(b, base, queries)
	})
	b.Run("fashion-mnist", func(b *testing.B) {
		base, queries := loadFashion(b, 1000)
		benchReal(b, base, queries)
	})
}

func benchReal(b *testing.B, base, queries vector.Matrix) {
	x, err := New(vector.L2, base.Dim)
	if err != nil {
		b.Fatal(err)
	}
	if err := x.Build(context.Background(), base); err != nil {
		b.Fatal(err)
	}
	dst := make([]int32, 0, 10)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = x.Search(queries.Row(i%queries.Rows), 10, dst)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}
