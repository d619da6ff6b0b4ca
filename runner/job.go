package runner

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// jobEnv is what the jobs of one dataset share.
type jobEnv struct {
	cfg   *config.Config
	ds    *datasets.Dataset
	truth *score.Truth
	// workloads are the plan's filter workloads made concrete for ds.
	workloads []*workload
	opt       Options
	log       io.Writer
	machine   result.Machine
	disp      *display
	// passes is told of every timed pass of the sweep in progress.
	passes algorithms.Progress
	// held are the calibrated sweeps of built-in indexes whose timed
	// passes wait to be interleaved (see hold and flush).
	held heldSweeps
	// freeRSS is the resident set before the last build that ran with no
	// index held: what PeakRSS and RSSBefore of a later build are brought
	// back to.
	freeRSS int64
	// fingerprint is the dataset's content fingerprint, part of every
	// result's identity.
	fingerprint string
	// names names jobs and points in log lines.
	names *labeler
	// exactAccuracy caches, per scorer, the kNN accuracy of exact search.
	exactAccuracy map[*score.Truth]float64
}

// run measures one job under every filter workload of the plan and
// returns the paths of its result files, one per workload. The index is
// built (or loaded) once, when the first workload has points to measure.
// Points already on disk are kept and skipped unless Options.Force is set.
func (e *jobEnv) run(ctx context.Context, job config.Job) ([]string, error) {
	ds := e.ds
	// label names the job in errors, name in log lines (see labeler).
	label := fmt.Sprintf("%s %s %s", job.Dataset, job.Algorithm.Name, job.Index.Slug())
	name := e.names.job(job)
	if !job.Algorithm.Supports(ds.Metric) {
		fmt.Fprintf(e.log, "%s: skipped: %s does not support metric %s\n", name, job.Algorithm.Name, ds.Metric)
		e.disp.pointsFinished(len(job.Queries) * len(e.workloads))
		return nil, nil
	}
	var (
		idx   algorithms.Index
		build result.Build
		paths []string
	)
	defer func() {
		if c, ok := idx.(io.Closer); ok && !e.held.has(idx) {
			c.Close() // an adapter process ends with its job
		}
	}()
	for _, w := range e.workloads {
		wlabel, wname := label, name
		if w.filtered() {
			wlabel += " [" + w.id() + "]"
			wname += " [" + w.id() + "]"
		}
		path, todo, res, err := e.pending(job, w)
		if err != nil {
			return paths, err
		}
		paths = append(paths, path)
		e.disp.pointsFinished(len(job.Queries) - len(todo))
		if len(todo) == 0 {
			fmt.Fprintf(e.log, "%s: all %d points already in %s (use --force to re-measure)\n", wname, len(job.Queries), path)
			continue
		}
		if idx == nil {
			// Data files may be memory-mapped: a file truncated since it
			// was opened is reported here, one truncated during the build
			// ends it with a mapped.FaultError naming the file.
			if err = ds.CheckFiles(); err == nil {
				if gerr := mapped.Guard(func() { idx, build, err = e.obtainIndex(ctx, job, label) }); gerr != nil {
					err = fmt.Errorf("%s: build: %w", label, gerr)
				}
			} else {
				err = fmt.Errorf("%s: %w", label, err)
			}
			if err != nil {
				return paths[:len(paths)-1], err
			}
		}
		if why := refuseFilter(idx, w); why != "" {
			fmt.Fprintf(e.log, "%s: skipped: %s\n", wname, why)
			e.disp.pointsFinished(len(todo))
			paths = paths[:len(paths)-1]
			continue
		}
		sw := e.newSweep(job, w, wlabel, idx, build, path, todo, res)
		if st, ok := idx.(algorithms.SelfTimer); ok {
			if err := e.runSelfTimed(ctx, sw, st); err != nil {
				return paths, err
			}
			continue
		}
		if err := e.hold(ctx, sw); err != nil {
			return paths, err
		}
	}
	return paths, nil
}

// pending returns the result path of job under workload w, the query
// settings not yet measured there, and the result on disk (nil if none).
func (e *jobEnv) pending(job config.Job, w *workload) (string, []algorithms.Params, *result.Result, error) {
	cfg := e.cfg
	id := e.identity(job, w)
	path, err := id.Path(cfg.Output)
	if err != nil {
		return "", nil, nil, fmt.Errorf("%s %s: %w", job.Dataset, job.Algorithm.Name, err)
	}
	var res *result.Result
	if !e.opt.Force {
		r, err := existingResult(path, id)
		if err != nil {
			return "", nil, nil, err
		}
		res = r
	}
	var todo []algorithms.Params
	for _, qp := range job.Queries {
		if res == nil || res.FindPoint(qp) < 0 {
			todo = append(todo, qp)
		}
	}
	return path, todo, res, nil
}

// identity is the measurement identity of job under workload w.
func (e *jobEnv) identity(job config.Job, w *workload) result.Identity {
	return result.Identity{Dataset: job.Dataset, DatasetFingerprint: e.fingerprint, Algorithm: job.Algorithm.Name,
		IndexParams: job.Index, K: e.cfg.K, Mode: e.cfg.Mode, Threads: e.threads(), Queries: e.ds.Query.Rows, Filter: w.id()}
}

