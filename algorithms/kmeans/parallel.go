package kmeans

import (
	"sync"
	"sync/atomic"

	"github.com/annbench/annbench/datasets/mapped"
)

// chunkSize is the number of points one work item covers. Work is split in
// fixed chunks, never by thread count, so results do not depend on it.
const chunkSize = 512

// parallelChunks calls fn(chunk, lo, hi, worker) for every chunk of
// [0, n) using up to threads goroutines. worker is in [0, threads) and lets
// fn use per-goroutine scratch space.
func parallelChunks(n, threads int, fn func(chunk, lo, hi, worker int)) {
	chunks := (n + chunkSize - 1) / chunkSize
	threads = max(1, min(threads, chunks))
	run := func(worker int, next *atomic.Int64) {
		for {
			c := int(next.Add(1) - 1)
			if c >= chunks {
				return
			}
			lo := c * chunkSize
			fn(c, lo, min(lo+chunkSize, n), worker)
		}
	}
	var next atomic.Int64
	if threads == 1 {
		run(0, &next)
		return
	}
	var wg sync.WaitGroup
	var faults mapped.Faults // the data may be a memory-mapped file
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			faults.Guard(func() { run(w, &next) })
		}(w)
	}
	wg.Wait()
	faults.Raise()
}
