package flat

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

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
