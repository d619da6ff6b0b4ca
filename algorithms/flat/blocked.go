package flat

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets"
)

// Blocked exact search. Queries are taken in blocks of up to QueryBlock and
// the base in blocks of rows whose vectors fill about RowBlockBytes; one
// block-kernel call computes the whole query-block × row-block tile of
// distances while the row block stays in the core's L2 cache and the query
// block nearby, so each base vector fetched from memory serves QueryBlock
// queries instead of one. Workers take query blocks from a shared counter.
const (
	// QueryBlock is the number of queries per tile.
	QueryBlock = 64
	// RowBlockBytes is the size of the base vectors per tile.
	RowBlockBytes = 256 << 10
)

// rowBlock returns the number of base rows per tile for dimension dim: a
// multiple of 4 (the kernels' row step) holding about RowBlockBytes.
func rowBlock(dim int) int {
	return max(4, RowBlockBytes/(4*dim)&^3)
}

// vectors is a contiguous block of base vectors and the metric to rank
// them by.
type vectors struct {
	metric datasets.Metric
	data   []float32
	n, dim int
}

// blockScratch is one worker's working memory.
type blockScratch struct {
	qs    []float32 // query block, contiguous, negated for ip and angular
	tile  []float32 // distances of the query block × one row block
	heaps []topk.Heap
}

// searchBlocked finds the k nearest base vectors of every query (k <= v.n)
// on threads goroutines (0 = GOMAXPROCS) and calls emit(i, h) once per
// query with a heap holding its neighbours. emit runs concurrently on the
// workers, never twice for the same i, and may empty h.
func (v vectors) searchBlocked(ctx context.Context, queries datasets.Matrix, k, threads int, emit func(i int, h *topk.Heap)) error {
	if queries.Dim != v.dim {
		return fmt.Errorf("query dimension %d, base dimension %d", queries.Dim, v.dim)
	}
	if err := queries.Validate(); err != nil {
		return fmt.Errorf("queries: %w", err)
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	nq := queries.Rows
	// Small batches: shrink the query block so every worker gets work.
	qb := min(QueryBlock, max(4, (nq+threads-1)/threads))
	blocks := (nq + qb - 1) / qb
	threads = max(1, min(threads, blocks))
	rb := min(rowBlock(v.dim), v.n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &blockScratch{
				qs:    make([]float32, qb*v.dim),
				tile:  make([]float32, qb*rb),
				heaps: make([]topk.Heap, qb),
			}
			for ctx.Err() == nil {
				b := int(next.Add(1)) - 1
				if b >= blocks {
					return
				}
				lo, hi := b*qb, min(b*qb+qb, nq)
				if !v.searchBlock(ctx, queries, lo, hi, k, rb, s) {
					return
				}
				for i := lo; i < hi; i++ {
					emit(i, &s.heaps[i-lo])
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// searchBlock fills s.heaps[0:hi-lo] with the k nearest base vectors of
// queries lo..hi-1. It reports false when ctx was cancelled midway.
func (v vectors) searchBlock(ctx context.Context, queries datasets.Matrix, lo, hi, k, rb int, s *blockScratch) bool {
	d, nq := v.dim, hi-lo
	l2 := v.metric == datasets.L2
	for i := 0; i < nq; i++ {
		q, dst := queries.Row(lo+i), s.qs[i*d:i*d+d]
		if l2 {
			copy(dst, q)
		} else {
			for j, x := range q {
				dst[j] = -x
			}
		}
		s.heaps[i].Reset(k)
	}
	qs := s.qs[:nq*d]
	for start := 0; start < v.n; start += rb {
		if start&(16*rb-1) == 0 && ctx.Err() != nil {
			return false
		}
		nr := min(rb, v.n-start)
		rows := v.data[start*d : (start+nr)*d]
		tile := s.tile[:nq*nr]
		if l2 {
			distance.L2SqBlock(qs, nq, rows, nr, d, tile)
		} else {
			distance.DotBlock(qs, nq, rows, nr, d, tile)
		}
		for i := 0; i < nq; i++ {
			s.heaps[i].PushAll(tile[i*nr:i*nr+nr], int32(start))
		}
	}
	return true
}

// SearchBatch writes the k nearest ids of query i to dst[i*k : i*k+k],
// nearest first, padding with -1 when the index holds fewer than k vectors,
// using the blocked computation on threads goroutines (0 = GOMAXPROCS).
func (x *Index) SearchBatch(ctx context.Context, queries datasets.Matrix, k, threads int, dst []int32) error {
	if k <= 0 {
		return fmt.Errorf("flat: k must be positive, got %d", k)
	}
	if len(dst) < queries.Rows*k {
		return fmt.Errorf("flat: result buffer holds %d ids, %d queries × k=%d need %d", len(dst), queries.Rows, k, queries.Rows*k)
	}
	if queries.Dim != x.dim {
		return fmt.Errorf("flat: query dimension %d, index dimension %d", queries.Dim, x.dim)
	}
	for i := range dst[:queries.Rows*k] {
		dst[i] = -1
	}
	if x.n == 0 || queries.Rows == 0 {
		return nil
	}
	v := vectors{metric: x.metric, data: x.data, n: x.n, dim: x.dim}
	err := v.searchBlocked(ctx, queries, min(k, x.n), threads, func(i int, h *topk.Heap) {
		h.AppendSorted(dst[i*k:i*k], nil)
	})
	if err != nil {
		return fmt.Errorf("flat: batch search: %w", err)
	}
	x.count.Add(int64(queries.Rows) * int64(x.n))
	return nil
}
