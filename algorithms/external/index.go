package external

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/vector"
)

// Index is an index living in an adapter process. It is measured only
// through TimePasses: Search returns no results, because timing one query
// at a time across a pipe would measure the pipe.
type Index struct {
	ad      *Adapter
	metric  vector.Metric
	dim     int
	params  algorithms.Params
	threads int
	train   vector.Matrix

	proc    *process
	hello   Hello
	tmp     string
	baseRSS int64 // resident set after hello (interpreter and libraries)
	hwm     int64 // last VmHWM read
	built   int64 // VmHWM right after the build
	rows    int   // base rows, for the plausibility of ids

	allowOf   *algorithms.Allow // first allow-set of the staged allow file
	allowN    int               // its query count
	allowPath string
}

var (
	_ algorithms.Index         = (*Index)(nil)
	_ algorithms.QueryTuner    = (*Index)(nil)
	_ algorithms.SelfTimer     = (*Index)(nil)
	_ algorithms.Sizer         = (*Index)(nil)
	_ algorithms.ProcessMemory = (*Index)(nil)
	_ algorithms.Trainer       = (*Index)(nil)
	_ algorithms.Threader      = (*Index)(nil)
)

// SetThreads sets the thread count the adapter process gets (environment
// and build request). The runner calls it before Build: 1 in single mode.
func (x *Index) SetThreads(n int) { x.threads = max(n, 1) }

// SetTrainingData hands a separate training split to the adapter's build.
func (x *Index) SetTrainingData(train vector.Matrix) { x.train = train }

// Build starts the adapter, greets it and has it build over base.
func (x *Index) Build(ctx context.Context, base vector.Matrix) error {
	if x.proc != nil {
		return fmt.Errorf("%s: Build called twice", x.ad.Name)
	}
	if base.Dim != x.dim {
		return fmt.Errorf("%s: base has dimension %d, index was made for %d", x.ad.Name, base.Dim, x.dim)
	}
	command, err := x.ad.command(ctx)
	if err != nil {
		return err
	}
	dir := x.ad.cacheDir()
	basePath, err := stageMatrix(dir, base)
	if err != nil {
		return fmt.Errorf("%s: %w", x.ad.Name, err)
	}
	trainPath := ""
	if x.train.Rows > 0 {
		if trainPath, err = stageMatrix(dir, x.train); err != nil {
			return fmt.Errorf("%s: %w", x.ad.Name, err)
		}
	}
	if x.tmp, err = os.MkdirTemp("", "annbench-"+x.ad.Name+"-"); err != nil {
		return fmt.Errorf("%s: %w", x.ad.Name, err)
	}
	threads := max(x.threads, 1)
	p, err := start(x.ad.Name, command, threadEnv(threads), "", x.ad.Log)
	if err != nil {
		return err
	}
	x.proc = p
	h, err := greet(ctx, p, x.ad.Name, x.ad.timeouts().Hello)
	if err != nil {
		return err
	}
	x.hello = h
	if !h.supportsMetric(string(x.metric)) {
		return p.fail("hello", fmt.Errorf("does not support metric %s (supports %v)", x.metric, h.Capabilities.Metrics))
	}
	_, x.baseRSS = p.status()
	req := buildRequest{Op: "build", Metric: string(x.metric), Dim: x.dim, Base: basePath, Train: trainPath,
		Params: x.params, Threads: threads}
	var resp buildResponse
	if err := p.call(ctx, "build", x.ad.timeouts().Build, req, &resp); err != nil {
		return err
	}
	x.hwm, _ = p.status()
	x.built = x.hwm
	x.rows = base.Rows
	return nil
}

// threadEnv is the environment that holds the usual math libraries to n
// threads.
func threadEnv(n int) []string {
	v := fmt.Sprint(n)
	return []string{"OMP_NUM_THREADS=" + v, "OPENBLAS_NUM_THREADS=" + v, "MKL_NUM_THREADS=" + v}
}

// greet sends hello and checks the answer.
func greet(ctx context.Context, p *process, name string, timeout time.Duration) (Hello, error) {
	var h Hello
	if err := p.call(ctx, "hello", timeout, helloRequest{Op: "hello", Protocol: ProtocolVersion, Algorithm: name}, &h); err != nil {
		return h, err
	}
	if err := h.validate(); err != nil {
		return h, p.fail("hello", err)
	}
	return h, nil
}

