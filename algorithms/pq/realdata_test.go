package pq_test

import (
	"context"
	"os"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/datasets"
)

// TestSiftsmallRecall checks recall@10 of PQ with M=32 on siftsmall, with
// and without exact re-ranking. It needs ANNBENCH_TESTDATA.
func TestSiftsmallRecall(t *testing.T) {
	dir := os.Getenv("ANNBENCH_TESTDATA")
	if dir == "" {
		t.Skip("ANNBENCH_TESTDATA is not set; set it to the directory holding siftsmall/ to run real-data tests")
	}
	d, err := datasets.Open(context.Background(), "siftsmall", datasets.Options{DataDir: dir, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	idx, err := pq.New(d.Metric, d.Base.Dim, pq.Config{M: 32, StoreVectors: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Build(context.Background(), d.Base); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rerank int
		min    float64
	}{{0, 0.75}, {100, 0.99}} {
		if err := idx.SetQuery(algorithms.Params{"rerank": tc.rerank}); err != nil {
			t.Fatal(err)
		}
		var hits int
		for qi := 0; qi < d.Query.Rows; qi++ {
			ids := idx.Search(d.Query.Row(qi), 10, nil)
			for _, id := range ids {
				for _, g := range d.GroundTruth.Row(qi)[:10] {
					if id == g {
						hits++
					}
				}
			}
		}
		r := float64(hits) / float64(10*d.Query.Rows)
		t.Logf("siftsmall pq M=32 rerank=%d recall@10=%.3f", tc.rerank, r)
		if r < tc.min {
			t.Errorf("rerank=%d: recall@10 %.3f, want >= %.2f", tc.rerank, r, tc.min)
		}
	}
}
