package external

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/groundtruth"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets/vector"
)

// shippedIndex builds a shipped algorithm on small random data, skipping
// with the reason when its library is not installed.
func shippedIndex(t *testing.T, name string, raw map[string]any, base vector.Matrix) *Index {
	t.Helper()
	var alg algorithms.Algorithm
	for _, a := range Shipped {
		if a.Name == name {
			alg = a
		}
	}
	if alg.Name == "" {
		t.Fatalf("no shipped algorithm %s", name)
	}
	if err := alg.Check(context.Background()); err != nil {
		if errors.Is(err, ErrAdapter) && strings.Contains(err.Error(), "not found") && os.Getenv("ANNBENCH_LIBRARY_TESTS") != "required" {
			t.Skipf("%v (ANNBENCH_LIBRARY_TESTS=required makes this a failure)", err)
		}
		t.Fatalf("Check: %v", err)
	}
	ip, err := alg.Params.Normalize(algorithms.IndexTime, raw)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := alg.New(vector.L2, base.Dim, ip)
	if err != nil {
		t.Fatal(err)
	}
	x := idx.(*Index)
	t.Cleanup(func() { x.Close() })
	if err := x.Build(context.Background(), base); err != nil {
		t.Fatalf("Build: %v", err)
	}
	return x
}

// TestShippedAdapters runs every shipped adapter on 2,000 random vectors
// and checks it finds the exact neighbours (each with parameters that make
// it exact or nearly so), in single and batch mode.
func TestShippedAdapters(t *testing.T) {
	base, q := randomMatrix(2000, 16, 3), randomMatrix(30, 16, 4)
	gt, _, err := groundtruth.Compute(context.Background(), vector.L2, base, q, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := score.New(vector.L2, base, q, gt, 10)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name         string
		index, query map[string]any
		min          float64
	}{
		{"faiss-flat", nil, nil, 1},
		{"faiss-ivfflat", map[string]any{"nlist": 8}, map[string]any{"nprobe": 8}, 1},
		{"faiss-ivfpq", map[string]any{"nlist": 8, "M": 8}, map[string]any{"nprobe": 8}, 0.3},
		{"faiss-ivfpqfs", map[string]any{"nlist": 8, "M": 8}, map[string]any{"nprobe": 8, "reorder": 50}, 0.98},
		{"faiss-hnsw", nil, map[string]any{"ef": 200}, 0.98},
		{"hnswlib", nil, map[string]any{"ef": 200}, 0.98},
		{"usearch", nil, map[string]any{"expansion_search": 200}, 0.98},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := shippedIndex(t, c.name, c.index, base)
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
					Threads: 1, Warmup: 1, Passes: 2, Repeats: 1})
				if err != nil {
					t.Fatalf("batch=%v: %v", batch, err)
				}
				if len(r.PassCPUSeconds) != 2 {
					t.Errorf("batch=%v: %d pass CPU times, want 2", batch, len(r.PassCPUSeconds))
				}
				sc, err := truth.Score(r.IDs)
				if err != nil {
					t.Fatal(err)
				}
				if rec := sc.Recall; rec < c.min {
					t.Errorf("batch=%v: recall %.3f, want ≥ %.2f", batch, rec, c.min)
				}
			}
			if x.PeakRSS() <= 0 || x.SizeBytes() <= 0 {
				t.Errorf("peak RSS %d, size %d: want both > 0", x.PeakRSS(), x.SizeBytes())
			}
			if info := x.Info(); info.Adapter != c.name || info.Library == "" {
				t.Errorf("info %+v", info)
			}
		})
	}
}

func TestScriptsWrittenToCache(t *testing.T) {
	dir := t.TempDir()
	d, err := scriptDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"annbench_adapter.py", "faiss_adapter.py", "hnswlib_adapter.py", "usearch_adapter.js"} {
		want, _ := scripts.ReadFile("adapters/" + f)
		got, err := os.ReadFile(filepath.Join(d, f))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: not written to the cache (%v)", f, err)
		}
	}
	if !strings.HasPrefix(d, filepath.Join(dir, "adapters")+string(filepath.Separator)) {
		t.Errorf("scripts in %s, want under %s/adapters", d, dir)
	}
}

func TestNoInterpreter(t *testing.T) {
	t.Setenv("ANNBENCH_PYTHON", "/nonexistent/python3")
	t.Setenv("ANNBENCH_CACHE_DIR", t.TempDir())
	a := &Adapter{Name: "faiss-flat", launch: shipped(python, "faiss_adapter.py")}
	_, err := a.Probe(context.Background())
	if err == nil || !strings.Contains(err.Error(), "faiss-flat: no interpreter found (tried /nonexistent/python3 (not found); set ANNBENCH_PYTHON") {
		t.Fatalf("error = %v", err)
	}
}
