package runner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/external"
	"github.com/annbench/annbench/algorithms/external/fakeadapter"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
)

// runFiltered runs jobs on the unfiltered workload and a 10 % id range,
// returning the result paths and the log.
func runFiltered(t *testing.T, mode string, jobs ...config.Job) ([]string, string, error) {
	t.Helper()
	cfg := testConfig(t, mode, 1)
	cfg.Filters = []config.FilterSpec{{Kind: config.FilterNone}, {Kind: config.FilterRange, Fraction: 0.1}}
	ds := testDataset(400, 25, 8, vector.L2)
	var log bytes.Buffer
	paths, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: jobs}, Options{Open: opener(ds), Log: &log})
	return paths, log.String(), err
}

func TestExternalFilteredWorkload(t *testing.T) {
	for _, mode := range []string{config.ModeSingle, config.ModeBatch} {
		t.Run(mode, func(t *testing.T) {
			paths, _, err := runFiltered(t, mode, fakeJob(t, fakeadapter.OK, 1))
			if err != nil {
				t.Fatal(err)
			}
			if len(paths) != 2 {
				t.Fatalf("paths %v, want one per workload", paths)
			}
			r := readOne(t, paths[1])
			if r.Filter == nil || r.Filter.ID != "range=0.1" || r.Filter.PostFilter {
				t.Fatalf("filter %+v, want range=0.1 served natively", r.Filter)
			}
			p := r.Points[0]
			if p.Recall != 1 || p.Invalid.Disallowed != 0 {
				t.Errorf("exact filtered fake: recall %v, %d disallowed ids", p.Recall, p.Invalid.Disallowed)
			}
			if p.External == nil || p.External.Filter != "native" {
				t.Errorf("external %+v, want filter native", p.External)
			}
		})
	}
}

func TestExternalWithoutFilterCapabilityIsRefused(t *testing.T) {
	paths, log, err := runFiltered(t, config.ModeSingle, fakeJob(t, fakeadapter.NoFilter, 1), flatJob(1))
	if err != nil {
		t.Fatal(err)
	}
	want := `skipped: adapter fake does not declare capability "filter"`
	if !strings.Contains(log, want) || !strings.Contains(log, "range=0.1") {
		t.Fatalf("log lacks %q naming the workload:\n%s", want, log)
	}
	// fake unfiltered, flat unfiltered and flat filtered: the sweep went on.
	if len(paths) != 3 {
		t.Fatalf("paths %v, want 3 (the refused workload writes nothing)", paths)
	}
	for _, p := range paths {
		if r := readOne(t, p); r.Algorithm == "fake" && r.Filter != nil {
			t.Errorf("%s: a refused adapter has a filtered result", p)
		}
	}
}

// shippedJob is a job of a shipped library adapter, skipping when the
// library is missing (ANNBENCH_LIBRARY_TESTS=required makes that a failure).
func shippedJob(t *testing.T, name string, index, query map[string]any) config.Job {
	t.Helper()
	var alg algorithms.Algorithm
	for _, a := range external.Shipped {
		if a.Name == name {
			alg = a
		}
	}
	if err := alg.Check(context.Background()); err != nil {
		if errors.Is(err, external.ErrAdapter) && strings.Contains(err.Error(), "not found") && os.Getenv("ANNBENCH_LIBRARY_TESTS") != "required" {
			t.Skipf("%v (ANNBENCH_LIBRARY_TESTS=required makes this a failure)", err)
		}
		t.Fatalf("%s: %v", name, err)
	}
	ip, err := alg.Params.Normalize(algorithms.IndexTime, index)
	if err != nil {
		t.Fatal(err)
	}
	qp, err := alg.Params.Normalize(algorithms.QueryTime, query)
	if err != nil {
		t.Fatal(err)
	}
	return config.Job{Dataset: "test", Algorithm: alg, Index: ip, Queries: []algorithms.Params{qp}}
}

// TestLibraryAdaptersFiltered runs hnswlib (post-filtering) and
// faiss-ivfflat (faiss selectors) through the runner on a 10 % id range.
func TestLibraryAdaptersFiltered(t *testing.T) {
	cases := []struct {
		name         string
		index, query map[string]any
		post         bool
	}{
		{"hnswlib", nil, map[string]any{"ef": 100}, true},
		{"faiss-ivfflat", map[string]any{"nlist": 16}, map[string]any{"nprobe": 16}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("ANNBENCH_CACHE_DIR", t.TempDir())
			job := shippedJob(t, c.name, c.index, c.query)
			cfg := testConfig(t, config.ModeSingle, 1)
			cfg.Filters = []config.FilterSpec{{Kind: config.FilterRange, Fraction: 0.1}}
			ds := testDataset(3000, 40, 16, vector.L2)
			paths, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: []config.Job{job}}, Options{Open: opener(ds)})
			if err != nil {
				t.Fatal(err)
			}
			r := readOne(t, paths[0])
			if r.Filter == nil || r.Filter.PostFilter != c.post {
				t.Fatalf("filter %+v, want post_filter %v", r.Filter, c.post)
			}
			p := r.Points[0]
			if p.Recall < 0.9 || p.Invalid.Disallowed != 0 {
				t.Errorf("recall %.3f with %d disallowed ids, want ≥ 0.9 and 0", p.Recall, p.Invalid.Disallowed)
			}
		})
	}
}
