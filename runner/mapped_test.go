package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/annbench/annbench/algorithms"

	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
)

// TestRunTruncatedDataFile truncates a memory-mapped data file after the
// dataset was opened, at several points of a run, and checks that the run
// ends with an error naming the file instead of a SIGBUS crash.
func TestRunTruncatedDataFile(t *testing.T) {
	old := datasets.MmapThreshold
	datasets.MmapThreshold = -1 // map every file
	defer func() { datasets.MmapThreshold = old }()
	src := testDataset(4096, 64, 16, vector.L2)
	for _, c := range []struct {
		name string
		// withGT gives the dataset ground truth, so the run skips
		// computing it and reaches the index build.
		withGT bool
		mode   string
		want   string
	}{
		{"during ground truth", false, config.ModeSingle, "changed while in use"},
		{"before the build", true, config.ModeSingle, "while in use"},
		{"parallel", true, config.ModeParallel, "while in use"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			base := filepath.Join(dir, "base.npy")
			if err := datasets.WriteNpy(base, src.Base); err != nil {
				t.Fatal(err)
			}
			if err := datasets.WriteNpy(filepath.Join(dir, "q.npy"), src.Query); err != nil {
				t.Fatal(err)
			}
			spec := datasets.FileSpec{Name: "test", Base: base, Queries: filepath.Join(dir, "q.npy"), Metric: vector.L2}
			if c.withGT {
				ids, _, err := flat.Exact(context.Background(), src.Base, src.Query, vector.L2, 10, 1)
				if err != nil {
					t.Fatal(err)
				}
				spec.GroundTruth = filepath.Join(dir, "gt.ivecs")
				if err := datasets.WriteIvecs(spec.GroundTruth, ids); err != nil {
					t.Fatal(err)
				}
			}
			open := func(ctx context.Context, name string) (*datasets.Dataset, error) {
				d, err := datasets.OpenFiles(ctx, spec, datasets.Options{CacheDir: t.TempDir()})
				if err != nil {
					return nil, err
				}
				return d, os.Truncate(base, 100)
			}
			cfg := testConfig(t, c.mode, 2)
			plan := &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}
			_, err := Run(context.Background(), plan, Options{Open: open})
			if err == nil || !strings.Contains(err.Error(), base) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("run on a truncated file: %v, want an error naming %s and saying %q", err, base, c.want)
			}
			var fe *mapped.FaultError
			if c.name == "during ground truth" && !errors.As(err, &fe) {
				t.Errorf("error %v does not wrap a mapped.FaultError", err)
			}
		})
	}
}

// truncatingIndex is flat that truncates a file at its first search, so
// that the runner reads the rest of the (mapped) queries from a file that
// has shrunk underneath, after every check before the sweep passed.
type truncatingIndex struct {
	algorithms.Index
	path string
	once sync.Once
}

func (x *truncatingIndex) Search(q []float32, k int, dst []int32) []int32 {
	x.once.Do(func() { os.Truncate(x.path, 100) })
	return x.Index.Search(q, k, dst)
}

// TestRunTruncatedDuringSearch truncates the query file in the middle of
// the timed passes, in every mode.
func TestRunTruncatedDuringSearch(t *testing.T) {
	old := datasets.MmapThreshold
	datasets.MmapThreshold = -1
	defer func() { datasets.MmapThreshold = old }()
	src := testDataset(2000, 4096, 16, vector.L2) // 256 KiB of queries
	for _, mode := range []string{config.ModeSingle, config.ModeParallel} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			qpath := filepath.Join(dir, "q.npy")
			if err := datasets.WriteNpy(filepath.Join(dir, "b.npy"), src.Base); err != nil {
				t.Fatal(err)
			}
			if err := datasets.WriteNpy(qpath, src.Query); err != nil {
				t.Fatal(err)
			}
			spec := datasets.FileSpec{Name: "test", Base: filepath.Join(dir, "b.npy"), Queries: qpath, Metric: vector.L2}
			open := func(ctx context.Context, name string) (*datasets.Dataset, error) {
				return datasets.OpenFiles(ctx, spec, datasets.Options{CacheDir: t.TempDir()})
			}
			alg := flat.Algorithm
			alg.New = func(m vector.Metric, dim int, p algorithms.Params) (algorithms.Index, error) {
				x, err := flat.Algorithm.New(m, dim, p)
				return &truncatingIndex{Index: x, path: qpath}, err
			}
			job := flatJob(1)
			job.Algorithm = alg
			cfg := testConfig(t, mode, 2)
			cfg.Cache = ""
			_, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: []config.Job{job}}, Options{Open: open})
			var fe *mapped.FaultError
			if !errors.As(err, &fe) || fe.Path != qpath || !strings.Contains(err.Error(), qpath) {
				t.Fatalf("search on a truncated query file: %v, want a mapped.FaultError naming %s", err, qpath)
			}
		})
	}
}
