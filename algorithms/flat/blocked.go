package flat

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// Blocked exact search. Queries are taken in blocks of up to QueryBlock and
// the base in blocks of rows whose vectors fill about RowBlockBytes; one
// block-kernel call computes the whole query-block × row-block tile of
// distances while the row block stays in the core's L2 cache and the query
// block nearby, so each base vector fetched from memory serves QueryBlock
// queries instead of one. Workers take query blocks from a shared counter.
// For l2 data stored split into head and tail dimensions (vectors.go) the
// tile holds head distances only, lower bounds of the full ones; a row's
// tail is computed only when its head beats the query's current k-th
// distance, which for k nearest out of many skips most tails (Fashion-MNIST
// top-100: about 1.6× less work) and changes no result.
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

// blockScratch is one worker's working memory.
type blockScratch struct {
	qs   []float32 // query block in stored column order: heads, then tails
	tile []float32 // distances of the query block × one row block
	row  []float32 // one query in stored column order
	// Byte storage (bytes.go).
	qb    []uint8               // query block as bytes, padded to a multiple of 4
	qnorm []uint32              // their squared norms
	itile []uint32              // inner products of the padded block × one row block
	rows  []float32             // a row block widened to float32 for other queries
	tq    distance.Uint8Queries // the byte query block for tile storage
	heaps []topk.Heap
}

// searchBlocked finds the k nearest base vectors of every query (k <= v.n)
// on threads goroutines (0 = GOMAXPROCS) and calls emit(i, h) once per
// query with a heap holding its neighbours. emit runs concurrently on the
// workers, never twice for the same i, and may empty h.
func (v vectors) searchBlocked(ctx context.Context, queries vector.Matrix, k, threads int, emit func(i int, h *topk.Heap)) error {
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
	if v.tiles != nil {
		rb = min(tileRowBlock(v.dim), v.n)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var faults mapped.Faults // queries may be a memory-mapped file
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			faults.Guard(func() { v.blockWorker(ctx, queries, k, qb, rb, blocks, &next, emit) })
		}()
	}
	wg.Wait()
	faults.Raise()
	return ctx.Err()
}

// blockWorker is one worker of the blocked search: it takes query blocks
// from next until none is left.
func (v vectors) blockWorker(ctx context.Context, queries vector.Matrix, k, qb, rb, blocks int, next *atomic.Int64, emit func(int, *topk.Heap)) {
	nq := queries.Rows
	s := &blockScratch{
		qs:    make([]float32, qb*v.dim),
		tile:  make([]float32, qb*rb),
		heaps: make([]topk.Heap, qb),
	}
	if v.h < v.dim {
		s.row = make([]float32, v.dim)
	}
	if v.bytes != nil {
		qb4 := (qb + 3) &^ 3
		s.qb = make([]uint8, qb4*v.dim)
		s.qnorm = make([]uint32, qb4)
		s.itile = make([]uint32, qb4*rb)
		s.rows = make([]float32, rb*v.dim)
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
}

// searchBlock fills s.heaps[0:hi-lo] with the k nearest base vectors of
// queries lo..hi-1. It reports false when ctx was cancelled midway.
func (v vectors) searchBlock(ctx context.Context, queries vector.Matrix, lo, hi, k, rb int, s *blockScratch) bool {
	for i := 0; i < hi-lo; i++ {
		s.heaps[i].Reset(k)
	}
	if v.bytes != nil {
		v.searchBlockBytes(ctx, queries, lo, hi, rb, s)
		return ctx.Err() == nil
	}
	d, h, nq := v.dim, v.h, hi-lo
	t := d - h
	l2 := v.metric == vector.L2
	// Heads of the block's queries first, then their tails, each
	// contiguous as the block kernels want them.
	qh, qt := s.qs[:nq*h], s.qs[nq*h:nq*d]
	if t == 0 {
		for i := 0; i < nq; i++ {
			v.permute(qh[i*d:i*d+d], queries.Row(lo+i), !l2)
		}
	} else {
		row := s.row
		for i := 0; i < nq; i++ {
			v.permute(row, queries.Row(lo+i), false)
			copy(qh[i*h:i*h+h], row[:h])
			copy(qt[i*t:i*t+t], row[h:])
		}
	}
	for start := 0; start < v.n; start += rb {
		if (start/rb)%16 == 0 && ctx.Err() != nil {
			return false
		}
		nr := min(rb, v.n-start)
		tile := s.tile[:nq*nr]
		heads := v.head[start*h : (start+nr)*h]
		switch {
		case !l2:
			distance.DotBlock(qh, nq, heads, nr, h, tile)
		case t == 0:
			distance.L2SqBlock(qh, nq, heads, nr, h, tile)
		default:
			// Heads only: partial sums are lower bounds of the distances,
			// so a row whose head does not beat the query's current k-th
			// distance cannot enter, and its tail is never computed.
			distance.L2SqBlock(qh, nq, heads, nr, h, tile)
			for i := 0; i < nq; i++ {
				v.finishTails(&s.heaps[i], qt[i*t:i*t+t], tile[i*nr:i*nr+nr], start)
			}
			continue
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
func (x *Index) SearchBatch(ctx context.Context, queries vector.Matrix, k, threads int, dst []int32) error {
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
	if x.v.n == 0 || queries.Rows == 0 {
		return nil
	}
	err := x.v.searchBlocked(ctx, queries, min(k, x.v.n), threads, func(i int, h *topk.Heap) {
		h.AppendSorted(dst[i*k:i*k], nil)
	})
	if err != nil {
		return fmt.Errorf("flat: batch search: %w", err)
	}
	x.AddDistances(int64(queries.Rows) * int64(x.v.n))
	return nil
}

// finishTails offers rows start, start+1, ... to hp given their head
// partial sums: each row whose partial sum beats the current threshold
// gets its tail distance to the query tail qt added and is pushed.
func (v vectors) finishTails(hp *topk.Heap, qt, partial []float32, start int) {
	t := v.dim - v.h
	thr := hp.Threshold()
	for j := 0; j < len(partial); j++ {
		j += distance.FirstBelow(partial[j:], thr)
		if j >= len(partial) {
			return
		}
		r := start + j
		if d := partial[j] + distance.L2Sq(qt, v.tail[r*t:r*t+t]); d < thr {
			hp.Push(d, int32(r))
			thr = hp.Threshold()
		}
	}
}
