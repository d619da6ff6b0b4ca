package runner

import (
	"context"
	"os"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// runFlatPoint runs flat once over ds and returns its point.
func runFlatPoint(t *testing.T, cfg *config.Config, ds *datasets.Dataset) result.Point {
	t.Helper()
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}
	paths, err := Run(context.Background(), plan, Options{Open: opener(ds)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	return r.Points[0]
}

// TestKNNAccuracyPoints: with labels every point carries the kNN accuracy
// of its results and of exact search (equal for flat); without, neither.
func TestKNNAccuracyPoints(t *testing.T) {
	ds := testDataset(500, 40, 16, vector.L2)
	p := runFlatPoint(t, testConfig(t, config.ModeSingle, 1), ds)
	if p.KNNAccuracy != nil || p.ExactKNNAccuracy != nil {
		t.Fatalf("no labels, yet accuracy %v / %v", p.KNNAccuracy, p.ExactKNNAccuracy)
	}
	ds.BaseLabels = make([]int32, ds.Base.Rows)
	ds.QueryLabels = make([]int32, ds.Query.Rows)
	for i := range ds.BaseLabels {
		ds.BaseLabels[i] = int32(i % 3)
	}
	for i := range ds.QueryLabels {
		ds.QueryLabels[i] = int32(i % 3)
	}
	p = runFlatPoint(t, testConfig(t, config.ModeSingle, 1), ds)
	if p.KNNAccuracy == nil || p.ExactKNNAccuracy == nil || *p.KNNAccuracy != *p.ExactKNNAccuracy {
		t.Fatalf("flat accuracy %v, exact %v; want both, equal", p.KNNAccuracy, p.ExactKNNAccuracy)
	}
}

// TestFashionMNISTKNNAccuracy is issue 13's check: flat's kNN accuracy
// (k=10, first 1,000 queries) equals a majority vote over the shipped
// ground truth's first 10 ids (nearest first, so the earliest of the tied
// labels wins) within 0.001. It needs ANNBENCH_TESTDATA.
func TestFashionMNISTKNNAccuracy(t *testing.T) {
	dir := os.Getenv("ANNBENCH_TESTDATA")
	if dir == "" {
		t.Skip("ANNBENCH_TESTDATA is not set; set it to the directory holding fashion-mnist/ to run real-data tests")
	}
	ds, err := datasets.Open(context.Background(), "fashion-mnist", datasets.Options{DataDir: dir, CacheDir: t.TempDir(), MaxQueries: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	cfg := testConfig(t, config.ModeBatch, 2)
	cfg.Trials = 1
	cfg.Datasets = []config.DatasetSpec{{Name: "fashion-mnist"}}
	job := config.Job{Dataset: "fashion-mnist", Algorithm: flat.Algorithm, Index: algorithms.Params{}, Queries: []algorithms.Params{{}}}
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{job}}
	paths, err := Run(context.Background(), plan, Options{Open: opener(ds)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	p := r.Points[0]
	correct := 0
	for qi := 0; qi < 1000; qi++ {
		count := map[int32]int{}
		top := 0
		ids := ds.GroundTruth.Row(qi)[:10]
		for _, id := range ids {
			count[ds.BaseLabels[id]]++
			top = max(top, count[ds.BaseLabels[id]])
		}
		for _, id := range ids {
			if count[ds.BaseLabels[id]] == top {
				if ds.BaseLabels[id] == ds.QueryLabels[qi] {
					correct++
				}
				break
			}
		}
	}
	want := float64(correct) / 1000
	t.Logf("fashion-mnist flat k=10, 1000 queries: kNN accuracy %.4f (exact %.4f), independent %.4f", *p.KNNAccuracy, *p.ExactKNNAccuracy, want)
	if p.KNNAccuracy == nil || *p.KNNAccuracy < want-0.001 || *p.KNNAccuracy > want+0.001 {
		t.Errorf("kNN accuracy %v, independent computation %.4f", p.KNNAccuracy, want)
	}
}