// Filters reports whether the adapter declared the "filter" capability,
// i.e. accepts allow files; false before Build.
func (x *Index) Filters() bool { return x.hello.Capabilities.Filter }

// Search returns no results; see the type's documentation.
func (x *Index) Search(q []float32, k int, dst []int32) []int32 { return dst[:0] }

// SetQuery sends query-time parameters to the adapter.
func (x *Index) SetQuery(p algorithms.Params) error {
	if x.proc == nil {
		return fmt.Errorf("%s: SetQuery before Build", x.ad.Name)
	}
	return x.proc.call(context.Background(), "set_query", x.ad.timeouts().SetQuery,
		setQueryRequest{Op: "set_query", Params: p}, nil)
}

// TimePasses has the adapter run warm-up and timed passes over the queries
// and reads back the ids of the last pass, the pass times and, in single
// mode, every search's latency.
func (x *Index) TimePasses(ctx context.Context, r algorithms.TimedRequest) (algorithms.TimedPasses, error) {
	var out algorithms.TimedPasses
	if x.proc == nil {
		return out, fmt.Errorf("%s: TimePasses before Build", x.ad.Name)
	}
	mode := "single"
	if r.Batch {
		mode = "batch"
	}
	if !x.hello.supportsMode(mode) {
		return out, adapterErr(nil, "%s: mode %s not supported by the adapter (supports %v)", x.ad.Name, mode, x.hello.Capabilities.Modes)
	}
	if r.K <= 0 || r.Passes <= 0 || r.Queries.Rows == 0 {
		return out, fmt.Errorf("%s: need k, passes and queries, got k=%d passes=%d queries=%d", x.ad.Name, r.K, r.Passes, r.Queries.Rows)
	}
	qpath, err := stageMatrix(x.ad.cacheDir(), r.Queries)
	if err != nil {
		return out, fmt.Errorf("%s: %w", x.ad.Name, err)
	}
	ids, lats := filepath.Join(x.tmp, "ids.ibin"), filepath.Join(x.tmp, "latencies.f64")
	os.Remove(ids)
	os.Remove(lats)
	req := searchRequest{Op: "search", Queries: qpath, K: r.K, Mode: mode, Threads: max(r.Threads, 1),
		Warmup: max(r.Warmup, 0), Passes: r.Passes, Repeats: max(r.Repeats, 1), MinPassSeconds: r.MinPassSeconds,
		IDsOut: ids}
	if mode == "single" {
		req.LatenciesOut = lats
	}
	if r.Allow != nil {
		if !x.Filters() {
			return out, fmt.Errorf("%s: the adapter does not declare capability \"filter\": it cannot run filtered searches", x.ad.Name)
		}
		if len(r.Allow) != r.Queries.Rows {
			return out, fmt.Errorf("%s: %d allow-sets for %d queries", x.ad.Name, len(r.Allow), r.Queries.Rows)
		}
		if x.allowOf != r.Allow[0] || x.allowN != len(r.Allow) {
			if x.allowPath, err = stageAllow(x.ad.cacheDir(), r.Allow); err != nil {
				return out, fmt.Errorf("%s: %w", x.ad.Name, err)
			}
			x.allowOf, x.allowN = r.Allow[0], len(r.Allow)
		}
		req.Allow = x.allowPath
	}
	var resp searchResponse
	start := time.Now()
	if err := x.proc.call(ctx, "search", x.ad.timeouts().Search, req, &resp); err != nil {
		return out, err
	}
	rt := time.Since(start).Seconds()
	if x.hwm, _ = x.proc.status(); x.hwm < x.built {
		x.hwm = x.built
	}
	if err := checkSearch(resp, req, r.Queries.Rows); err != nil {
		return out, x.proc.fail("search", err)
	}
	nq := r.Queries.Rows
	if out.IDs, err = readIDs(ids, nq, r.K); err != nil {
		return out, x.proc.fail("search", err)
	}
	if mode == "single" {
		if out.LatencyNS, err = readLatencies(lats, resp.Latencies); err != nil {
			return out, x.proc.fail("search", err)
		}
	}
	out.Filter = resp.Filter
	out.PassSeconds, out.PassCPUSeconds, out.Repeats, out.RoundTripSeconds = resp.PassSeconds, resp.PassCPUSeconds, resp.Repeats, rt
	out.Implausible = implausible(resp, out.LatencyNS, nq, rt)
	return out, nil
}

