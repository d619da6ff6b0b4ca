package hnsw

import (
	"context"
	"fmt"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

// BenchmarkSearch measures one query at a time on seeded clustered data
// (20000 × 64), at several ef; it needs no dataset files. recall@10 is
// reported against exact search over the first 200 queries.
func BenchmarkSearch(b *testing.B) {
	base := gaussian(21, 20000, 64)
	queries := gaussian(22, 200, 64)
	x := mustBuild(b, base, Config{M: 16, EfConstruction: 200})
	for _, ef := range []int{16, 64, 256} {
		b.Run(fmt.Sprintf("ef=%d", ef), func(b *testing.B) {
			x.ef = ef
			r := recallAt(b, x, base, queries, 10)
			dst := make([]int32, 0, 10)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				x.Search(queries.Row(i%queries.Rows), 10, dst)
			}
			b.ReportMetric(r, "recall@10")
		})
	}
}

// BenchmarkBuild measures building 10000 × 64 clustered vectors with
// M=16, ef_construction=200 on one thread and on GOMAXPROCS threads.
func BenchmarkBuild(b *testing.B) {
	base := gaussian(23, 10000, 64)
	for _, threads := range []int{1, 0} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				x, _ := New(vector.L2, base.Dim, Config{M: 16, EfConstruction: 200, Threads: threads})
				if err := x.Build(context.Background(), base); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
