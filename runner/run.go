package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/annbench/annbench/algorithms/external"
	"github.com/annbench/annbench/algorithms/groundtruth"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// Options control how a plan is run.
type Options struct {
	// Open opens a dataset by catalogue name. Required.
	Open func(ctx context.Context, name string) (*datasets.Dataset, error)
	// GroundTruth is where computed ground truth is cached and how shipped
	// ground truth is checked (see groundtruth.Prepare); Run fills in K and
	// Log.
	GroundTruth groundtruth.Options
	// Force re-measures points already present in result files.
	Force bool
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// Progress says how builds, ground truth and the sweep are shown on
	// ProgressOut (Log when nil): live bars for a terminal, a periodic
	// line for CI logs, or nothing (the default).
	Progress    ProgressMode
	ProgressOut io.Writer
	// ProgressInterval is the period of ProgressLines (default
	// DefaultProgressInterval).
	ProgressInterval time.Duration
	// Verbose names every parameter (and the dataset) in log lines;
	// otherwise they name only the index parameters that differ from the
	// defaults or between index sets.
	Verbose bool
}

// Run executes every job of the plan, writing one result file per job
// under plan.Config.Output (named by the job's result.Identity, so runs of
// other setups never replace it). Before any work it refuses an output
// directory that is, contains or lies inside the cache directory, and
// takes the output directory's lock (result.LockDir), so a second run
// into the same directory refuses at start.
//
// The timed passes of all built-in indexes of a dataset are taken in the
// same rounds (timeRounds), so a slow stretch of the machine hits every
// index alike; their indexes stay in memory until then, up to half of
// the machine's memory (beyond it, the sweeps held so far are measured
// first). Their points are written when the rounds end, so a cancelled
// context (Ctrl-C) loses the points of the dataset in progress; library
// adapters, which time their own passes, are measured and written index
// by index. It returns the paths of the result files written or kept.
func Run(ctx context.Context, plan *config.Plan, opt Options) ([]string, error) {
	if opt.Open == nil {
		return nil, errors.New("run: no dataset opener")
	}
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	if _, err := config.CheckOutputCache(plan.Config.Output, plan.Config.Cache); err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	lock, err := result.LockDir(plan.Config.Output, log)
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	defer lock.Release()
	if err := preflight(ctx, plan); err != nil {
		return nil, err
	}
	machine := CurrentMachine()
	points := 0
	for _, j := range plan.Jobs {
		points += len(j.Queries) * len(plan.Config.Workloads())
	}
	out := opt.ProgressOut
	if out == nil {
		out = opt.Log
	}
	disp := newDisplay(opt.Progress, out, opt.ProgressInterval, points)
	defer disp.close()
	names := newLabeler(plan.Jobs, opt.Verbose)
	var paths []string
	var failed []string
	for _, group := range byDataset(plan.Jobs) {
		if err := ctx.Err(); err != nil {
			return paths, err
		}
		// Opening may download, drawing its own bars: ours are off
		// until the dataset is open.
		disp.suspend()
		ds, err := openForRun(ctx, plan.Config, group[0].Dataset, opt, disp, log)
		if err != nil {
			return paths, err
		}
		fp, err := ds.Fingerprint()
		if err != nil {
			ds.Close()
			return paths, fmt.Errorf("dataset %s: fingerprint: %w", ds.Name, err)
		}
		env := &jobEnv{cfg: plan.Config, ds: ds, opt: opt, log: disp.log(log), machine: machine, disp: disp, fingerprint: fp, names: names}
		if err = ds.CheckFiles(); err == nil {
			if gerr := mapped.Guard(func() { env.truth, err = score.New(ds.Metric, ds.Base, ds.Query, ds.GroundTruth, plan.Config.K) }); gerr != nil {
				err = gerr
			}
		}
		if err != nil {
			ds.Close()
			return paths, fmt.Errorf("dataset %s: %w", ds.Name, err)
		}
		if gerr := mapped.Guard(func() { env.workloads, err = workloadsFor(ctx, plan.Config, ds, log) }); gerr != nil {
			err = gerr
		}
		if err != nil {
			ds.Close()
			return paths, err
		}
		for _, job := range group {
			p, err := env.run(ctx, job)
			paths = append(paths, p...)
			if err != nil && errors.Is(err, external.ErrAdapter) && ctx.Err() == nil {
				// A library adapter crashed, hung or misbehaved: its finished
				// points are on disk; the rest of the sweep goes on.
				fmt.Fprintf(log, "FAILED: %v\n", err)
				failed = append(failed, err.Error())
				continue
			}
			if err != nil {
				ds.Close()
				return paths, err
			}
		}
		if err := env.flush(ctx); err != nil {
			ds.Close()
			return paths, err
		}
		ds.Close()
	}
	if len(failed) > 0 {
		return paths, fmt.Errorf("%d job(s) failed (their finished points are kept):\n%s", len(failed), strings.Join(failed, "\n"))
	}
	return paths, nil
}

// preflight runs the Check of every algorithm in the plan once, so a
// missing library or interpreter stops the run before the sweep starts.
func preflight(ctx context.Context, plan *config.Plan) error {
	seen := map[string]bool{}
	var errs []string
	for _, j := range plan.Jobs {
		a := j.Algorithm
		if a.Check == nil || seen[a.Name] {
			continue
		}
		seen[a.Name] = true
		if err := a.Check(ctx); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// byDataset groups jobs by dataset, keeping the plan's order.
func byDataset(jobs []config.Job) [][]config.Job {
	var out [][]config.Job
	pos := map[string]int{}
	for _, j := range jobs {
		i, ok := pos[j.Dataset]
		if !ok {
			i = len(out)
			pos[j.Dataset] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], j)
	}
	return out
}

// openForRun opens a dataset, limits its queries as configured and makes
// sure it has at least k checked ground-truth neighbours per query.
func openForRun(ctx context.Context, cfg *config.Config, name string, opt Options, disp *display, log io.Writer) (*datasets.Dataset, error) {
	ds, err := opt.Open(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("open dataset %s: %w", name, err)
	}
	disp.resume()
	log = disp.log(log)
	if ds.Base.Rows == 0 || ds.Query.Rows == 0 {
		ds.Close()
		return nil, fmt.Errorf("dataset %s: %d base and %d query vectors; both must be non-empty", name, ds.Base.Rows, ds.Query.Rows)
	}
	if ds.Base.Dim != ds.Query.Dim {
		ds.Close()
		return nil, fmt.Errorf("dataset %s: base dimension %d, query dimension %d", name, ds.Base.Dim, ds.Query.Dim)
	}
	if cfg.Queries > 0 && cfg.Queries < ds.Query.Rows {
		ds.Query = ds.Query.Slice(0, cfg.Queries)
		ds.GroundTruth.Rows = min(ds.GroundTruth.Rows, cfg.Queries)
		ds.GroundTruthDist.Rows = min(ds.GroundTruthDist.Rows, cfg.Queries)
	}
	fmt.Fprintf(log, "%s: %s × %d %s, %s queries, k=%d\n", name, groupDigits(int64(ds.Base.Rows)), ds.Base.Dim, ds.Metric,
		groupDigits(int64(ds.Query.Rows)), cfg.K)
	gopt := opt.GroundTruth
	gopt.K, gopt.Log = cfg.K, log
	gopt.Progress = disp.beginTask(name + " ground truth")
	if gerr := mapped.Guard(func() { err = groundtruth.Prepare(ctx, ds, gopt) }); gerr != nil {
		err = gerr
	}
	disp.endTask()
	if err != nil {
		ds.Close()
		return nil, err
	}
	return ds, nil
}
