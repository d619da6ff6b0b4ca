package ivfflat_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/ivfflat"
	"github.com/annbench/annbench/datasets/vector"
)

// TestSearchLongVectorsExact checks the search that lets the kernel
// abandon rows (dimension 300, above the bounded-scan cut-off): probing
// every list, it must return exactly the k nearest by L2SqBatch.
func TestSearchLongVectorsExact(t *testing.T) {
	const n, d, k = 1500, 300, 10
	r := rand.New(rand.NewPCG(5, 6))
	data := make([]float32, n*d)
	for i := range data {
		data[i] = r.Float32()
	}
	base := vector.Matrix{Data: data, Rows: n, Dim: d, Stride: d}
	x, err := ivfflat.New(vector.L2, d, ivfflat.Config{NList: 8})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Build(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	if err := x.SetQuery(algorithms.Params{"nprobe": 8}); err != nil {
		t.Fatal(err)
	}
	dist := make([]float32, n)
	for qi := 0; qi < 20; qi++ {
		q := make([]float32, d)
		for i := range q {
			q[i] = r.Float32()
		}
		distance.L2SqBatch(q, data, dist)
		ids := make([]int32, n)
		for i := range ids {
			ids[i] = int32(i)
		}
		slices.SortFunc(ids, func(a, b int32) int {
			if c := cmpf(dist[a], dist[b]); c != 0 {
				return c
			}
			return int(a - b)
		})
		got := x.Search(q, k, nil)
		if !slices.Equal(got, ids[:k]) {
			t.Fatalf("query %d: got %v, want %v", qi, got, ids[:k])
		}
	}
}

func cmpf(a, b float32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
