package runner

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
)

// searcher runs passes over all queries in one mode, keeping every
// buffer preallocated so the timed loop allocates nothing.
type searcher struct {
	idx     algorithms.Index
	queries vector.Matrix
	k       int
	mode    string
	threads int

	flat    []int32   // nq*k result storage
	results [][]int32 // per query: what Search returned
	lat     []float64 // per-query latency in ns of the last pass (single mode)

	// allow, when not nil, restricts query i to allow[i] through fs.
	allow []*algorithms.Allow
	fs    algorithms.FilteredSearcher
}

// filter makes every later pass search query i only among allow[i], with
// the index's own filtered search or, without one, by post-filtering. It
// reports whether post-filtering is used.
func (s *searcher) filter(allow []*algorithms.Allow) (post bool) {
	s.allow = allow
	fs, ok := s.idx.(algorithms.FilteredSearcher)
	if !ok {
		fs = &algorithms.PostFilter{Index: s.idx}
	}
	s.fs = fs
	return !ok
}

// search runs query i into dst.
func (s *searcher) search(i int, dst []int32) []int32 {
	if s.allow != nil {
		return s.fs.SearchFiltered(s.queries.Row(i), s.k, s.allow[i], dst)
	}
	return s.idx.Search(s.queries.Row(i), s.k, dst)
}

func newSearcher(idx algorithms.Index, queries vector.Matrix, k int, mode string, threads int) *searcher {
	nq := queries.Rows
	return &searcher{idx: idx, queries: queries, k: k, mode: mode, threads: max(threads, 1),
		flat: make([]int32, nq*k), results: make([][]int32, nq), lat: make([]float64, nq)}
}

// ctxCheckEvery is how many queries pass between cancellation checks.
const ctxCheckEvery = 256

// pass runs every query once and returns the wall time of the pass.
func (s *searcher) pass(ctx context.Context) (time.Duration, error) {
	switch s.mode {
	case config.ModeBatch:
		return s.batchPass(ctx)
	case config.ModeParallel:
		return s.parallelPass(ctx)
	}
	return s.singlePass(ctx)
}

func (s *searcher) singlePass(ctx context.Context) (time.Duration, error) {
	k, nq := s.k, s.queries.Rows
	start := time.Now()
	prev := start
	for i := 0; i < nq; i++ {
		if i%ctxCheckEvery == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		s.results[i] = s.search(i, s.flat[i*k:i*k:i*k+k])
		now := time.Now()
		s.lat[i] = float64(now.Sub(prev))
		prev = now
	}
	return time.Since(start), nil
}

func (s *searcher) batchPass(ctx context.Context) (time.Duration, error) {
	k, nq := s.k, s.queries.Rows
	bs, ok := s.idx.(algorithms.BatchSearcher)
	if !ok || s.allow != nil {
		// No batch path (or a filtered one): one call per query, spread
		// like parallel mode.
		return s.parallelPass(ctx)
	}
	start := time.Now()
	if err := bs.SearchBatch(ctx, s.queries, k, s.threads, s.flat); err != nil {
		return 0, fmt.Errorf("batch search: %w", err)
	}
	elapsed := time.Since(start)
	for i := 0; i < nq; i++ {
		row := s.flat[i*k : i*k+k]
		n := 0
		for n < k && row[n] >= 0 {
			n++
		}
		s.results[i] = row[:n]
	}
	return elapsed, nil
}

func (s *searcher) parallelPass(ctx context.Context) (time.Duration, error) {
	k, nq := s.k, s.queries.Rows
	var next atomic.Int64
	var wg sync.WaitGroup
	var faults mapped.Faults // queries may be a mapped file
	const chunk = 16
	start := time.Now()
	for w := 0; w < s.threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			faults.Guard(func() {
				for ctx.Err() == nil {
					from := int(next.Add(chunk)) - chunk
					if from >= nq {
						return
					}
					for i := from; i < min(from+chunk, nq); i++ {
						s.results[i] = s.search(i, s.flat[i*k:i*k:i*k+k])
					}
				}
			})
		}()
	}
	wg.Wait()
	if err := faults.Err(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// snapshot copies the results of the last pass so a later pass cannot
// change them (adapters may return slices they reuse).
func (s *searcher) snapshot() [][]int32 {
	out := make([][]int32, len(s.results))
	for i, r := range s.results {
		out[i] = append([]int32(nil), r...)
	}
	return out
}

// protocol is how the passes of a sweep are timed; see the timing keys of
// config.Config. The zero value times single passes with no warm-up
// beyond one pass and no pause.
type protocol struct {
	trials  int           // timed passes per setting
	minPass time.Duration // shortest timed pass: the query set repeats until it lasts this long
	warmup  time.Duration // untimed searching per setting before its first timed pass
	settle  time.Duration // pause after the garbage collection before each timed pass
}

func protocolOf(c *config.Config) protocol {
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	return protocol{trials: max(c.Trials, 1), minPass: sec(c.MinPassSeconds), warmup: sec(c.WarmupSeconds), settle: sec(c.SettleSeconds)}
}

// maxRepeats bounds how often one pass repeats the query set.
const maxRepeats = 1 << 20

// maxLatencies bounds the per-query latencies kept per setting.
const maxLatencies = 1 << 20

// repeatPass runs the query set n times and returns the summed wall time
// of the n passes. In single mode each query's latency is appended to
// *lat (when lat is not nil) up to maxLatencies.
func (s *searcher) repeatPass(ctx context.Context, n int, lat *[]float64) (time.Duration, error) {
	var total time.Duration
	for r := 0; r < n; r++ {
		d, err := s.pass(ctx)
		if err != nil {
			return 0, err
		}
		total += d
		if lat != nil && s.mode == config.ModeSingle && len(*lat) < maxLatencies {
			*lat = append(*lat, s.lat[:min(len(s.lat), maxLatencies-len(*lat))]...)
		}
	}
	return total, nil
}

// calibrate is the warm-up of one setting. Like testing.B growing b.N, it
// runs the query set n times (n = 1, then predicted from the last run with
// 20 % to spare, growing at most 100-fold a step) until one run of n
// repeats lasts at least p.minPass, and goes on searching with that n
// until p.warmup has passed. It returns n, the repeats of every timed
// pass of the setting.
func (p protocol) calibrate(ctx context.Context, s *searcher) (int, error) {
	start := time.Now()
	n := 1
	for {
		d, err := s.repeatPass(ctx, n, nil)
		if err != nil {
			return 0, err
		}
		if d >= p.minPass || n >= maxRepeats {
			if time.Since(start) >= p.warmup {
				return n, nil
			}
			continue
		}
		per := max(float64(d)/float64(n), 1)
		next := int(1.2*float64(p.minPass)/per) + 1
		n = min(max(next, n+1), 100*n, maxRepeats)
	}
}

// settleDown collects garbage, returns the freed memory to the operating
// system and pauses before a timed pass, so the pass neither pays for an
// earlier pass's garbage nor shares the CPU with a collection or with the
// background scavenger releasing idle heap (which it otherwise does in
// the minutes after a large allocation such as an index load).
func (p protocol) settleDown() {
	debug.FreeOSMemory()
	if p.settle > 0 {
		time.Sleep(p.settle)
	}
}