// checkSearch rejects a search answer that does not fit the request.
func checkSearch(resp searchResponse, req searchRequest, nq int) error {
	if len(resp.PassSeconds) != req.Passes {
		return fmt.Errorf("reported %d pass times for %d passes", len(resp.PassSeconds), req.Passes)
	}
	for i, s := range resp.PassSeconds {
		if !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("pass %d: reported time %v, want a positive number of seconds", i, s)
		}
	}
	if n := len(resp.PassCPUSeconds); n > 0 && n != req.Passes {
		return fmt.Errorf("reported %d pass CPU times for %d passes", n, req.Passes)
	}
	for i, s := range resp.PassCPUSeconds {
		if !(s >= 0) || math.IsInf(s, 0) {
			return fmt.Errorf("pass %d: reported CPU time %v, want a non-negative number of seconds", i, s)
		}
	}
	if req.Allow != "" && resp.Filter != "native" && resp.Filter != "post" {
		return fmt.Errorf("reported filter %q for a search with an allow file, want \"native\" or \"post\"", resp.Filter)
	}
	if resp.Repeats < req.Repeats {
		return fmt.Errorf("reported %d repeats, %d were asked for", resp.Repeats, req.Repeats)
	}
	if !(resp.WarmupSeconds >= 0) || math.IsInf(resp.WarmupSeconds, 0) {
		return fmt.Errorf("reported warm-up time %v", resp.WarmupSeconds)
	}
	want := 0
	if req.Mode == "single" {
		want = req.Passes * resp.Repeats * nq
	}
	if resp.Latencies != want {
		return fmt.Errorf("reported %d latencies, want %d (passes × repeats × queries in single mode, 0 in batch)", resp.Latencies, want)
	}
	return nil
}

// implausible explains why self-reported times cannot be true: more time
// measured than passed in the round trip, latencies adding up to more than
// their pass, or most of a long round trip unaccounted for.
func implausible(resp searchResponse, lat []float64, nq int, rt float64) string {
	timed := resp.WarmupSeconds
	for _, s := range resp.PassSeconds {
		timed += s
	}
	if timed > rt*1.01+0.002 {
		return fmt.Sprintf("adapter reports %.4fs of searching in a %.4fs round trip", timed, rt)
	}
	if rt > 0.2 && timed < 0.5*rt {
		return fmt.Sprintf("adapter reports %.4fs of searching in a %.4fs round trip (more than half unaccounted for)", timed, rt)
	}
	per := resp.Repeats * nq
	for p, s := range resp.PassSeconds {
		if len(lat) < (p+1)*per {
			break
		}
		sum := 0.0
		for _, v := range lat[p*per : (p+1)*per] {
			sum += v
		}
		if sum/1e9 > s*1.01+1e-4 {
			return fmt.Sprintf("pass %d: latencies add up to %.4fs, the pass took %.4fs", p, sum/1e9, s)
		}
	}
	return ""
}

// SizeBytes estimates the index's memory as the adapter's peak resident
// set after the build minus its resident set before it.
func (x *Index) SizeBytes() int64 { return max(x.built-x.baseRSS, 0) }

// PeakRSS returns the adapter process's peak resident set (VmHWM) as last
// read, in bytes.
func (x *Index) PeakRSS() int64 { return x.hwm }

// Info describes the adapter for result files.
func (x *Index) Info() Info {
	return Info{Adapter: x.hello.Name, Version: x.hello.Version, Library: x.hello.Library}
}

// Info identifies the adapter that produced a measurement.
type Info struct {
	// Adapter and Version are the adapter's own name and version.
	Adapter, Version string
	// Library names the library and its version, e.g. "faiss 1.7.3".
	Library string
}

// Close ends the adapter process and removes its scratch files.
func (x *Index) Close() error {
	var err error
	if x.proc != nil {
		err = x.proc.close(x.ad.timeouts().Close)
		x.proc = nil
	}
	if x.tmp != "" {
		os.RemoveAll(x.tmp)
		x.tmp = ""
	}
	return err
}