// threads is the number of search goroutines of the run's mode.
func (e *jobEnv) threads() int {
	if e.cfg.Mode == config.ModeSingle {
		return 1
	}
	return e.cfg.Threads
}

// newSweep prepares the measurement of the pending query settings todo of
// job under workload w with the built index: the result it goes to (res,
// the file on disk, or a new one), a searcher filtered as w says, and
// w's scorer.
func (e *jobEnv) newSweep(job config.Job, w *workload, label string, idx algorithms.Index, build result.Build,
	path string, todo []algorithms.Params, res *result.Result) *sweep {
	cfg, ds := e.cfg, e.ds
	sw := &sweep{job: job, w: w, label: label, name: e.names.job(job), idx: idx, build: build, path: path, todo: todo}
	if w.filtered() {
		sw.tag = " [" + w.id() + "]"
	}
	if res == nil {
		id := e.identity(job, w)
		res = &result.Result{Schema: result.Schema, Dataset: id.Dataset, DatasetFingerprint: id.DatasetFingerprint,
			Metric: string(ds.Metric), Algorithm: id.Algorithm, IndexParams: id.IndexParams, K: id.K, Mode: id.Mode,
			Threads: id.Threads, Queries: id.Queries, Started: time.Now().UTC()}
		if h := ds.Holdout; h != nil {
			res.Holdout = &result.Holdout{Count: h.Count, Seed: h.Seed, RowsSHA256: h.RowsSHA256()}
		}
	}
	res.Build = build
	res.IndexDefaults = job.Algorithm.Params.Defaults(algorithms.IndexTime)
	sw.res = res
	sw.s = newSearcher(idx, ds.Query, cfg.K, cfg.Mode, e.threads())
	sw.tr = e.truth
	if w.filtered() {
		post := sw.s.filter(w.allow)
		_, selfTimed := idx.(algorithms.SelfTimer)
		res.Filter = &result.Filter{ID: w.id(), Kind: w.spec.Kind, Selectivity: w.selectivity, ShortQueries: w.short, PostFilter: post && !selfTimed}
		sw.tr = w.scorer
		if post && !selfTimed {
			fmt.Fprintf(e.log, "%s%s: %s has no filtered search: post-filtering (over-fetch %g×k/selectivity)\n", sw.name, sw.tag, job.Algorithm.Name, algorithms.PostFilterOverfetch)
		}
	}
	return sw
}

// runSelfTimed measures sw, whose index times its own passes, at once,
// and writes its points. An adapter that fails after finishing some
// settings has those points written before the error is returned.
func (e *jobEnv) runSelfTimed(ctx context.Context, sw *sweep, st algorithms.SelfTimer) error {
	e.passes = e.disp.beginTask(sw.name + sw.tag)
	e.passes.Stage("timed passes", int64(protocolOf(e.cfg).trials*len(sw.todo)))
	var pts []result.Point
	err := e.ds.CheckFiles()
	if err == nil {
		if gerr := mapped.Guard(func() { pts, err = e.selfTimedSweep(ctx, sw.idx, st, sw.s, sw.tr, protocolOf(e.cfg), sw.todo) }); gerr != nil {
			err = gerr
		}
	}
	e.disp.endTask()
	if err != nil && len(pts) == 0 {
		return fmt.Errorf("%s: %w", sw.label, err)
	}
	if werr := e.finish(sw, pts); werr != nil {
		return werr
	}
	if err != nil {
		return fmt.Errorf("%s: %w (%d finished points kept in %s)", sw.label, err, len(pts), sw.path)
	}
	return nil
}

// finish stores the measured points pts of sw in its result beside the
// points kept from disk, writes the result file and logs one line per
// point.
func (e *jobEnv) finish(sw *sweep, pts []result.Point) error {
	cfg, res := e.cfg, sw.res
	// Points already in the file keep their own trials, version and
	// machine; only the new ones are stamped with this run's.
	machineID := res.AddMachine(e.machine)
	for _, pt := range pts {
		if pt.External != nil && pt.External.Filter == "post" && res.Filter != nil {
			res.Filter.PostFilter = true // the adapter post-filtered inside its timed loop
		}
		stamp(&pt, protocolOf(cfg).trials, machineID)
		if i := res.FindPoint(pt.QueryParams); i >= 0 {
			res.Points[i] = pt
		} else {
			res.Points = append(res.Points, pt)
		}
	}
	res.Finished = time.Now().UTC()
	if err := result.Write(sw.path, res); err != nil {
		return err
	}
	e.disp.pointsFinished(len(pts))
	for _, pt := range pts {
		line := e.names.point(sw.job, cfg.K, pt) + sw.tag
		if e.opt.Verbose && len(pt.PassRepeats) > 0 {
			line += fmt.Sprintf("  (%d passes of %d×%d queries)", len(pt.PassQPS), pt.PassRepeats[0], e.ds.Query.Rows)
		}
		if e.opt.Verbose && pt.QPSCI != nil {
			line += fmt.Sprintf("  QPS interval [%.0f–%.0f]", pt.QPSCI.Lo, pt.QPSCI.Hi)
		}
		fmt.Fprintln(e.log, line)
	}
	return nil
}

