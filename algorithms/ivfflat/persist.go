package ivfflat

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

// Persistence format, little-endian:
//
//	magic     [8]byte "ANNBIVFF"
//	version   uint32 (formatVersion)
//	metric    uint32 length + bytes
//	dim       uint32
//	nlist     uint32 (lists actually built; 0 for an empty index)
//	n         uint64
//	centroids nlist*dim float32
//	sizes     nlist int32 (vectors per list)
//	ids       n int32, in list order
//	vectors   n*dim float32, in list order
const formatVersion = 1

var magic = [8]byte{'A', 'N', 'N', 'B', 'I', 'V', 'F', 'F'}

// Save writes the index in the versioned IVF-Flat format.
func (x *Index) Save(w io.Writer) error {
	b := binfmt.NewWriter(w)
	b.Header(magic, formatVersion)
	b.Str(string(x.metric))
	b.Uint32(uint32(x.dim))
	nlist := 0
	if x.coarse != nil {
		nlist = x.coarse.NList()
	}
	b.Uint32(uint32(nlist))
	b.Uint64(uint64(len(x.ids)))
	if x.coarse != nil {
		b.Float32s(x.coarse.Centroids.Data)
		sizes := make([]int32, nlist)
		for l := range sizes {
			sizes[l] = int32(x.offsets[l+1] - x.offsets[l])
		}
		b.Int32s(sizes)
	}
	b.Int32s(x.ids)
	b.Float32s(x.vectors)
	if err := b.Flush(); err != nil {
		return fmt.Errorf("ivfflat: save: %w", err)
	}
	return nil
}

// Load reads what Save wrote into an index made with the same metric and
// dimension.
func (x *Index) Load(r io.Reader) error {
	b := binfmt.NewReader(r)
	if err := b.Header("an ivfflat index", magic, formatVersion); err != nil {
		return fmt.Errorf("ivfflat: %w", err)
	}
	metric := b.Str("metric")
	dim := b.Uint32("dimension")
	nlist := b.Uint32("nlist")
	n := b.Uint64("vector count")
	if b.Err() != nil {
		return fmt.Errorf("ivfflat: load: %w", b.Err())
	}
	if metric != string(x.metric) || int(dim) != x.dim {
		return fmt.Errorf("ivfflat: file holds metric=%s dim=%d, index is metric=%s dim=%d", metric, dim, x.metric, x.dim)
	}
	if n > 1<<31 || uint64(nlist) > max(n, 1) || (nlist == 0) != (n == 0) {
		return fmt.Errorf("ivfflat: implausible header: nlist=%d n=%d", nlist, n)
	}
	if n == 0 {
		x.coarse, x.offsets, x.ids, x.vectors, x.maxList = nil, nil, nil, nil, 0
		return nil
	}
	cent := b.Float32s(uint64(nlist)*uint64(dim), "centroids")
	sizes := b.Int32s(uint64(nlist), "list sizes")
	ids := b.Int32s(n, "ids")
	vectors := b.Float32s(n*uint64(dim), "vectors")
	if b.Err() != nil {
		return fmt.Errorf("ivfflat: load: %w", b.Err())
	}
	offsets := make([]int, nlist+1)
	for l, s := range sizes {
		if s < 0 {
			return fmt.Errorf("ivfflat: list %d has negative size %d", l, s)
		}
		offsets[l+1] = offsets[l] + int(s)
	}
	if offsets[nlist] != int(n) {
		return fmt.Errorf("ivfflat: list sizes add up to %d, header says %d vectors", offsets[nlist], n)
	}
	for _, id := range ids {
		if id < 0 || uint64(id) >= n {
			return fmt.Errorf("ivfflat: stored id %d out of range [0,%d)", id, n)
		}
	}
	m := vector.Matrix{Data: cent, Rows: int(nlist), Dim: int(dim), Stride: int(dim)}
	x.coarse, x.offsets, x.ids, x.vectors = NewCoarse(x.metric, m), offsets, ids, vectors
	x.maxList = maxListLen(offsets)
	return nil
}
