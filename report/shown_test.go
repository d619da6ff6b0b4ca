package report

import (
	"testing"

	"github.com/annbench/annbench/runner/result"
)

// TestShownIndexParams checks which index parameters legends and tables
// name: those that differ between an algorithm's index sets or from the
// default recorded in the result file, and every parameter of a result
// that records no defaults.
func TestShownIndexParams(t *testing.T) {
	ivfpqDefaults := map[string]any{"nlist": 100, "M": 0, "seed": 1, "training_sample_size": 100000}
	hnswDefaults := map[string]any{"M": 16, "ef_construction": 200, "seed": 1}
	rs := []*result.Result{
		{Algorithm: "ivfpq", IndexDefaults: ivfpqDefaults, IndexParams: map[string]any{"nlist": 100.0, "M": 0.0, "seed": 1.0, "training_sample_size": 100000.0}},
		{Algorithm: "ivfpq", IndexDefaults: ivfpqDefaults, IndexParams: map[string]any{"nlist": 1000.0, "M": 0.0, "seed": 1.0, "training_sample_size": 100000.0}},
		{Algorithm: "hnsw", IndexDefaults: hnswDefaults, IndexParams: map[string]any{"M": 32.0, "ef_construction": 200.0, "seed": 1.0}},
		{Algorithm: "hnsw-peer", IndexParams: map[string]any{"M": 16.0}},
	}
	shown := shownIndexParams(rs)
	want := []string{"nlist=100", "nlist=1000", "M=32", "M=16"}
	for i, r := range rs {
		if got := result.ParamString(shown[r]); got != want[i] {
			t.Errorf("%s %v: shown %q, want %q", r.Algorithm, r.IndexParams, got, want[i])
		}
	}
	names := legendNames(rs)
	if got := names[rs[2]]; got != "hnsw M=32" {
		t.Errorf("legend %q, want %q", got, "hnsw M=32")
	}
}
