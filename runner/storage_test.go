package runner

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/ivfflat"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// TestRunRecordsStorage checks that the storage an index chooses is in
// the result, after a build and after loading the cached index: ivfflat
// keeps byte-valued vectors of dimension 256 as bytes, other vectors as
// float32, and flat, which does not choose, records nothing.
func TestRunRecordsStorage(t *testing.T) {
	bytesDS := testDataset(400, 10, 256, vector.L2)
	for i := range bytesDS.Base.Data {
		bytesDS.Base.Data[i] = float32(i * 7 % 256)
	}
	ivf := config.Job{Dataset: "test", Algorithm: ivfflat.Algorithm,
		Index: algorithms.Params{"nlist": 4}, Queries: []algorithms.Params{{"nprobe": 2}}}
	for _, tc := range []struct {
		name string
		job  config.Job
		byte bool
		want string
	}{
		{"ivfflat bytes", ivf, true, "uint8"},
		{"ivfflat floats", ivf, false, "float32"},
		{"flat", flatJob(1), true, ""},
	} {
		ds := testDataset(400, 10, 256, vector.L2)
		if tc.byte {
			ds = bytesDS
		}
		cfg := testConfig(t, config.ModeSingle, 1)
		plan := &config.Plan{Config: cfg, Jobs: []config.Job{tc.job}}
		for _, run := range []string{"build", "cached"} {
			// The second run finds no results, so it measures again, with
			// the index the first run cached.
			if err := os.RemoveAll(cfg.Output); err != nil {
				t.Fatal(err)
			}
			var log strings.Builder
			paths, err := Run(context.Background(), plan, Options{Open: opener(ds), Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			if run == "cached" && !strings.Contains(log.String(), "loaded from cache") {
				t.Fatalf("%s: second run did not load the cached index:\n%s", tc.name, log.String())
			}
			r, err := result.Read(paths[0])
			if err != nil {
				t.Fatal(err)
			}
			if r.Build.Storage != tc.want {
				t.Errorf("%s, %s: build.storage %q, want %q", tc.name, run, r.Build.Storage, tc.want)
			}
		}
	}
}
