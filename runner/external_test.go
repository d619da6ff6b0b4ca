package runner

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/external"
	"github.com/annbench/annbench/algorithms/external/fakeadapter"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// The test binary doubles as a fake external adapter (see fakeadapter).
func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(fakeadapter.Env); ok {
		os.Exit(fakeadapter.Main(mode))
	}
	os.Exit(m.Run())
}

// fakeJob is a job of the fake adapter in the given mode, sweeping depth
// over the given values.
func fakeJob(t *testing.T, mode string, depths ...int) config.Job {
	t.Helper()
	t.Setenv(fakeadapter.Env, mode)
	t.Setenv("ANNBENCH_CACHE_DIR", t.TempDir())
	ad := &external.Adapter{Name: "fake", Command: []string{os.Args[0]}, Timeouts: external.Timeouts{Search: 5 * time.Second}}
	var alg algorithms.Algorithm
	if mode == fakeadapter.NoLibrary {
		alg = ad.Algorithm("fake", []vector.Metric{vector.L2}, algorithms.Spec{})
	} else {
		var err error
		if alg, err = external.UserAlgorithm(context.Background(), ad); err != nil {
			t.Fatal(err)
		}
	}
	job := config.Job{Dataset: "test", Algorithm: alg, Index: algorithms.Params{"width": 4}}
	for _, d := range depths {
		job.Queries = append(job.Queries, algorithms.Params{"depth": d})
	}
	return job
}

func runJobs(t *testing.T, mode string, jobs ...config.Job) ([]string, error) {
	cfg := testConfig(t, mode, 1)
	ds := testDataset(400, 25, 8, vector.L2)
	return Run(context.Background(), &config.Plan{Config: cfg, Jobs: jobs}, Options{Open: opener(ds)})
}

func readOne(t *testing.T, path string) *result.Result {
	t.Helper()
	r, err := result.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestExternalAdapterScoredLikeOurs(t *testing.T) {
	for _, mode := range []string{config.ModeSingle, config.ModeBatch} {
		t.Run(mode, func(t *testing.T) {
			paths, err := runJobs(t, mode, fakeJob(t, fakeadapter.OK, 1, 2), flatJob(1))
			if err != nil {
				t.Fatal(err)
			}
			if len(paths) != 2 {
				t.Fatalf("paths %v", paths)
			}
			r := readOne(t, paths[0])
			if r.Algorithm != "fake" || len(r.Points) != 2 {
				t.Fatalf("algorithm %s with %d points", r.Algorithm, len(r.Points))
			}
			if r.Build.PeakRSS <= 0 {
				t.Errorf("peak RSS %d: the adapter's VmHWM was not recorded", r.Build.PeakRSS)
			}
			for _, p := range r.Points {
				if p.Recall != 1 || p.RecallAt1 != 1 {
					t.Errorf("%v: exact fake scored recall %v / %v", p.QueryParams, p.Recall, p.RecallAt1)
				}
				if len(p.PassQPS) != 2 || len(p.PassSeconds) != 2 || len(p.PassRepeats) != 2 || p.QPS <= 0 {
					t.Errorf("%v: passes %v seconds %v repeats %v qps %v", p.QueryParams, p.PassQPS, p.PassSeconds, p.PassRepeats, p.QPS)
				}
				if x := p.External; x == nil || x.Adapter != "fake" || x.Library != "fakelib 1.0" || x.RoundTripSeconds <= 0 {
					t.Errorf("%v: external %+v", p.QueryParams, p.External)
				}
				if (mode == config.ModeSingle) != (p.LatencyUS.P50 > 0) {
					t.Errorf("%s: latency %+v", mode, p.LatencyUS)
				}
			}
		})
	}
}

func TestExternalInvalidIDsGainNothing(t *testing.T) {
	paths, err := runJobs(t, config.ModeSingle, fakeJob(t, fakeadapter.Duplicate, 1))
	if err != nil {
		t.Fatal(err)
	}
	p := readOne(t, paths[0]).Points[0]
	if p.Recall > 0.1+1e-9 || p.Invalid.Duplicates != 25*9 {
		t.Errorf("duplicates: recall %v (want ≤ 0.1: one true id per query), %d duplicates (want %d)", p.Recall, p.Invalid.Duplicates, 25*9)
	}
	paths, err = runJobs(t, config.ModeSingle, fakeJob(t, fakeadapter.Range, 1))
	if err != nil {
		t.Fatal(err)
	}
	p = readOne(t, paths[0]).Points[0]
	if p.Recall > 0.9+1e-9 || p.Invalid.OutOfRange != 25 {
		t.Errorf("out of range: recall %v (want ≤ 0.9), %d out of range (want 25)", p.Recall, p.Invalid.OutOfRange)
	}
}

func TestExternalCrashKeepsPointsAndGoesOn(t *testing.T) {
	for _, mode := range []string{fakeadapter.Crash, fakeadapter.Hang, fakeadapter.Garbage} {
		t.Run(mode, func(t *testing.T) {
			paths, err := runJobs(t, config.ModeSingle, fakeJob(t, mode, 1, 2, 3), flatJob(1))
			if err == nil || !strings.Contains(err.Error(), "1 job(s) failed") || !strings.Contains(err.Error(), "last stderr lines") {
				t.Fatalf("error = %v, want one failed job quoting stderr", err)
			}
			if len(paths) != 2 {
				t.Fatalf("paths %v: want the fake's partial file and flat's", paths)
			}
			if r := readOne(t, paths[0]); len(r.Points) != 1 {
				t.Errorf("fake kept %d points, want the 1 finished before the failure", len(r.Points))
			}
			if r := readOne(t, paths[1]); r.Algorithm != "flat" || len(r.Points) != 1 {
				t.Errorf("the sweep did not go on after the failure: %s with %d points", r.Algorithm, len(r.Points))
			}
		})
	}
}

func TestMissingLibraryStopsBeforeSweep(t *testing.T) {
	paths, err := runJobs(t, config.ModeSingle, flatJob(1), fakeJob(t, fakeadapter.NoLibrary, 1))
	if err == nil || !strings.Contains(err.Error(), "fake: Python module fakelib not found") {
		t.Fatalf("error = %v", err)
	}
	if len(paths) != 0 {
		t.Fatalf("results written before the check: %v", paths)
	}
}
