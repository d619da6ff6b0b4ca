package ivfflat

import (
	"math"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// Compact storage. An l2 index whose vectors are all byte values (every
// element an integer 0..255 stored as float32, as in MNIST-style image
// data and SIFT descriptors) keeps them as bytes: a quarter of the memory,
// and a quarter of the bytes a list scan streams from memory, which is
// what bounds the scan of long vectors. The scan converts each byte to the
// float32 of the same value as it reads it and adds in the order of the
// float kernel (distance.L2SqBatchBoundUint8), so every distance, and
// with them the results, are exactly those of float storage. The file
// format stays float32, so files do not depend on the storage chosen.

// compactMinDim is the smallest dimension stored compactly: the scans of
// shorter vectors are bounded by arithmetic rather than by memory (see
// boundMinDim), and there the conversion costs more than the bytes save.
const compactMinDim = boundMinDim

// Storage names how the index keeps its vectors: "uint8" when compact,
// "float32" otherwise (and for an empty index).
func (x *Index) Storage() string {
	if x.bytes != nil {
		return "uint8"
	}
	return "float32"
}

// setVectors takes the vectors in list order and keeps them as bytes when
// the metric is l2, the dimension at least compactMinDim and every element
// a byte value, as they are otherwise.
func (x *Index) setVectors(v []float32) {
	x.vectors, x.bytes = v, nil
	if x.metric != vector.L2 || x.dim < compactMinDim || len(v) == 0 || !byteValued(v) {
		return
	}
	b := make([]uint8, len(v))
	for i, f := range v {
		b[i] = uint8(f)
	}
	x.vectors, x.bytes = nil, b
}

// byteValued reports whether every element of v is the float32 of a byte
// value, bit for bit (so not -0), which makes the byte copy lossless.
func byteValued(v []float32) bool {
	for _, f := range v {
		if !(f >= 0 && f <= 255) || math.Float32bits(float32(uint8(f))) != math.Float32bits(f) {
			return false
		}
	}
	return true
}

// floatChunk is the number of elements Save converts back to float32 at a
// time.
const floatChunk = 1 << 16

// eachFloatChunk calls fn with the stored vectors as float32, in list
// order, a chunk at a time.
func (x *Index) eachFloatChunk(fn func([]float32)) {
	if x.bytes == nil {
		fn(x.vectors)
		return
	}
	buf := make([]float32, min(floatChunk, len(x.bytes)))
	for i := 0; i < len(x.bytes); i += floatChunk {
		src := x.bytes[i:min(len(x.bytes), i+floatChunk)]
		distance.Widen(buf, src)
		fn(buf[:len(src)])
	}
}

// rowDistance returns the distance from q to the vector at position p as
// the float path computes it (distance.For of the metric); a byte row is
// converted into s.tmp first.
func (x *Index) rowDistance(s *scratch, q []float32, p int) float32 {
	d := x.dim
	if x.bytes == nil {
		return distance.For(x.metric)(q, x.vectors[p*d:p*d+d])
	}
	w := s.tmp[:d]
	distance.Widen(w, x.bytes[p*d:p*d+d])
	return distance.L2Sq(q, w)
}
