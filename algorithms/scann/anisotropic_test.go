package scann

import (
	"context"
	"testing"

	"github.com/annbench/annbench/algorithms/groundtruth"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// exactTruth is the scorer for queries against exact ground truth over
// base at depth k.
func exactTruth(tb testing.TB, metric vector.Metric, base, queries vector.Matrix, k int) *score.Truth {
	tb.Helper()
	gt, _, err := groundtruth.Compute(context.Background(), metric, base, queries, k, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tr, err := score.New(metric, base, queries, gt, k)
	if err != nil {
		tb.Fatal(err)
	}
	return tr
}

// recallAt is recall@k of x on queries searching leaves leaves and
// re-ranking reorder candidates, scored by truth.
func recallAt(tb testing.TB, x *Index, queries vector.Matrix, truth *score.Truth, k, leaves, reorder int) float64 {
	tb.Helper()
	s := new(scratch)
	s.ensure(x)
	results := make([][]int32, queries.Rows)
	for qi := range results {
		results[qi] = x.search(s, queries.Row(qi), k, leaves, reorder, nil, nil)
	}
	sc, err := truth.Score(results)
	if err != nil {
		tb.Fatal(err)
	}
	return sc.Recall
}

func buildIndex(t testing.TB, metric vector.Metric, base vector.Matrix, opt Options) *Index {
	t.Helper()
	x, err := New(metric, base.Dim, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Build(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	return x
}

// TestAnisotropicBeatsReconstruction checks the point of the anisotropic
// loss: on maximum inner product data with varying norms, at equal bits
// per vector and equal leaves searched, T = 0.2 ranks the true top 10
// better before re-ranking than the plain reconstruction loss (T = 0).
func TestAnisotropicBeatsReconstruction(t *testing.T) {
	ds, err := datasets.Open(context.Background(), "synthetic-ip-20k-64", datasets.Options{MaxQueries: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	const k = 10
	truth := exactTruth(t, ds.Metric, ds.Base, ds.Query, k)
	recall := map[float64]float64{}
	for _, T := range []float64{0, 0.2} {
		x := buildIndex(t, ds.Metric, ds.Base, Options{NumLeaves: 50, Threshold: T, TrainingSampleSize: 10000})
		recall[T] = recallAt(t, x, ds.Query, truth, k, 10, 0)
		t.Logf("synthetic-ip-20k-64 4-bit dpb=2 leaves=50 search=10 no reorder: T=%.1f recall@10 = %.4f", T, recall[T])
	}
	const margin = 0.03
	if recall[0.2] < recall[0]+margin {
		t.Errorf("recall@10 before re-ranking: T=0.2 %.4f, T=0 %.4f; want a gain of at least %.2f", recall[0.2], recall[0], margin)
	}
}
