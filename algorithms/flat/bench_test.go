package flat

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/vector"
)

// benchIndex builds an index over n seeded vectors of dimension dim,
// normally distributed or (bytes) integers in 0..255 like SIFT.
func benchIndex(b *testing.B, m vector.Metric, n, dim int, bytes bool) (*Index, vector.Matrix) {
	r := rand.New(rand.NewPCG(1, uint64(dim)))
	gen := randMatrix
	if bytes {
		gen = byteMatrix
	}
	base := gen(r, n, dim, m)
	queries := gen(r, 100, dim, m)
	x, err := New(m, dim)
	if err != nil {
		b.Fatal(err)
	}
	if err := x.Build(context.Background(), base); err != nil {
		b.Fatal(err)
	}
	return x, queries
}

// BenchmarkSearch measures one query at a time on one goroutine over
// siftsmall-sized (10k × 128) and fashion-mnist-sized (60k × 784) data,
// float32 and byte-valued; ns/op is per query, and queries/s is reported
// alongside.
func BenchmarkSearch(b *testing.B) {
	for _, sh := range []struct{ n, dim int }{{10000, 128}, {60000, 784}} {
		for _, c := range []struct {
			m     vector.Metric
			bytes bool
		}{{vector.L2, false}, {vector.L2, true}, {vector.IP, false}} {
			kind := "float32"
			if c.bytes {
				kind = "bytes"
			}
			b.Run(fmt.Sprintf("%s/%s/n=%d/dim=%d", c.m, kind, sh.n, sh.dim), func(b *testing.B) {
				x, queries := benchIndex(b, c.m, sh.n, sh.dim, c.bytes)
				dst := make([]int32, 0, 10)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					dst = x.Search(queries.Row(i%queries.Rows), 10, dst)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
			})
		}
	}
}

// BenchmarkSearchBatch measures the blocked path for 100 queries at once;
// ns/op is per batch of 100.
func BenchmarkSearchBatch(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("l2/n=10000/dim=128/threads=%d", threads), func(b *testing.B) {
			x, queries := benchIndex(b, vector.L2, 10000, 128, false)
			dst := make([]int32, queries.Rows*10)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := x.SearchBatch(context.Background(), queries, 10, threads, dst); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*queries.Rows)/b.Elapsed().Seconds(), "queries/s")
		})
	}
}

// BenchmarkExact computes exact top-100 lists for 256 fashion-mnist
// queries over its 60k × 784 base (ANNBENCH_TESTDATA) on one goroutine,
// through the storage Exact picks and through plain unsplit float32
// storage; ns/query is wall time, cpu-ns/query user CPU time (steadier on
// a shared machine). Run with -count to alternate the two.
func BenchmarkExact(b *testing.B) {
	base, queries := loadFashion(b, 256)
	for _, layout := range []struct {
		name string
		v    vectors
	}{
		{"exact", exactVectors(vector.L2, base)},
		{"unsplit", vectors{metric: vector.L2, n: base.Rows, dim: base.Dim, h: base.Dim, head: base.Data}},
	} {
		b.Run(layout.name, func(b *testing.B) {
			b.ResetTimer()
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				q := queries.Slice((i*64)%256, (i*64)%256+64)
				if err := layout.v.searchBlocked(context.Background(), q, 100, 1, func(int, *topk.Heap) {}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64), "ns/query")
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*64), "cpu-ns/query")
		})
	}
}

// cpuTime returns the process's user CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano())
}
