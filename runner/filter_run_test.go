package runner

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/algorithms/hnsw"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// ignoresFilter is an index that claims filtered search but returns the
// unfiltered answer: the scorer must not credit the disallowed ids.
type ignoresFilter struct{ *flat.Index }

func (x ignoresFilter) SearchFiltered(q []float32, k int, _ *algorithms.Allow, dst []int32) []int32 {
	return x.Search(q, k, dst)
}

var cheat = algorithms.Algorithm{Name: "cheat", Doc: "flat that ignores filters", Metrics: vector.Metrics,
	New: func(m vector.Metric, dim int, _ algorithms.Params) (algorithms.Index, error) {
		x, err := flat.New(m, dim)
		return ignoresFilter{x}, err
	}}

func TestRunFilterWorkloads(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	idsPath := filepath.Join(dir, "subset.npy")
	var ids []int64
	for i := int64(0); i < 250; i++ { // 5 % of 5000
		ids = append(ids, i*20)
	}
	writeNpyInt64(t, idsPath, ids)
	cfg := &config.Config{Datasets: []config.DatasetSpec{{Name: "synthetic-5000-16"}}, K: 10, Trials: 2, Mode: config.ModeSingle, Threads: 1,
		Queries: 60, Output: filepath.Join(dir, "results"), Cache: filepath.Join(dir, "cache"),
		Filters: []config.FilterSpec{{Kind: config.FilterNone}, {Kind: config.FilterLabel, Label: "query"},
			{Kind: config.FilterRange, Fraction: 0.02}, {Kind: config.FilterIDs, IDs: idsPath, IDsHash: "00000000"}}}
	job := func(a algorithms.Algorithm, index, query algorithms.Params) config.Job {
		ip, err := a.Params.Normalize(algorithms.IndexTime, index)
		if err != nil {
			t.Fatal(err)
		}
		qp, err := a.Params.Normalize(algorithms.QueryTime, query)
		if err != nil {
			t.Fatal(err)
		}
		return config.Job{Dataset: "synthetic-5000-16", Algorithm: a, Index: ip, Queries: []algorithms.Params{qp}}
	}
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{
		job(flat.Algorithm, nil, nil),
		job(hnsw.Algorithm, algorithms.Params{"M": 12, "ef_construction": 80}, algorithms.Params{"ef": 64}),
		job(pq.Algorithm, algorithms.Params{"M": 8}, algorithms.Params{"rerank": 100}),
		job(cheat, nil, nil),
	}}
	open := func(ctx context.Context, name string) (*datasets.Dataset, error) {
		return datasets.Open(ctx, name, datasets.Options{})
	}
	paths, err := Run(ctx, plan, Options{Open: open})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 16 {
		t.Fatalf("%d result files, want 4 algorithms × 4 workloads: %v", len(paths), paths)
	}
	got := map[string]map[string]*result.Result{}
	for _, p := range paths {
		r, err := result.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		id := ""
		if r.Filter != nil {
			id = r.Filter.ID
		}
		if got[r.Algorithm] == nil {
			got[r.Algorithm] = map[string]*result.Result{}
		}
		if got[r.Algorithm][id] != nil {
			t.Fatalf("two files for %s %q", r.Algorithm, id)
		}
		got[r.Algorithm][id] = r
	}
	for _, id := range []string{"", "label=query", "range=0.02", "ids=subset-00000000"} {
		f := got["flat"][id]
		if f == nil {
			t.Fatalf("no flat result for workload %q", id)
		}
		if p := f.Points[0]; p.Recall != 1 || p.RecallAt1 != 1 {
			t.Errorf("flat [%s]: recall %v, recall@1 %v, want 1", id, p.Recall, p.RecallAt1)
		}
		if h := got["hnsw"][id].Points[0]; h.Recall < 0.9 {
			t.Errorf("hnsw [%s]: recall %.3f, want >= 0.9", id, h.Recall)
		}
		if id == "" {
			continue
		}
		if f.Filter.PostFilter || !got["pq"][id].Filter.PostFilter {
			t.Errorf("[%s]: post_filter flat %v pq %v, want false and true", id, f.Filter.PostFilter, got["pq"][id].Filter.PostFilter)
		}
		c := got["cheat"][id].Points[0]
		if c.Invalid.Disallowed == 0 || c.Recall >= 1 {
			t.Errorf("[%s]: an index ignoring the filter scored recall %.3f with %d disallowed ids", id, c.Recall, c.Invalid.Disallowed)
		}
	}
	if d := got["hnsw"][""].IndexDefaults; d["M"] == nil || d["ef_construction"] == nil {
		t.Errorf("hnsw result records index defaults %v, want the registered ones", d)
	}
	if s := got["flat"]["range=0.02"].Filter.Selectivity; s < 0.019 || s > 0.022 {
		t.Errorf("range=0.02 selectivity %.4f", s)
	}
	if s := got["flat"]["ids=subset-00000000"].Filter.Selectivity; s != 0.05 {
		t.Errorf("ids selectivity %.4f, want 0.05", s)
	}
	// A second run measures nothing again.
	again, err := Run(ctx, plan, Options{Open: open})
	if err != nil || len(again) != 16 {
		t.Fatalf("resume: %d paths, %v", len(again), err)
	}
}
