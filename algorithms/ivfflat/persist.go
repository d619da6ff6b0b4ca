package ivfflat

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

// Persistence: an algorithms/binfmt index file whose body is
//
//	nlist     uint32 (lists actually built; 0 for an empty index)
//	n         uint64
//	centroids nlist*dim float32
//	sizes     nlist int32 (vectors per list)
//	ids       n int32, in list order
//	vectors   n*dim float32, in list order (also when kept as bytes)
func (x *Index) header() binfmt.Header {
	return binfmt.Header{Algorithm: Algorithm.Name, Metric: x.metric, Dim: x.dim}
}

// Save writes the index as an algorithms/binfmt index file.
func (x *Index) Save(w io.Writer) error {
	return binfmt.Save(w, x.header(), func(b *binfmt.Writer) {
		nlist := 0
		if x.coarse != nil {
			nlist = x.coarse.NList()
		}
		b.Uint32(uint32(nlist))
		b.Uint64(uint64(len(x.ids)))
		if x.coarse != nil {
			b.Float32s(x.coarse.Centroids.Data)
			b.Int32s(ListSizes(x.offsets))
		}
		b.Int32s(x.ids)
		x.eachFloatChunk(b.Float32s)
	})
}

// ListSizes returns the length of every list given their offsets, as
// IVF-Flat and IVF-PQ files store them.
func ListSizes(offsets []int) []int32 {
	sizes := make([]int32, len(offsets)-1)
	for l := range sizes {
		sizes[l] = int32(offsets[l+1] - offsets[l])
	}
	return sizes
}

// Load reads what Save wrote into an index made with the same metric and
// dimension. Corrupt, truncated or foreign input is an error and leaves
// the index as it was.
func (x *Index) Load(r io.Reader) error {
	var nlist uint32
	var n uint64
	var cent, vectors []float32
	var sizes, ids []int32
	err := binfmt.Load(r, x.header(), func(b *binfmt.Reader) {
		nlist = b.Uint32("nlist")
		n = b.Uint64("vector count")
		if b.Err() == nil && (n > 1<<31 || uint64(nlist) > max(n, 1) || (nlist == 0) != (n == 0)) {
			b.Fail(fmt.Errorf("implausible header: nlist=%d n=%d", nlist, n))
		}
		if n > 0 {
			dim := uint64(x.dim)
			cent = b.Float32s(uint64(nlist)*dim, "centroids")
			sizes = b.Int32s(uint64(nlist), "list sizes")
			ids = b.Int32s(n, "ids")
			vectors = b.Float32s(n*dim, "vectors")
		}
	})
	if err != nil {
		return err
	}
	if n == 0 {
		x.coarse, x.offsets, x.ids, x.vectors, x.bytes, x.maxList = nil, nil, nil, nil, nil, 0
		return nil
	}
	offsets, err := ListOffsets(sizes, ids, n)
	if err != nil {
		return fmt.Errorf("ivfflat: load: %w", err)
	}
	m := vector.Matrix{Data: cent, Rows: int(nlist), Dim: x.dim, Stride: x.dim}
	x.coarse, x.offsets, x.ids = NewCoarse(x.metric, m), offsets, ids
	x.setVectors(vectors)
	x.maxList = MaxListLen(offsets)
	return nil
}

// ListOffsets turns stored list sizes into offsets and checks that they
// add up to n and that every stored id is in [0, n); IVF-PQ files share
// the layout.
func ListOffsets(sizes, ids []int32, n uint64) ([]int, error) {
	offsets := make([]int, len(sizes)+1)
	for l, s := range sizes {
		if s < 0 {
			return nil, fmt.Errorf("list %d has negative size %d", l, s)
		}
		offsets[l+1] = offsets[l] + int(s)
	}
	if uint64(offsets[len(sizes)]) != n {
		return nil, fmt.Errorf("list sizes add up to %d, header says %d vectors", offsets[len(sizes)], n)
	}
	for _, id := range ids {
		if id < 0 || uint64(id) >= n {
			return nil, fmt.Errorf("stored id %d out of range [0,%d)", id, n)
		}
	}
	return offsets, nil
}
