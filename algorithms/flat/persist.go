package flat

import (
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

// Save writes the index as an algorithms/binfmt index file.
func (x *Index) Save(w io.Writer) error {
	return binfmt.Save(w, Algorithm.Name, x.metric, x.dim, x.writeBody)
}

// Load reads what Save wrote; input that does not load leaves the index
// as it was.
func (x *Index) Load(r io.Reader) error {
	return binfmt.Load(r, Algorithm.Name, x.metric, x.dim, x.readBody)
}

// writeBody writes the body of the index's algorithms/binfmt file:
//
//	rows    uint64
//	data    rows*dim float32, in row order
//
// Vectors are written in their original dimension order, whatever order
// the index keeps them in.
func (x *Index) writeBody(b *binfmt.Writer) {
	b.Uint64(uint64(x.v.n))
	row := make([]float32, x.dim)
	for i := 0; i < x.v.n && b.Err() == nil; i++ {
		x.v.row(i, row)
		b.Float32s(row)
	}
}

// readBody reads what writeBody wrote, for an index made with the same
// metric and dimension.
func (x *Index) readBody(b *binfmt.Reader) (install func() error) {
	rows := b.Uint64("row count")
	if b.Err() == nil && rows > math.MaxInt32 {
		b.Fail(fmt.Errorf("stored row count %d is too large", rows))
	}
	data := b.Float32s(rows*uint64(x.dim), "vectors")
	return func() error {
		x.v = newVectors(x.metric, vector.Matrix{Data: data, Rows: int(rows), Dim: x.dim, Stride: x.dim})
		return nil
	}
}
