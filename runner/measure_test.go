package runner

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// tunedIndex wraps exact search with a query parameter "shift": results
// are correct for shift 0 and shifted to other ids otherwise, so each
// setting has its own recall. It logs every SetQuery and counts the
// searches made under each setting.
type tunedIndex struct {
	algorithms.Index
	n, shift int
	log      []string
	searches map[string]int
	// trace, when set, receives every SetQuery as "<name> <slug>".
	trace *[]string
	name  string
}

func (x *tunedIndex) Build(ctx context.Context, base vector.Matrix) error {
	x.n = base.Rows
	return x.Index.Build(ctx, base)
}

func (x *tunedIndex) SetQuery(p algorithms.Params) error {
	x.shift = p.Int("shift", 0)
	x.log = append(x.log, p.Slug())
	if x.trace != nil {
		*x.trace = append(*x.trace, x.name+" "+p.Slug())
	}
	return nil
}

func (x *tunedIndex) Search(q []float32, k int, dst []int32) []int32 {
	x.searches[fmt.Sprint(x.shift)]++
	out := x.Index.Search(q, k, dst)
	for i := range out {
		out[i] = int32((int(out[i]) + x.shift) % x.n)
	}
	return out
}

func tunedJob(t *testing.T, idx **tunedIndex, shifts ...int) config.Job {
	t.Helper()
	alg := algorithms.Algorithm{Name: "tuned", Metrics: vector.Metrics,
		New: func(m vector.Metric, dim int, p algorithms.Params) (algorithms.Index, error) {
			f, err := flat.Algorithm.New(m, dim, algorithms.Params{})
			*idx = &tunedIndex{Index: f, searches: map[string]int{}}
			return *idx, err
		}}
	var qs []algorithms.Params
	for _, s := range shifts {
		qs = append(qs, algorithms.Params{"shift": s})
	}
	return config.Job{Dataset: "test", Algorithm: alg, Index: algorithms.Params{}, Queries: qs}
}

func TestSweepIsInterleavedAndScoredPerSetting(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	cfg.Trials, cfg.Cache = 3, ""
	ds := testDataset(300, 20, 8, vector.L2)
	var idx *tunedIndex
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{tunedJob(t, &idx, 0, 1, 2)}}
	paths, err := Run(context.Background(), plan, Options{Open: opener(ds)})
	if err != nil {
		t.Fatal(err)
	}
	// Calibration sets each setting once, in sweep order; then three
	// rounds, each starting one setting later.
	want := []string{"shift=0", "shift=1", "shift=2",
		"shift=0", "shift=1", "shift=2",
		"shift=1", "shift=2", "shift=0",
		"shift=2", "shift=0", "shift=1"}
	if !slices.Equal(idx.log, want) {
		t.Errorf("SetQuery order\n got %v\nwant %v", idx.log, want)
	}
	r, err := result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Points) != 3 {
		t.Fatalf("%d points, want 3", len(r.Points))
	}
	// Each point is scored on its own setting's results although other
	// settings ran after it.
	if r.Points[0].Recall != 1 || r.Points[1].Recall >= 0.5 || r.Points[2].Recall >= 0.5 {
		t.Errorf("recall per setting %v, %v, %v; want 1 for shift=0 only", r.Points[0].Recall, r.Points[1].Recall, r.Points[2].Recall)
	}
	for i, p := range r.Points {
		if len(p.PassQPS) != 3 || len(p.PassRepeats) != 3 || len(p.PassSeconds) != 3 {
			t.Fatalf("point %d: %d pass_qps, %d pass_repeats, %d pass_seconds; want 3 each", i, len(p.PassQPS), len(p.PassRepeats), len(p.PassSeconds))
		}
		for j := range p.PassQPS {
			// QPS is queries answered over the pass's wall time.
			if want := float64(20*p.PassRepeats[j]) / p.PassSeconds[j]; math.Abs(p.PassQPS[j]-want) > 1e-9*want {
				t.Errorf("point %d pass %d: qps %v, want %d queries / %vs", i, j, p.PassQPS[j], 20*p.PassRepeats[j], p.PassSeconds[j])
			}
		}
		if p.QPSCI != nil {
			t.Errorf("point %d: a 95%% interval from 3 passes", i)
		}
	}
}

func TestPassesRepeatToTheMinimumTime(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	// 20 exact queries over 300×8 take microseconds: a 20 ms pass needs
	// many repeats of the query set.
	cfg.Trials, cfg.MinPassSeconds, cfg.WarmupSeconds = 6, 0.02, 0.02
	ds := testDataset(300, 20, 8, vector.L2)
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}
	var log strings.Builder
	paths, err := Run(context.Background(), plan, Options{Open: opener(ds), Log: &log, Verbose: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	p := r.Points[0]
	if len(p.PassRepeats) != 6 || p.PassRepeats[0] < 2 {
		t.Fatalf("pass_repeats %v, want 6 passes of several repeats", p.PassRepeats)
	}
	// Distance computations are per query, whatever the repeats.
	if p.DistanceCount != 300 {
		t.Errorf("distance count per query %v, want 300", p.DistanceCount)
	}
	// Six passes give a 95% interval of the median: [min, max] at 1 − 2/64.
	if p.QPSCI == nil || p.QPSCI.Lo != p.QPSMin || p.QPSCI.Hi != p.QPSMax || p.QPSCI.Confidence != 1-2.0/64 {
		t.Fatalf("qps_ci %+v, want [%v, %v] at %v", p.QPSCI, p.QPSMin, p.QPSMax, 1-2.0/64)
	}
	// The verbose log line gives the interval of the median QPS.
	if want := fmt.Sprintf("QPS interval [%.0f–%.0f]", p.QPSCI.Lo, p.QPSCI.Hi); !strings.Contains(log.String(), want) {
		t.Errorf("log lacks the interval %q:\n%s", want, log.String())
	}
	// The verbose log line says how each pass was repeated.
	if want := fmt.Sprintf("6 passes of %d×20 queries", p.PassRepeats[0]); !strings.Contains(log.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, log.String())
	}
}

