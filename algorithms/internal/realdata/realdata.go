// Package realdata is test support for adapters' real-data tests: it opens
// the shared datasets under ANNBENCH_TESTDATA (skipping the test when that
// is unset), builds and tunes an adapter through its registry entry, runs
// query passes and scores recall@10 against the ground truth through
// algorithms/score.
//
// Test support: it imports algorithms, algorithms/score and datasets, never
// an index package or the runner.
package realdata

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// Open opens the shared real dataset name from the directory in
// ANNBENCH_TESTDATA, skipping tb when the variable is unset. The dataset is
// closed when tb ends.
func Open(tb testing.TB, name string) *datasets.Dataset {
	tb.Helper()
	dir := os.Getenv("ANNBENCH_TESTDATA")
	if dir == "" {
		tb.Skip("ANNBENCH_TESTDATA is not set; set it to the directory holding siftsmall/ and fashion-mnist/ to run real-data tests")
	}
	d, err := datasets.Open(context.Background(), name, datasets.Options{DataDir: dir, CacheDir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("open %s: %v", name, err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// Recall10 is recall@10 of results (results[i] answers query i) against
// d's ground truth, scored by algorithms/score (ties counted), failing tb
// when the ground truth does not fit the data.
func Recall10(tb testing.TB, d *datasets.Dataset, results [][]int32) float64 {
	tb.Helper()
	tr, err := score.New(d.Metric, d.Base, d.Query, d.GroundTruth, 10)
	if err != nil {
		tb.Fatalf("%s: %v", d.Name, err)
	}
	s, err := tr.Score(results)
	if err != nil {
		tb.Fatalf("%s: %v", d.Name, err)
	}
	return s.Recall
}

// Build makes an index of a with index-time parameters p (defaults filled
// in) and builds it on d's base vectors, failing tb on any error. It returns
// the index and the build time.
func Build(tb testing.TB, a algorithms.Algorithm, d *datasets.Dataset, p algorithms.Params) (algorithms.Index, time.Duration) {
	tb.Helper()
	ip, err := a.Params.Normalize(algorithms.IndexTime, p)
	if err != nil {
		tb.Fatal(err)
	}
	idx, err := a.New(d.Metric, d.Base.Dim, ip)
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	if err := idx.Build(context.Background(), d.Base); err != nil {
		tb.Fatal(err)
	}
	return idx, time.Since(start)
}

// SetQuery applies query-time parameters p of a (defaults filled in) to
// idx, which must be a QueryTuner, failing tb on any error.
func SetQuery(tb testing.TB, a algorithms.Algorithm, idx algorithms.Index, p algorithms.Params) {
	tb.Helper()
	qp, err := a.Params.Normalize(algorithms.QueryTime, p)
	if err != nil {
		tb.Fatal(err)
	}
	qt, ok := idx.(algorithms.QueryTuner)
	if !ok {
		tb.Fatalf("%s index takes no query parameters", a.Name)
	}
	if err := qt.SetQuery(qp); err != nil {
		tb.Fatal(err)
	}
}

// NewResults returns n empty result slices with room for 10 ids each.
func NewResults(n int) [][]int32 {
	out := make([][]int32, n)
	for i := range out {
		out[i] = make([]int32, 0, 10)
	}
	return out
}

// Pass runs every query of q once, one at a time, for the 10 nearest
// neighbours, leaving query i's result in out[i]; it returns the wall
// time.
func Pass(idx algorithms.Index, q vector.Matrix, out [][]int32) time.Duration {
	start := time.Now()
	for i := 0; i < q.Rows; i++ {
		out[i] = idx.Search(q.Row(i), 10, out[i][:0])
	}
	return time.Since(start)
}
