package conformance_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/algorithms/registry"
	"github.com/annbench/annbench/datasets/vector"
)

// BenchmarkSearchBuiltVsLoaded compares, for every registered algorithm
// with default parameters, the search speed of a freshly built index with
// that of the same index saved and loaded again, on seeded clustered data
// of the quickstart's shape (20000 × 64, l2). The two are searched
// alternately, query by query and in alternating order, so a slow moment
// of the machine hits both alike. It reports each side's median ns per
// query and the median of the per-query ratio loaded/built, which should
// be 1 within noise:
//
//	go test ./algorithms/conformance -run '^$' -bench BuiltVsLoaded -benchtime 20000x
func BenchmarkSearchBuiltVsLoaded(b *testing.B) {
	base, queries := conformance.Clustered(7, 20000, 200, 64, vector.L2)
	for _, a := range registry.All {
		b.Run(a.Name, func(b *testing.B) {
			built, loaded := builtAndLoaded(b, a, base)
			const k = 10
			dst := make([]int32, 0, k)
			tBuilt, tLoaded := make([]float64, b.N), make([]float64, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := queries.Row(i % queries.Rows)
				first, second, t1, t2 := built, loaded, &tBuilt[i], &tLoaded[i]
				if i%2 == 1 {
					first, second, t1, t2 = loaded, built, &tLoaded[i], &tBuilt[i]
				}
				start := time.Now()
				first.Search(q, k, dst)
				mid := time.Now()
				second.Search(q, k, dst)
				*t1 = float64(mid.Sub(start))
				*t2 = float64(time.Since(mid))
			}
			b.StopTimer()
			// Medians: a preemption lands on one search of a pair, and
			// must not decide the result.
			ratio := make([]float64, b.N)
			for i := range ratio {
				ratio[i] = tLoaded[i] / max(tBuilt[i], 1)
			}
			b.ReportMetric(median(tBuilt), "built-ns/query")
			b.ReportMetric(median(tLoaded), "loaded-ns/query")
			b.ReportMetric(median(ratio), "loaded/built")
		})
	}
}

// builtAndLoaded builds a's index on base with default parameters, saves
// it and loads the file into a second index; both get default query
// parameters.
func builtAndLoaded(b *testing.B, a algorithms.Algorithm, base vector.Matrix) (built, loaded algorithms.Index) {
	b.Helper()
	ip, err := a.Params.Normalize(algorithms.IndexTime, nil)
	if err != nil {
		b.Fatal(err)
	}
	qp, err := a.Params.Normalize(algorithms.QueryTime, nil)
	if err != nil {
		b.Fatal(err)
	}
	idx := func() algorithms.Index {
		x, err := a.New(vector.L2, base.Dim, ip)
		if err != nil {
			b.Fatal(err)
		}
		if qt, ok := x.(algorithms.QueryTuner); ok {
			if err := qt.SetQuery(qp); err != nil {
				b.Fatal(err)
			}
		}
		return x
	}
	built = idx()
	if err := built.Build(context.Background(), base); err != nil {
		b.Fatal(err)
	}
	var file bytes.Buffer
	if err := built.(algorithms.Saver).Save(&file); err != nil {
		b.Fatal(err)
	}
	loaded = idx()
	if err := loaded.(algorithms.Loader).Load(&file); err != nil {
		b.Fatal(err)
	}
	return built, loaded
}

// median returns the median of v, reordering it.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
