package external

import (
	"context"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/groundtruth"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets/vector"
)

// TestShippedAdaptersFiltered runs every shipped adapter with an allow file
// mixing id ranges and id lists (a fifth of the base each) and checks the
// results against the exact filtered neighbours: no disallowed id, the
// recall of unfiltered search on this data, and the filter mode each adapter is expected to report.
func TestShippedAdaptersFiltered(t *testing.T) {
	base, q := randomMatrix(2000, 16, 5), randomMatrix(20, 16, 6)
	n := base.Rows
	allow := make([]*algorithms.Allow, q.Rows)
	var every5 []int32
	for id := 0; id < n; id += 5 {
		every5 = append(every5, int32(id))
	}
	list, err := algorithms.AllowIDs(n, every5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range allow {
		if i%2 == 0 {
			allow[i] = algorithms.AllowRange(n, i*50, i*50+n/5)
		} else {
			allow[i] = list
		}
	}
	gt, err := groundtruth.Filtered(context.Background(), vector.L2, base, q, allow, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := score.NewFiltered(vector.L2, base, q, gt, 10, func(qi int, id int32) bool { return allow[qi].Contains(id) })
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, filter string
		index, query map[string]any
		min          float64
	}{
		{"faiss-flat", "native", nil, nil, 1},
		{"faiss-ivfflat", "native", map[string]any{"nlist": 8}, map[string]any{"nprobe": 8}, 1},
		{"faiss-ivfpq", "native", map[string]any{"nlist": 8, "M": 8}, map[string]any{"nprobe": 8}, 0.3},
		{"faiss-ivfpqfs", "post", map[string]any{"nlist": 8, "M": 8}, map[string]any{"nprobe": 8, "reorder": 50}, 0.95},
		{"faiss-hnsw", "native", nil, map[string]any{"ef": 200}, 0.95},
		{"hnswlib", "post", nil, map[string]any{"ef": 200}, 0.95},
		{"usearch", "post", nil, map[string]any{"expansion_search": 200}, 0.95},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := shippedIndex(t, c.name, c.index, base)
			if !x.Filters() {
				t.Fatalf("%s does not declare capability filter", c.name)
			}
			var alg algorithms.Algorithm
			for _, a := range Shipped {
				if a.Name == c.name {
					alg = a
				}
			}
			qp, err := alg.Params.Normalize(algorithms.QueryTime, c.query)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.SetQuery(qp); err != nil {
				t.Fatal(err)
			}
			for _, batch := range []bool{false, true} {
				r, err := x.TimePasses(context.Background(), algorithms.TimedRequest{Queries: q, K: 10, Batch: batch,
					Threads: 1, Warmup: 1, Passes: 1, Repeats: 1, Allow: allow})
				if err != nil {
					t.Fatalf("batch=%v: %v", batch, err)
				}
				if r.Filter != c.filter {
					t.Errorf("batch=%v: filter %q, want %q", batch, r.Filter, c.filter)
				}
				sc, err := truth.Score(r.IDs)
				if err != nil {
					t.Fatal(err)
				}
				if sc.Invalid.Disallowed != 0 || sc.Recall < c.min {
					t.Errorf("batch=%v: recall %.3f with %d disallowed ids, want ≥ %.2f and 0", batch, sc.Recall, sc.Invalid.Disallowed, c.min)
				}
			}
		})
	}
}
