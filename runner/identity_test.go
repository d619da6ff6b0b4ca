package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/hnsw"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// TestSetupsNeverReplaceEachOther is issue 12's probe 1: runs that differ
// only in mode/threads, k or query count into one output directory keep
// every set of points, each in its own file.
func TestSetupsNeverReplaceEachOther(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(300, 30, 8, vector.L2)
	type setup struct {
		mode             string
		threads, k, nq   int
		wantK, wantQuery int
	}
	setups := []setup{
		{config.ModeSingle, 1, 10, 0, 10, 30},
		{config.ModeBatch, 2, 10, 0, 10, 30},
		{config.ModeSingle, 1, 5, 0, 5, 30},
		{config.ModeSingle, 1, 10, 20, 10, 20},
	}
	seen := map[string]bool{}
	for _, s := range setups {
		c := *cfg
		c.Mode, c.Threads, c.K, c.Queries = s.mode, s.threads, s.k, s.nq
		paths, err := Run(context.Background(), &config.Plan{Config: &c, Jobs: []config.Job{flatJob(1)}}, Options{Open: opener(ds)})
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) != 1 || seen[paths[0]] {
			t.Fatalf("setup %+v wrote %v, already seen %v", s, paths, seen)
		}
		seen[paths[0]] = true
	}
	files, _ := filepath.Glob(filepath.Join(cfg.Output, "test", "flat", "*.json"))
	if len(files) != len(setups) {
		t.Fatalf("%d result files %v, want %d (one per setup)", len(files), files, len(setups))
	}
	for i, s := range setups {
		found := false
		for _, f := range files {
			r, err := result.Read(f)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Points) != 1 {
				t.Errorf("%s: %d points, want 1", f, len(r.Points))
			}
			threads := s.threads
			if s.mode == config.ModeSingle {
				threads = 1
			}
			if r.Mode == s.mode && r.Threads == threads && r.K == s.wantK && r.Queries == s.wantQuery {
				found = true
				if !strings.HasPrefix(r.DatasetFingerprint, "sha256:") {
					t.Errorf("%s: dataset fingerprint %q", f, r.DatasetFingerprint)
				}
			}
		}
		if !found {
			t.Errorf("setup %d %+v has no result file", i, s)
		}
	}
}

// hnswJob is a small hnsw job on the "test" dataset with the given query
// settings.
func hnswJob(t *testing.T, queries ...map[string]any) config.Job {
	t.Helper()
	idx, err := hnsw.Algorithm.Params.Normalize(algorithms.IndexTime, map[string]any{"M": 8, "ef_construction": 40})
	if err != nil {
		t.Fatal(err)
	}
	j := config.Job{Dataset: "test", Algorithm: hnsw.Algorithm, Index: idx}
	for _, q := range queries {
		qp, err := hnsw.Algorithm.Params.Normalize(algorithms.QueryTime, q)
		if err != nil {
			t.Fatal(err)
		}
		j.Queries = append(j.Queries, qp)
	}
	return j
}

// TestResumeNeverRelabels is issue 12's probe 10: points measured with one
// trial count on one machine keep their own labels when a resumed run
// with other trials, on another machine, adds points to the same file.
func TestResumeNeverRelabels(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	cfg.Trials = 1
	ds := testDataset(300, 20, 8, vector.L2)
	paths, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: []config.Job{hnswJob(t, map[string]any{"ef": 10})}}, Options{Open: opener(ds)})
	if err != nil {
		t.Fatal(err)
	}
	// Make the first point look measured by another build on machine A.
	r, err := result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	machineA := result.Machine{CPU: "Machine A", Cores: 64, Hostname: "a"}
	r.Machines = nil
	r.Points[0].Machine, r.Points[0].Version, r.Points[0].Commit = r.AddMachine(machineA), "v0.old", "abc"
	first := r.Points[0]
	if err := result.Write(paths[0], r); err != nil {
		t.Fatal(err)
	}

	c2 := *cfg
	c2.Trials = 3
	paths2, err := Run(context.Background(), &config.Plan{Config: &c2, Jobs: []config.Job{hnswJob(t, map[string]any{"ef": 10}, map[string]any{"ef": 20})}}, Options{Open: opener(ds)})
	if err != nil {
		t.Fatal(err)
	}
	if paths2[0] != paths[0] {
		t.Fatalf("resumed into %s, first run wrote %s (trials must not change the identity)", paths2[0], paths[0])
	}
	r, err = result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Points) != 2 {
		t.Fatalf("%d points, want ef=10 kept and ef=20 added", len(r.Points))
	}
	old, added := r.Points[0], r.Points[1]
	if old.Trials != 1 || old.Version != "v0.old" || old.Commit != "abc" || old.Machine != first.Machine || !old.MeasuredAt.Equal(first.MeasuredAt) {
		t.Errorf("old point relabelled: %+v, was %+v", old, first)
	}
	if m, ok := r.MachineOf(&old); !ok || m.CPU != "Machine A" {
		t.Errorf("old point's machine = %+v, %v; want Machine A", m, ok)
	}
	if m, ok := r.MachineOf(&added); !ok || m != CurrentMachine() || added.Trials != 3 || added.Version != Version {
		t.Errorf("new point = %+v on %+v (%v); want 3 trials on this machine", added, m, ok)
	}
}

