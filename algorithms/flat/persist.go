package flat

import (
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

// Persistence: an algorithms/binfmt index file whose body is
//
//	rows    uint64
//	data    rows*dim float32, in row order
func (x *Index) header() binfmt.Header {
	return binfmt.Header{Algorithm: Algorithm.Name, Metric: x.metric, Dim: x.dim}
}

// Save writes the index as an algorithms/binfmt index file.
func (x *Index) Save(w io.Writer) error {
	return binfmt.Save(w, x.header(), func(b *binfmt.Writer) {
		b.Uint64(uint64(x.v.n))
		// Vectors are written in their original dimension order, whatever
		// order the index keeps them in.
		row := make([]float32, x.dim)
		for i := 0; i < x.v.n && b.Err() == nil; i++ {
			x.v.row(i, row)
			b.Float32s(row)
		}
	})
}

// Load reads what Save wrote into an index made with the same metric and
// dimension. Corrupt, truncated or foreign input is an error and leaves
// the index as it was.
func (x *Index) Load(r io.Reader) error {
	var rows uint64
	var data []float32
	err := binfmt.Load(r, x.header(), func(b *binfmt.Reader) {
		rows = b.Uint64("row count")
		if b.Err() == nil && rows > math.MaxInt32 {
			b.Fail(fmt.Errorf("stored row count %d is too large", rows))
		}
		data = b.Float32s(rows*uint64(x.dim), "vectors")
	})
	if err != nil {
		return err
	}
	x.v = newVectors(x.metric, vector.Matrix{Data: data, Rows: int(rows), Dim: x.dim, Stride: x.dim})
	return nil
}