func TestSettingsWithoutQueryTuner(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(100, 5, 4, vector.L2)
	job := flatJob(1)
	job.Queries = []algorithms.Params{{"ef": 10}}
	_, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: []config.Job{job}}, Options{Open: opener(ds)})
	if err == nil || !strings.Contains(err.Error(), "index takes no query parameters") {
		t.Errorf("err = %v, want one saying the index takes no query parameters", err)
	}
}

func TestPassCPUTime(t *testing.T) {
	if _, ok := processCPU(); !ok {
		t.Skip("no process CPU time on this platform")
	}
	cfg := testConfig(t, config.ModeSingle, 1)
	cfg.Trials, cfg.MinPassSeconds = 3, 0.01
	ds := testDataset(300, 20, 8, vector.L2)
	paths, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: []config.Job{flatJob(1)}}, Options{Open: opener(ds)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	p := r.Points[0]
	if len(p.PassCPUSeconds) != 3 {
		t.Fatalf("pass_cpu_seconds %v, want one per pass", p.PassCPUSeconds)
	}
	var sum float64
	for _, c := range p.PassCPUSeconds {
		sum += c
	}
	if sum <= 0 {
		t.Errorf("no CPU time used in three passes of searching: %v", p.PassCPUSeconds)
	}
}

// tracedJobs are two tuned jobs (indexes a and b, settings shift 0 and 1)
// that log their SetQuery calls into one trace.
func tracedJobs(t *testing.T, trace *[]string) []config.Job {
	var jobs []config.Job
	for _, name := range []string{"a", "b"} {
		var idx *tunedIndex
		j := tunedJob(t, &idx, 0, 1)
		next := j.Algorithm.New
		j.Algorithm.New = func(m vector.Metric, dim int, p algorithms.Params) (algorithms.Index, error) {
			x, err := next(m, dim, p)
			idx.trace, idx.name = trace, name
			return x, err
		}
		j.Index = algorithms.Params{"v": name}
		jobs = append(jobs, j)
	}
	return jobs
}

func TestPassesInterleaveAcrossIndexes(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	cfg.Trials, cfg.Cache = 2, ""
	ds := testDataset(300, 20, 8, vector.L2)
	var trace []string
	var log strings.Builder
	paths, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: tracedJobs(t, &trace)}, Options{Open: opener(ds), Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	// Each index is calibrated after its build; then two rounds time one
	// pass of every setting of both indexes, the second starting one
	// setting later.
	want := []string{"a shift=0", "a shift=1", "b shift=0", "b shift=1",
		"a shift=0", "a shift=1", "b shift=0", "b shift=1",
		"a shift=1", "b shift=0", "b shift=1", "a shift=0"}
	if !slices.Equal(trace, want) {
		t.Errorf("SetQuery order\n got %v\nwant %v", trace, want)
	}
	if !strings.Contains(log.String(), "timing 4 query settings of 2 indexes together: 2 rounds") {
		t.Errorf("log does not announce the interleaved rounds:\n%s", log.String())
	}
	if len(paths) != 2 {
		t.Fatalf("paths %v, want 2", paths)
	}
	for _, p := range paths {
		r, err := result.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Points) != 2 || r.Points[0].Recall != 1 || r.Points[1].Recall >= 0.5 {
			t.Errorf("%s: points %+v; want shift=0 exact and shift=1 not", p, r.Points)
		}
	}
}

// TestInterleaveBudget checks that indexes beyond the memory budget are
// not held: the sweeps held so far are measured before the next index's
// warm-up.
func TestInterleaveBudget(t *testing.T) {
	old := interleaveBudget
	interleaveBudget = func() int64 { return -1 }
	defer func() { interleaveBudget = old }()
	cfg := testConfig(t, config.ModeSingle, 1)
	cfg.Trials, cfg.Cache = 2, ""
	ds := testDataset(300, 20, 8, vector.L2)
	var trace []string
	if _, err := Run(context.Background(), &config.Plan{Config: cfg, Jobs: tracedJobs(t, &trace)}, Options{Open: opener(ds)}); err != nil {
		t.Fatal(err)
	}
	want := []string{"a shift=0", "a shift=1", "a shift=0", "a shift=1", "a shift=1", "a shift=0",
		"b shift=0", "b shift=1", "b shift=0", "b shift=1", "b shift=1", "b shift=0"}
	if !slices.Equal(trace, want) {
		t.Errorf("SetQuery order\n got %v\nwant %v", trace, want)
	}
}

func TestMemTotal(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("MemFree:  10 kB\nMemTotal:       24576000 kB\n"), 0o644)
	if n, err := memTotal(good); err != nil || n != 24576000<<10 {
		t.Errorf("memTotal = %d, %v; want %d", n, err, int64(24576000)<<10)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("MemTotal: lots\n"), 0o644)
	if _, err := memTotal(bad); err == nil || !strings.Contains(err.Error(), "MemTotal") {
		t.Errorf("memTotal of a bad line: %v; want an error naming MemTotal", err)
	}
	none := filepath.Join(dir, "none")
	os.WriteFile(none, []byte("MemFree: 1 kB\n"), 0o644)
	if _, err := memTotal(none); err == nil {
		t.Error("memTotal without a MemTotal line: no error")
	}
}