// obtainIndex loads the index from the cache or builds (and caches) it.
func (e *jobEnv) obtainIndex(ctx context.Context, job config.Job, label string) (algorithms.Index, result.Build, error) {
	ds := e.ds
	name := e.names.job(job)
	idx, err := job.Algorithm.New(ds.Metric, ds.Base.Dim, job.Index)
	if err != nil {
		return nil, result.Build{}, fmt.Errorf("%s: %w", label, err)
	}
	cache, entry, useCache := e.cacheEntry(job, name)
	start := time.Now()
	var b result.Build
	var ok bool
	switch {
	case !useCache:
	case e.opt.Force:
		fmt.Fprintf(e.log, "%s: --force: rebuilding instead of loading a cached index\n", name)
	default:
		b, ok, err = cache.load(idx, entry)
		if err != nil {
			fmt.Fprintf(e.log, "%s: warning: ignoring index cache, rebuilding: %v\n", name, err)
			if idx, err = job.Algorithm.New(ds.Metric, ds.Base.Dim, job.Index); err != nil {
				return nil, result.Build{}, fmt.Errorf("%s: %w", label, err)
			}
		}
	}
	if ok {
		b.Cached, b.LoadSeconds = true, time.Since(start).Seconds()
		b.Storage = storage(idx)
		fmt.Fprintf(e.log, "%s: loaded from cache in %s (built in %s)\n", name, seconds(b.LoadSeconds), seconds(b.Seconds))
		return idx, b, nil
	}
	if t, ok := idx.(algorithms.Trainer); ok && ds.Train.Rows > 0 {
		t.SetTrainingData(ds.Train)
	}
	if t, ok := idx.(algorithms.Threader); ok {
		t.SetThreads(e.threads())
	}
	fmt.Fprintf(e.log, "%s: building\n", name)
	if pr, ok := idx.(algorithms.ProgressReporter); ok {
		pr.SetProgress(e.disp.beginTask(name))
	}
	mem := openRSSWindow()
	if len(e.held.idx) == 0 {
		e.freeRSS = mem.before
	}
	start = time.Now()
	err = idx.Build(ctx, ds.Base)
	e.disp.endTask()
	if err != nil {
		if c, ok := idx.(io.Closer); ok {
			c.Close()
		}
		return nil, result.Build{}, fmt.Errorf("%s: build: %w", label, err)
	}
	b = result.Build{Seconds: time.Since(start).Seconds()}
	b.PeakRSS, b.RSSBefore, b.PeakRSSScope = mem.peak()
	if held := b.RSSBefore - e.freeRSS; len(e.held.idx) > 0 && e.freeRSS > 0 && held > 0 && b.PeakRSSScope == rssBuild {
		// Indexes held for interleaved timing are resident too: leave
		// them out, as if this index had been built alone.
		b.PeakRSS, b.RSSBefore = b.PeakRSS-held, b.RSSBefore-held
	}
	if m, ok := idx.(algorithms.ProcessMemory); ok {
		// The index lives in another process.
		b.PeakRSS, b.RSSBefore, b.PeakRSSScope = m.PeakRSS(), 0, rssAdapter
	}
	if s, ok := idx.(algorithms.Sizer); ok {
		b.IndexBytes = s.SizeBytes()
	}
	if c, ok := idx.(algorithms.Counter); ok {
		b.DistanceCount = c.DistanceCount()
	}
	b.Storage = storage(idx)
	fmt.Fprintf(e.log, "%s: built in %s\n", name, seconds(b.Seconds))
	if useCache {
		if err := cache.store(idx, entry, b); err != nil {
			fmt.Fprintf(e.log, "%s: warning: %v\n", name, err)
		}
	}
	return idx, b, nil
}

// cacheEntry returns the index cache and the entry of job's index, and
// whether the cache is in use: it is not when the config turns it off, or
// (with a warning) when the dataset's content or this build's code
// version cannot be told.
func (e *jobEnv) cacheEntry(job config.Job, label string) (indexCache, cacheEntry, bool) {
	cache := indexCache{dir: e.cfg.Cache}
	if cache.dir == "" {
		return cache, cacheEntry{}, false
	}
	fp, err := e.ds.IndexFingerprint()
	if err == nil {
		var entry cacheEntry
		if entry, err = cache.entry(job, fp); err == nil {
			return cache, entry, true
		}
	}
	fmt.Fprintf(e.log, "%s: warning: index cache not used: %v\n", label, err)
	return cache, cacheEntry{}, false
}

// storage returns the storage idx says it chose, or "".
func storage(idx algorithms.Index) string {
	if s, ok := idx.(algorithms.StorageDescriber); ok {
		return s.Storage()
	}
	return ""
}
