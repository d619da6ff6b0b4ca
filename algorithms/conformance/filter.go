package conformance

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets/vector"
)

// filterCase is one allow-set the filtered check searches with.
type filterCase struct {
	name  string
	allow *algorithms.Allow
}

// filterCases returns allow-sets of several forms and selectivities over a
// base of n rows: id ranges and random id lists, from a few times k rows up
// to a third of the base.
func filterCases(rng *rand.Rand, n int) []filterCase {
	var out []filterCase
	for _, share := range []float64{0.3, 0.1, 0.02} {
		size := max(int(share*float64(n)), 2*k)
		lo := rng.IntN(n - size + 1)
		out = append(out, filterCase{fmt.Sprintf("range_%g", share), algorithms.AllowRange(n, lo, lo+size)})
		ids := rng.Perm(n)[:size]
		list := make([]int32, size)
		for i, id := range ids {
			list[i] = int32(id)
		}
		a, err := algorithms.AllowIDs(n, list)
		if err != nil {
			panic(err) // ids come from Perm(n): always in range
		}
		out = append(out, filterCase{fmt.Sprintf("ids_%g", share), a})
	}
	return out
}

// checkFiltered searches with each allow-set, through the index's own
// FilteredSearcher or, without one, through algorithms.PostFilter, and
// checks that every id is allowed and the recall against exact search over
// the allowed rows reaches the case's minimum.
func checkFiltered(t *testing.T, c Case, m vector.Metric, idx algorithms.Index, base, queries vector.Matrix) {
	rng := rand.New(rand.NewPCG(c.Seed, 99))
	for _, fc := range filterCases(rng, base.Rows) {
		t.Run(fc.name, func(t *testing.T) {
			r := FilteredRecall(t, m, idx, base, queries, fc.allow)
			t.Logf("%s %s %s (%d allowed) filtered recall@%d = %.4f", c.Algorithm.Name, m, fc.name, fc.allow.Count(), k, r)
			if r < c.MinRecall {
				t.Errorf("filtered recall@%d = %.4f, want >= %.2f", k, r, c.MinRecall)
			}
		})
	}
}

// FilteredRecall searches every query with allow, through the index's own
// FilteredSearcher or, without one, through algorithms.PostFilter, fails t
// when a result is malformed, holds an id outside the allow-set or has
// fewer than 10 ids, and returns the mean tie-aware recall@10 against exact
// search over the allowed rows. Index packages use it to test their
// filtered paths on data larger than the suite's.
func FilteredRecall(t *testing.T, m vector.Metric, idx algorithms.Index, base, queries vector.Matrix, allow *algorithms.Allow) float64 {
	t.Helper()
	fs, ok := idx.(algorithms.FilteredSearcher)
	if !ok {
		fs = &algorithms.PostFilter{Index: idx}
	}
	// The allowed rows as their own base, to score against.
	sub := vector.NewMatrix(allow.Count(), base.Dim)
	at := map[int32]int32{}
	allow.Each(func(id int32) {
		at[id] = int32(len(at))
		copy(sub.Row(len(at)-1), base.Row(int(id)))
	})
	tr, err := score.New(m, sub, queries, exactNeighbors(m, sub, queries, k), k)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	dst := make([]int32, 0, k)
	mapped := make([]int32, 0, k)
	for qi := 0; qi < queries.Rows; qi++ {
		q := queries.Row(qi)
		ids := fs.SearchFiltered(q, k, allow, dst)
		if err := validate(ids, k, base.Rows); err != nil {
			t.Fatalf("query %d: %v", qi, err)
		}
		mapped = mapped[:0]
		for _, id := range ids {
			j, ok := at[id]
			if !ok {
				t.Fatalf("query %d: id %d is not in the allow-set", qi, id)
			}
			mapped = append(mapped, j)
		}
		if len(ids) < min(k, allow.Count()) {
			t.Fatalf("query %d: %d results for k=%d with %d allowed rows", qi, len(ids), k, allow.Count())
		}
		sum += float64(tr.Query(qi, mapped).Hits) / float64(tr.K())
	}
	return sum / float64(queries.Rows)
}

// Clustered returns n seeded vectors around 24 cluster centres in dim
// dimensions (unit length for ip and angular), with queries drawn from the
// same mixture: the suite's data, for index packages' own larger tests.
func Clustered(seed uint64, n, queries, dim int, m vector.Metric) (base, query vector.Matrix) {
	rng := rand.New(rand.NewPCG(seed, uint64(len(m))))
	cs := centers(rng, 24, dim)
	return clustered(rng, cs, n, m), clustered(rng, cs, queries, m)
}
