package runner

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/annbench/annbench/algorithms"
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
		s.results[i] = s.idx.Search(s.queries.Row(i), k, s.flat[i*k:i*k:i*k+k])
		now := time.Now()
		s.lat[i] = float64(now.Sub(prev))
		prev = now
	}
	return time.Since(start), nil
}

func (s *searcher) batchPass(ctx context.Context) (time.Duration, error) {
	k, nq := s.k, s.queries.Rows
	bs, ok := s.idx.(algorithms.BatchSearcher)
	if !ok {
		// No batch path: one call per query, spread like parallel mode.
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
	const chunk = 16
	start := time.Now()
	for w := 0; w < s.threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				from := int(next.Add(chunk)) - chunk
				if from >= nq {
					return
				}
				for i := from; i < min(from+chunk, nq); i++ {
					s.results[i] = s.idx.Search(s.queries.Row(i), k, s.flat[i*k:i*k:i*k+k])
				}
			}
		}()
	}
	wg.Wait()
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
