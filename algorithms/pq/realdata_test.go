package pq_test

import (
	"context"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/internal/realdata"
	"github.com/annbench/annbench/algorithms/pq"
)

// TestSiftsmallRecall checks recall@10 of PQ with M=32 on siftsmall, with
// and without exact re-ranking. It needs ANNBENCH_TESTDATA.
func TestSiftsmallRecall(t *testing.T) {
	d := realdata.Open(t, "siftsmall")
	idx, err := pq.New(d.Metric, d.Base.Dim, pq.Config{M: 32, StoreVectors: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Build(context.Background(), d.Base); err != nil {
		t.Fatal(err)
	}
	res := realdata.NewResults(d.Query.Rows)
	for _, tc := range []struct {
		rerank int
		min    float64
	}{{0, 0.75}, {100, 0.99}} {
		if err := idx.SetQuery(algorithms.Params{"rerank": tc.rerank}); err != nil {
			t.Fatal(err)
		}
		realdata.Pass(idx, d.Query, res)
		r := realdata.Recall10(t, d, res)
		t.Logf("siftsmall pq M=32 rerank=%d recall@10=%.3f", tc.rerank, r)
		if r < tc.min {
			t.Errorf("rerank=%d: recall@10 %.3f, want >= %.2f", tc.rerank, r, tc.min)
		}
	}
}
