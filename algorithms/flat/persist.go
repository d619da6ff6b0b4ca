package flat

import (
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

// Persistence format, little-endian:
//
//	magic   [8]byte "ANNBFLAT"
//	version uint32  (formatVersion)
//	dim     uint32
//	rows    uint64
//	data    rows*dim float32
const formatVersion = 1

var magic = [8]byte{'A', 'N', 'N', 'B', 'F', 'L', 'A', 'T'}

// Save writes the index in the versioned flat format.
func (x *Index) Save(w io.Writer) error {
	b := binfmt.NewWriter(w)
	b.Header(magic, formatVersion)
	b.Uint32(uint32(x.dim))
	b.Uint64(uint64(x.v.n))
	// Vectors are written in their original dimension order, whatever
	// order the index keeps them in.
	row := make([]float32, x.dim)
	for i := 0; i < x.v.n && b.Err() == nil; i++ {
		x.v.row(i, row)
		b.Float32s(row)
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("flat: save: %w", err)
	}
	return nil
}

// Load reads what Save wrote. The stored dimension must match the index's.
func (x *Index) Load(r io.Reader) error {
	b := binfmt.NewReader(r)
	if err := b.Header("a flat index", magic, formatVersion); err != nil {
		return fmt.Errorf("flat: %w", err)
	}
	dim := b.Uint32("dimension")
	rows := b.Uint64("row count")
	if b.Err() != nil {
		return fmt.Errorf("flat: %w", b.Err())
	}
	if int(dim) != x.dim {
		return fmt.Errorf("flat: stored dimension %d, index dimension %d", dim, x.dim)
	}
	if rows > math.MaxInt32 {
		return fmt.Errorf("flat: stored row count %d is too large", rows)
	}
	data := b.Float32s(rows*uint64(dim), "vectors")
	if b.Err() != nil {
		return fmt.Errorf("flat: %w", b.Err())
	}
	n := int(rows)
	x.v = newVectors(x.metric, vector.Matrix{Data: data, Rows: n, Dim: x.dim, Stride: x.dim})
	return nil
}
