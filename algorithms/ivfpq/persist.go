package ivfpq

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/algorithms/ivfflat"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/datasets/vector"
)

// Persistence: an algorithms/binfmt index file whose body is
//
//	M         uint32
//	nlist     uint32 (lists actually built; 0 for an empty index)
//	n         uint64
//	vectors   uint32 (1 when full vectors are stored)
//	then, when n > 0:
//	centroids nlist*dim float32
//	quantizer (pq.Quantizer.Write)
//	sizes     nlist int32 (vectors per list)
//	ids       n int32, in list order
//	codes     n*M bytes, in list order
//	terms     n float32 (l2 only)
//	vectors   n*dim float32 in id order, when stored
func (x *Index) header() binfmt.Header {
	return binfmt.Header{Algorithm: Algorithm.Name, Metric: x.metric, Dim: x.dim}
}

// Save writes the index as an algorithms/binfmt index file.
func (x *Index) Save(w io.Writer) error {
	return binfmt.Save(w, x.header(), func(b *binfmt.Writer) {
		b.Uint32(uint32(x.cfg.M))
		nlist := 0
		if x.coarse != nil {
			nlist = x.coarse.NList()
		}
		b.Uint32(uint32(nlist))
		b.Uint64(uint64(len(x.ids)))
		hasVec := uint32(0)
		if len(x.vectors) > 0 {
			hasVec = 1
		}
		b.Uint32(hasVec)
		if x.coarse != nil {
			b.Float32s(x.coarse.Centroids.Data)
			x.q.Write(b)
			b.Int32s(ivfflat.ListSizes(x.offsets))
			b.Int32s(x.ids)
			b.Raw(x.codes)
			b.Float32s(x.terms)
			b.Float32s(x.vectors)
		}
	})
}

// Load reads what Save wrote into an index made with the same metric,
// dimension and M. Corrupt, truncated or foreign input is an error and
// leaves the index as it was.
func (x *Index) Load(r io.Reader) error {
	var nlist uint32
	var n uint64
	var cent, terms, vectors []float32
	var q *pq.Quantizer
	var sizes, ids []int32
	var codes []byte
	err := binfmt.Load(r, x.header(), func(b *binfmt.Reader) {
		m := b.Uint32("M")
		nlist = b.Uint32("nlist")
		n = b.Uint64("vector count")
		hasVec := b.Uint32("vector flag")
		if b.Err() == nil {
			switch {
			case int(m) != x.cfg.M:
				b.Fail(fmt.Errorf("file holds an index with M=%d, this index has M=%d", m, x.cfg.M))
			case n > 1<<31 || uint64(nlist) > max(n, 1) || (nlist == 0) != (n == 0) || hasVec > 1:
				b.Fail(fmt.Errorf("implausible header: nlist=%d n=%d vector flag=%d", nlist, n, hasVec))
			case n > 0 && hasVec == 0 && x.cfg.StoreVectors:
				b.Fail(fmt.Errorf("file has no stored vectors but the index is configured with store_vectors=true"))
			}
		}
		if n == 0 {
			return
		}
		dim := uint64(x.dim)
		cent = b.Float32s(uint64(nlist)*dim, "centroids")
		if q, _ = pq.ReadQuantizer(b); q != nil && (q.Dim != x.dim || q.M != x.cfg.M) {
			b.Fail(fmt.Errorf("stored quantizer dim=%d M=%d does not match the header", q.Dim, q.M))
		}
		sizes = b.Int32s(uint64(nlist), "list sizes")
		ids = b.Int32s(n, "ids")
		codes = b.Bytes(n*uint64(m), "codes")
		if x.metric == vector.L2 {
			terms = b.Float32s(n, "terms")
		}
		if hasVec == 1 {
			vectors = b.Float32s(n*dim, "vectors")
		}
	})
	if err != nil {
		return err
	}
	if n == 0 {
		x.coarse, x.offsets, x.ids, x.codes, x.terms, x.vectors, x.maxList = nil, nil, nil, nil, nil, nil, 0
		return nil
	}
	offsets, err := ivfflat.ListOffsets(sizes, ids, n)
	if err != nil {
		return fmt.Errorf("ivfpq: load: %w", err)
	}
	cm := vector.Matrix{Data: cent, Rows: int(nlist), Dim: x.dim, Stride: x.dim}
	x.coarse, x.q, x.offsets, x.ids, x.codes, x.terms, x.vectors = ivfflat.NewCoarse(x.metric, cm), q, offsets, ids, codes, terms, vectors
	x.maxList = ivfflat.MaxListLen(offsets)
	return nil
}
