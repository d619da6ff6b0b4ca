package scann

import (
	"context"
	"slices"
	"testing"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// exactTopK returns the ids of the k nearest base rows of every query.
func exactTopK(metric vector.Metric, base, queries vector.Matrix, k int) [][]int32 {
	dist := distance.For(metric)
	out := make([][]int32, queries.Rows)
	var h topk.Heap
	for qi := range out {
		h.Reset(k)
		q := queries.Row(qi)
		for i := 0; i < base.Rows; i++ {
			h.Push(dist(q, base.Row(i)), int32(i))
		}
		out[qi] = h.AppendSorted(nil, nil)
	}
	return out
}

// recallAt returns the mean fraction of the true k nearest ids found.
func recallAt(x *Index, queries vector.Matrix, truth [][]int32, k, leaves, reorder int) float64 {
	s := new(scratch)
	s.ensure(x)
	var hits int
	dst := make([]int32, 0, k)
	for qi, want := range truth {
		got := x.search(s, queries.Row(qi), k, leaves, reorder, nil, dst)
		for _, id := range got {
			if slices.Contains(want[:k], id) {
				hits++
			}
		}
	}
	return float64(hits) / float64(k*len(truth))
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
	truth := exactTopK(ds.Metric, ds.Base, ds.Query, k)
	recall := map[float64]float64{}
	for _, T := range []float64{0, 0.2} {
		x := buildIndex(t, ds.Metric, ds.Base, Options{NumLeaves: 50, Threshold: T, TrainingSampleSize: 10000})
		recall[T] = recallAt(x, ds.Query, truth, k, 10, 0)
		t.Logf("synthetic-ip-20k-64 4-bit dpb=2 leaves=50 search=10 no reorder: T=%.1f recall@10 = %.4f", T, recall[T])
	}
	const margin = 0.03
	if recall[0.2] < recall[0]+margin {
		t.Errorf("recall@10 before re-ranking: T=0.2 %.4f, T=0 %.4f; want a gain of at least %.2f", recall[0.2], recall[0], margin)
	}
}
