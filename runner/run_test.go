package runner

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/algorithms/groundtruth"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// testDataset is a small seeded dataset without ground truth.
func testDataset(n, nq, dim int, metric vector.Metric) *datasets.Dataset {
	rng := rand.New(rand.NewPCG(7, 11))
	gen := func(rows int) vector.Matrix {
		m := vector.NewMatrix(rows, dim)
		for i := range m.Data {
			m.Data[i] = float32(rng.NormFloat64())
		}
		return m
	}
	return &datasets.Dataset{Name: "test", Metric: metric, Base: gen(n), Query: gen(nq)}
}

func opener(ds *datasets.Dataset) func(context.Context, string) (*datasets.Dataset, error) {
	return func(context.Context, string) (*datasets.Dataset, error) {
		cp := *ds
		return &cp, nil
	}
}

func flatJob(queries int) config.Job {
	qs := make([]algorithms.Params, queries)
	for i := range qs {
		qs[i] = algorithms.Params{}
	}
	return config.Job{Dataset: "test", Algorithm: flat.Algorithm, Index: algorithms.Params{}, Queries: qs[:1]}
}

func testConfig(t *testing.T, mode string, threads int) *config.Config {
	dir := t.TempDir()
	return &config.Config{Datasets: []config.DatasetSpec{{Name: "test"}}, K: 10, Trials: 2, Mode: mode, Threads: threads,
		Output: filepath.Join(dir, "results"), Cache: filepath.Join(dir, "cache")}
}

func TestRunFlatIsExact(t *testing.T) {
	for _, mode := range []string{config.ModeSingle, config.ModeBatch, config.ModeParallel} {
		for _, metric := range vector.Metrics {
			t.Run(mode+"/"+string(metric), func(t *testing.T) {
				cfg := testConfig(t, mode, 2)
				ds := testDataset(500, 40, 16, metric)
				plan := &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}
				paths, err := Run(context.Background(), plan, Options{Open: opener(ds)})
				if err != nil {
					t.Fatal(err)
				}
				if len(paths) != 1 {
					t.Fatalf("paths = %v, want one", paths)
				}
				r, err := result.Read(paths[0])
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Points) != 1 {
					t.Fatalf("%d points, want 1", len(r.Points))
				}
				p := r.Points[0]
				if p.Recall != 1 || p.RecallAt1 != 1 {
					t.Errorf("flat recall@10 = %v, recall@1 = %v, want 1 and 1", p.Recall, p.RecallAt1)
				}
				if p.QPS <= 0 || p.QPSMin > p.QPS || p.QPSMax < p.QPS || len(p.PassQPS) != 2 {
					t.Errorf("inconsistent timing: qps %v min %v max %v passes %v", p.QPS, p.QPSMin, p.QPSMax, p.PassQPS)
				}
				if mode == config.ModeSingle && (p.LatencyUS.P50 <= 0 || p.LatencyUS.P99 < p.LatencyUS.P50) {
					t.Errorf("latency percentiles %+v", p.LatencyUS)
				}
				if r.Build.IndexBytes != 500*16*4 {
					t.Errorf("index bytes %d, want %d", r.Build.IndexBytes, 500*16*4)
				}
				if p.DistanceCount != 500 {
					t.Errorf("distance count per query %v, want 500", p.DistanceCount)
				}
			})
		}
	}
}

func TestRunResumesAndForces(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(300, 20, 8, vector.L2)
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}
	var log strings.Builder
	if _, err := Run(context.Background(), plan, Options{Open: opener(ds), Log: &log}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "building") {
		t.Fatalf("first run did not build:\n%s", log.String())
	}
	log.Reset()
	if _, err := Run(context.Background(), plan, Options{Open: opener(ds), Log: &log}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "already in") {
		t.Fatalf("second run did not skip finished points:\n%s", log.String())
	}
	log.Reset()
	if _, err := Run(context.Background(), plan, Options{Open: opener(ds), Log: &log, Force: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "building") || strings.Contains(log.String(), "loaded from cache") {
		t.Fatalf("forced run did not rebuild the index:\n%s", log.String())
	}
}

// badIndex returns malformed results: a duplicate, an out-of-range id and
// more than k ids.
type badIndex struct{ n int }

func (b *badIndex) Build(_ context.Context, base vector.Matrix) error { b.n = base.Rows; return nil }
func (b *badIndex) Search(q []float32, k int, dst []int32) []int32 {
	dst = append(dst[:0], 0, 0, int32(b.n+5))
	for i := int32(1); len(dst) < k+2; i++ {
		dst = append(dst, i)
	}
	return dst
}

func TestInvalidOutputNeverRaisesRecall(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(200, 10, 8, vector.L2)
	alg := algorithms.Algorithm{Name: "bad", Metrics: vector.Metrics,
		New: func(vector.Metric, int, algorithms.Params) (algorithms.Index, error) { return &badIndex{}, nil }}
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{{Dataset: "test", Algorithm: alg, Index: algorithms.Params{}, Queries: []algorithms.Params{{}}}}}
	paths, err := Run(context.Background(), plan, Options{Open: opener(ds)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	p := r.Points[0]
	if p.Invalid.Duplicates != 10 || p.Invalid.OutOfRange != 10 || p.Invalid.TooMany != 10 {
		t.Errorf("invalid = %+v, want 10 of each", p.Invalid)
	}
	if p.Recall > 0.5 {
		t.Errorf("recall %v from mostly arbitrary ids", p.Recall)
	}
}

func TestCancelledRunKeepsFinishedResults(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(300, 20, 8, vector.L2)
	ctx, cancel := context.WithCancel(context.Background())
	var calls int
	open := func(c context.Context, name string) (*datasets.Dataset, error) {
		calls++
		if calls == 2 {
			cancel() // the second dataset is opened after the first finished
		}
		return opener(ds)(c, name)
	}
	j1, j2 := flatJob(1), flatJob(1)
	j2.Dataset = "test2"
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{j1, j2}}
	paths, err := Run(ctx, plan, Options{Open: open})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(paths) != 1 {
		t.Fatalf("paths = %v, want the first job's file", paths)
	}
	if _, err := result.Read(paths[0]); err != nil {
		t.Fatalf("finished result lost: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(paths[0]))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestWrongShippedGroundTruthIsAnError: ground truth whose rows belong to
// other queries (issue 12's shifted file) stops the run before any point
// is measured, instead of inflating recall.
func TestWrongShippedGroundTruthIsAnError(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(500, 40, 16, vector.L2)
	ids, _, err := groundtruth.Compute(context.Background(), ds.Metric, ds.Base, ds.Query, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	shifted := vector.IDMatrix{Data: append(ids.Data[10:], ids.Data[:10]...), Rows: ids.Rows, Dim: 10, Stride: 10}
	ds.GroundTruth = shifted
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}
	paths, err := Run(context.Background(), plan, Options{Open: opener(ds)})
	if err == nil || !strings.Contains(err.Error(), "disagree with exact search") || len(paths) != 0 {
		t.Fatalf("shifted ground truth: paths %v, err %v", paths, err)
	}
	ds.GroundTruth = ids
	if _, err := Run(context.Background(), plan, Options{Open: opener(ds)}); err != nil {
		t.Fatalf("correct ground truth: %v", err)
	}
}
