package runner

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/algorithms/hnsw"
	"github.com/annbench/annbench/algorithms/ivfflat"
	"github.com/annbench/annbench/algorithms/scann"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// TestFashionMNISTLabelFilter runs {label: query} on Fashion-MNIST's own
// labels (10 classes, 10 % selectivity): the filtered ground truth agrees
// with an independent float64 search over each query's class, flat scores
// recall 1 against it, and hnsw, ivfflat and scann reach 0.95.
func TestFashionMNISTLabelFilter(t *testing.T) {
	dir := os.Getenv("ANNBENCH_TESTDATA")
	if dir == "" {
		t.Skip("ANNBENCH_TESTDATA is not set; set it to a directory holding fashion-mnist/ (e.g. ../shared/datasets) to run the real-data tests")
	}
	if testing.Short() {
		t.Skip("-short: builds three indexes on 60,000 × 784 vectors")
	}
	ctx := context.Background()
	const nq = 200
	tmp := t.TempDir()
	open := func(ctx context.Context, name string) (*datasets.Dataset, error) {
		return datasets.Open(ctx, name, datasets.Options{DataDir: dir, CacheDir: filepath.Join(tmp, "cache"), MaxQueries: nq})
	}
	ds, err := open(ctx, "fashion-mnist")
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	spec := config.FilterSpec{Kind: config.FilterLabel, Label: "query"}
	w, err := newWorkload(ctx, spec, ds, 10)
	if err != nil {
		t.Fatal(err)
	}
	if w.selectivity < 0.099 || w.selectivity > 0.101 || w.short != 0 {
		t.Errorf("selectivity %.4f, %d short queries; want 0.1 and 0", w.selectivity, w.short)
	}
	checkTruth(t, ds, w, 10, func(qi, i int) bool { return ds.BaseLabels[i] == ds.QueryLabels[qi] })

	cfg := &config.Config{Datasets: []config.DatasetSpec{{Name: "fashion-mnist"}}, K: 10, Trials: 1, Mode: config.ModeSingle, Threads: 1,
		Queries: nq, Output: filepath.Join(tmp, "results"), Cache: filepath.Join(tmp, "index-cache"), Filters: []config.FilterSpec{spec}}
	job := func(a algorithms.Algorithm, index algorithms.Params, queries ...algorithms.Params) config.Job {
		ip, err := a.Params.Normalize(algorithms.IndexTime, index)
		if err != nil {
			t.Fatal(err)
		}
		j := config.Job{Dataset: "fashion-mnist", Algorithm: a, Index: ip}
		for _, q := range queries {
			qp, err := a.Params.Normalize(algorithms.QueryTime, q)
			if err != nil {
				t.Fatal(err)
			}
			j.Queries = append(j.Queries, qp)
		}
		return j
	}
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{
		job(flat.Algorithm, nil, algorithms.Params{}),
		job(hnsw.Algorithm, algorithms.Params{"M": 12, "ef_construction": 60}, algorithms.Params{"ef": 32}, algorithms.Params{"ef": 64}),
		job(ivfflat.Algorithm, algorithms.Params{"nlist": 244}, algorithms.Params{"nprobe": 4}, algorithms.Params{"nprobe": 8}),
		job(scann.Algorithm, algorithms.Params{"num_leaves": 100}, algorithms.Params{"leaves_to_search": 4, "reorder": 100}, algorithms.Params{"leaves_to_search": 8, "reorder": 100}),
	}}
	paths, err := Run(ctx, plan, Options{Open: open})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		r, err := result.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		if r.Filter == nil || r.Filter.ID != "label=query" || r.Filter.PostFilter {
			t.Fatalf("%s: filter %+v", p, r.Filter)
		}
		best := 0.0
		for _, pt := range r.Points {
			t.Logf("%s %v: recall %.4f (disallowed %d)", r.Algorithm, pt.QueryParams, pt.Recall, pt.Invalid.Disallowed)
			best = max(best, pt.Recall)
			if pt.Invalid != (result.Invalid{}) {
				t.Errorf("%s %v: invalid output %+v", r.Algorithm, pt.QueryParams, pt.Invalid)
			}
		}
		want := 0.95
		if r.Algorithm == "flat" {
			want = 1
		}
		if best < want {
			t.Errorf("%s: best filtered recall %.4f, want >= %.2f", r.Algorithm, best, want)
		}
	}
}