// TestOutputCacheMustBeApart is issue 12's probe 2: an output directory
// that is, contains or lies inside the cache is refused before any work.
func TestOutputCacheMustBeApart(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "same"), filepath.Join(dir, "alias")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "same"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, output, cache, want string }{
		{"equal", "o", "o", "cache is the output directory"},
		{"equal spelled differently", "o", "./x/../o/", "cache is the output directory"},
		{"equal through a symlink", "alias", "same", "cache is the output directory"},
		{"cache inside output", "o", "o/cache", "is inside the output directory"},
		{"output inside cache", "c/results", "c", "is inside the index cache"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, config.ModeSingle, 1)
			cfg.Output, cfg.Cache = filepath.Join(dir, tt.output), filepath.Join(dir, tt.cache)
			opened := false
			open := func(ctx context.Context, name string) (*datasets.Dataset, error) {
				opened = true
				return opener(testDataset(50, 5, 4, vector.L2))(ctx, name)
			}
			_, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}, Options{Open: open})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "its own") {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if opened {
				t.Error("the dataset was opened before the directories were checked")
			}
		})
	}
	// Apart (siblings sharing a prefix) is fine.
	cfg := testConfig(t, config.ModeSingle, 1)
	cfg.Output, cfg.Cache = filepath.Join(dir, "res"), filepath.Join(dir, "results-cache")
	if _, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}, Options{Open: opener(testDataset(50, 5, 4, vector.L2))}); err != nil {
		t.Fatalf("sibling directories refused: %v", err)
	}
}

// TestConcurrentRunRefused is issue 12's probe 3 with two real processes:
// while one process holds the output directory, a second run into it
// refuses at start naming the holder's pid, and a lock left by a dead
// process is taken over.
func TestConcurrentRunRefused(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The holder takes the lock, says so, and waits for stdin to close.
	holder := exec.Command(exe, "-test.run=^TestHoldLockHelper$")
	holder.Env = append(os.Environ(), "ANNBENCH_TEST_HOLD_LOCK="+out)
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := stdout.Read(buf)
	if !strings.Contains(string(buf[:n]), "locked") {
		t.Fatalf("helper said %q, want locked", buf[:n])
	}

	cfg := testConfig(t, config.ModeSingle, 1)
	cfg.Output = out
	_, err = Run(context.Background(), &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}, Options{Open: opener(testDataset(50, 5, 4, vector.L2))})
	want := []string{"is being written by annbench pid", strconv.Itoa(holder.Process.Pid), result.LockFile}
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Fatalf("second run: error %v, want one containing %q", err, w)
		}
	}
	files, _ := filepath.Glob(filepath.Join(out, "test", "*", "*.json"))
	if len(files) != 0 {
		t.Errorf("the refused run wrote %v", files)
	}

	// Kill the holder: its lock file stays behind, but the kernel dropped
	// the lock, so the next run takes it over and says so.
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	holder.Wait()
	stdin.Close()
	if _, err := os.Stat(filepath.Join(out, result.LockFile)); err != nil {
		t.Fatalf("the killed holder's lock file is gone (%v); the takeover path is not tested", err)
	}
	var log strings.Builder
	if _, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}, Options{Open: opener(testDataset(50, 5, 4, vector.L2)), Log: &log}); err != nil {
		t.Fatalf("run after the holder died: %v", err)
	}
	if !strings.Contains(log.String(), "taking over the lock") || !strings.Contains(log.String(), strconv.Itoa(holder.Process.Pid)) {
		t.Errorf("log does not report the takeover of pid %d:\n%s", holder.Process.Pid, log.String())
	}
	if _, err := os.Stat(filepath.Join(out, result.LockFile)); err == nil {
		t.Error("the lock file is still there after the run finished")
	}
}

// TestHoldLockHelper is the body of the helper process of
// TestConcurrentRunRefused; it does nothing in a normal test run.
func TestHoldLockHelper(t *testing.T) {
	dir := os.Getenv("ANNBENCH_TEST_HOLD_LOCK")
	if dir == "" {
		t.Skip("helper process of TestConcurrentRunRefused")
	}
	l, err := result.LockDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	os.Stdout.WriteString("locked\n")
	b := make([]byte, 1)
	os.Stdin.Read(b) // until the parent closes stdin or kills us
}

// TestCorruptResultIsNotOverwritten checks that a damaged file at a job's
// result path stops the run with an error naming it (the points in it may
// be recoverable by hand), and that --force replaces it.
func TestCorruptResultIsNotOverwritten(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(100, 10, 4, vector.L2)
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}
	paths, err := Run(context.Background(), plan, Options{Open: opener(ds)})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(paths[0], []byte(`{"schema": "annbench/result/v2", "dataset": "test", "algo`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), plan, Options{Open: opener(ds)})
	if err == nil || !strings.Contains(err.Error(), paths[0]) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("error %v, want one naming %s and --force", err, paths[0])
	}
	if b, _ := os.ReadFile(paths[0]); !strings.HasSuffix(string(b), `"algo`) {
		t.Fatalf("the damaged file was replaced without --force")
	}
	if _, err := Run(context.Background(), plan, Options{Open: opener(ds), Force: true}); err != nil {
		t.Fatalf("--force: %v", err)
	}
	if _, err := result.Read(paths[0]); err != nil {
		t.Fatalf("after --force: %v", err)
	}
}
