package registry

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/datasets/vector"
)

// TestFilteredPaths checks both branches of every index's filtered search
// on data large enough for them to differ: a broad allow-set must go
// through the index and keep its recall; a narrow one must be scanned
// exactly and be exact. The distance count tells the paths apart: the
// exact scan measures each allowed row once (hnsw may first spend its
// graph budget), while the index path measures coarse centroids or graph
// neighbours too and never all rows.
func TestFilteredPaths(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four indexes on 10k vectors")
	}
	const n, nq, dim = 10000, 50, 32
	cases := []struct {
		name         string
		index, query algorithms.Params
		// exactSmall: the narrow allow-set is answered exactly.
		exactSmall bool
	}{
		{"hnsw", algorithms.Params{"M": 16, "ef_construction": 100}, algorithms.Params{"ef": 64}, true},
		{"ivfflat", algorithms.Params{"nlist": 32}, algorithms.Params{"nprobe": 4}, true},
		{"ivfpq", algorithms.Params{"nlist": 32, "M": 8, "store_vectors": true}, algorithms.Params{"nprobe": 8, "rerank": 100}, true},
		{"scann", algorithms.Params{"num_leaves": 32}, algorithms.Params{"leaves_to_search": 4, "reorder": 100}, true},
	}
	for _, m := range []vector.Metric{vector.L2, vector.IP} {
		base, queries := conformance.Clustered(7, n, nq, dim, m)
		rng := rand.New(rand.NewPCG(3, 4))
		broadIDs := make([]int32, 0, n/5)
		for _, id := range rng.Perm(n)[:n/5] {
			broadIDs = append(broadIDs, int32(id))
		}
		broadSet, err := algorithms.AllowIDs(n, broadIDs)
		if err != nil {
			t.Fatal(err)
		}
		broad := []*algorithms.Allow{algorithms.AllowRange(n, n/4, 3*n/4), broadSet}
		narrow := algorithms.AllowRange(n, 1000, 1030)
		for _, tc := range cases {
			t.Run(string(m)+"/"+tc.name, func(t *testing.T) {
				a, err := Lookup(tc.name)
				if err != nil {
					t.Fatal(err)
				}
				ip, err := a.Params.Normalize(algorithms.IndexTime, tc.index)
				if err != nil {
					t.Fatal(err)
				}
				qp, err := a.Params.Normalize(algorithms.QueryTime, tc.query)
				if err != nil {
					t.Fatal(err)
				}
				idx, err := a.New(m, dim, ip)
				if err != nil {
					t.Fatal(err)
				}
				if err := idx.Build(context.Background(), base); err != nil {
					t.Fatal(err)
				}
				if err := idx.(algorithms.QueryTuner).SetQuery(qp); err != nil {
					t.Fatal(err)
				}
				if _, ok := idx.(algorithms.FilteredSearcher); !ok {
					t.Fatalf("%s does not implement FilteredSearcher", tc.name)
				}
				c := idx.(algorithms.Counter)
				for i, allow := range broad {
					c.ResetDistanceCount()
					r := conformance.FilteredRecall(t, m, idx, base, queries, allow)
					per := float64(c.DistanceCount()) / nq
					t.Logf("broad %d (%d allowed): recall %.4f, %.0f distances/query", i, allow.Count(), r, per)
					if per == float64(allow.Count()) || per >= n {
						t.Errorf("broad allow-set %d: %.0f distances per query for %d allowed rows: the index path was not taken", i, per, allow.Count())
					}
					if r < 0.9 {
						t.Errorf("broad allow-set %d: recall %.4f, want >= 0.9", i, r)
					}
				}
				// The same rows as a range and as an id list: the same answers.
				asIDs := make([]int32, 0, 500)
				for id := int32(4000); id < 4500; id++ {
					asIDs = append(asIDs, id)
				}
				set, _ := algorithms.AllowIDs(n, asIDs)
				rng := algorithms.AllowRange(n, 4000, 4500)
				fs := idx.(algorithms.FilteredSearcher)
				for qi := 0; qi < nq; qi++ {
					a := fs.SearchFiltered(queries.Row(qi), 10, rng, nil)
					b := fs.SearchFiltered(queries.Row(qi), 10, set, nil)
					if !slices.Equal(a, b) {
						t.Fatalf("query %d: range form %v, id-list form %v of the same 500 rows", qi, a, b)
					}
				}
				c.ResetDistanceCount()
				r := conformance.FilteredRecall(t, m, idx, base, queries, narrow)
				per := float64(c.DistanceCount()) / nq
				t.Logf("narrow (%d allowed): recall %.4f, %.0f distances/query", narrow.Count(), r, per)
				if tc.exactSmall && (r < 1 || per < float64(narrow.Count())) {
					t.Errorf("narrow allow-set: recall %.4f with %.0f distances per query, want the exact scan of %d rows (recall 1)", r, per, narrow.Count())
				}
			})
		}
	}
}
