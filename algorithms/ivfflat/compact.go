package ivfflat

import (
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// Compact storage. An l2 index whose vectors are all byte values (every
// element an integer 0..255 stored as float32, as in MNIST-style image
// data and SIFT descriptors) keeps them as bytes: a quarter of the memory,
// and a quarter of the bytes a list scan streams from memory, which is
// what bounds the scan of long vectors. The scan converts each byte to the
// float32 of the same value as it reads it and adds in the order of the
// float kernel (distance.L2SqBatchBoundUint8, distance.Rows), so every distance, and
// with them the results, are exactly those of float storage. The file
// format stays float32, so files do not depend on the storage chosen.

// compactMinDim is the smallest dimension stored compactly: the scans of
// shorter vectors are bounded by arithmetic rather than by memory (see
// boundMinDim), and there the conversion costs more than the bytes save.
const compactMinDim = boundMinDim

// Storage names how the index keeps its vectors: "uint8" when compact,
// "float32" otherwise (and for an empty index).
func (x *Index) Storage() string { return x.rows.Storage() }

// setVectors takes the vectors in list order and keeps them as bytes when
// the metric is l2, the dimension at least compactMinDim and every element
// a byte value (distance.NewRows), as they are otherwise.
func (x *Index) setVectors(v []float32) {
	x.rows = distance.NewRows(v, x.dim, x.metric == vector.L2 && x.dim >= compactMinDim)
}
