package scann

import (
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// Re-ranking storage. Re-ranking reads max(k, reorder) rows at random
// places of the full-precision copy, and for long vectors those reads,
// not the arithmetic, are its cost. An l2 index whose vectors are all
// byte values keeps the copy as bytes (distance.Rows): a quarter of the
// traffic, and exactly the distances of float storage, so re-ranking
// returns the same results (fashion-mnist, leaves 2, reorder 20 / 50, with
// prefetching: 1.13× / 1.26× the QPS of float rows). The file format stays
// float32.

// prefetchAhead is how many candidates ahead re-ranking prefetches rows:
// 4 measured faster than 8 and than prefetching all at once.
const prefetchAhead = 4

// keepRows takes the leaf-ordered copy of the base vectors.
func (x *Index) keepRows(v []float32) {
	x.rows = distance.NewRows(v, x.dim, x.metric == vector.L2)
}

// Storage names how the re-ranking copy is kept: "uint8" or "float32".
func (x *Index) Storage() string { return x.rows.Storage() }
