package ivfflat

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// fixed is the start of the body: its fixed-size fields, stored in this
// order (binfmt.Writer.Fixed).
type fixed struct {
	NList uint32 // lists actually built; 0 for an empty index
	N     uint64 // stored vectors
}

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
//	fixed     the fields of type fixed
//	centroids nlist*dim float32
//	sizes     nlist int32 (vectors per list)
//	ids       n int32, in list order
//	vectors   n*dim float32, in list order (also when kept as bytes)
func (x *Index) writeBody(b *binfmt.Writer) {
	f := fixed{N: uint64(len(x.ids))}
	if x.coarse != nil {
		f.NList = uint32(x.coarse.NList())
	}
	b.Fixed(f)
	if x.coarse != nil {
		b.Float32s(x.coarse.Centroids.Data)
		b.Int32s(ListSizes(x.offsets))
	}
	b.Int32s(x.ids)
	x.rows.EachFloatChunk(b.Float32s)
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

// readBody reads what writeBody wrote, for an index made with the same
// metric and dimension; its install checks the lists.
func (x *Index) readBody(b *binfmt.Reader) (install func() error) {
	f := binfmt.ReadFixed(b, "fixed fields", func(f fixed) error { return CheckListCount(f.NList, f.N) })
	nlist, n := f.NList, f.N
	if n == 0 {
		return func() error {
			x.coarse, x.offsets, x.ids, x.rows, x.maxList = nil, nil, nil, distance.Rows{}, 0
			return nil
		}
	}
	dim := uint64(x.dim)
	cent := b.Float32s(uint64(nlist)*dim, "centroids")
	sizes := b.Int32s(uint64(nlist), "list sizes")
	ids := b.Int32s(n, "ids")
	vectors := b.Float32s(n*dim, "vectors")
	return func() error {
		offsets, err := ListOffsets(sizes, ids, n)
		if err != nil {
			return err
		}
		m := vector.Matrix{Data: cent, Rows: int(nlist), Dim: x.dim, Stride: x.dim}
		x.coarse, x.offsets, x.ids = NewCoarse(x.metric, m), offsets, ids
		x.setVectors(vectors)
		x.maxList = MaxListLen(offsets)
		return nil
	}
}

// CheckListCount checks the list and vector counts a file states: at most
// 2^31 vectors, and 1 to n lists for n > 0 vectors, none for none; IVF-PQ
// files state them too.
func CheckListCount(nlist uint32, n uint64) error {
	if n > 1<<31 || uint64(nlist) > max(n, 1) || (nlist == 0) != (n == 0) {
		return fmt.Errorf("implausible header: nlist=%d n=%d", nlist, n)
	}
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
