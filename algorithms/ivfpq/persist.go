package ivfpq

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/algorithms/ivfflat"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/datasets/vector"
)

// Persistence format, little-endian:
//
//	magic     [8]byte "ANNBIVPQ"
//	version   uint32 (formatVersion)
//	metric    uint32 length + bytes
//	dim, M    uint32
//	nlist     uint32 (lists actually built; 0 for an empty index)
//	n         uint64
//	vectors   uint32 (1 when full vectors are stored)
//	then, when n > 0:
//	centroids nlist*dim float32
//	quantizer (pq.Quantizer.Save)
//	sizes     nlist int32 (vectors per list)
//	ids       n int32, in list order
//	codes     n*M bytes, in list order
//	terms     n float32 (l2 only)
//	vectors   n*dim float32 in id order, when stored
const formatVersion = 1

var magic = [8]byte{'A', 'N', 'N', 'B', 'I', 'V', 'P', 'Q'}

// Save writes the index in the versioned IVF-PQ format.
func (x *Index) Save(w io.Writer) error {
	b := binfmt.NewWriter(w)
	b.Header(magic, formatVersion)
	b.Str(string(x.metric))
	b.Uint32(uint32(x.dim))
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
		b.Section(x.q.Save)
		sizes := make([]int32, nlist)
		for l := range sizes {
			sizes[l] = int32(x.offsets[l+1] - x.offsets[l])
		}
		b.Int32s(sizes)
		b.Int32s(x.ids)
		b.Raw(x.codes)
		b.Float32s(x.terms)
		b.Float32s(x.vectors)
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("ivfpq: save: %w", err)
	}
	return nil
}

// Load reads what Save wrote into an index made with the same metric,
// dimension and M.
func (x *Index) Load(r io.Reader) error {
	b := binfmt.NewReader(r)
	if err := b.Header("an ivfpq index", magic, formatVersion); err != nil {
		return fmt.Errorf("ivfpq: %w", err)
	}
	metric := b.Str("metric")
	dim := b.Uint32("dimension")
	m := b.Uint32("M")
	nlist := b.Uint32("nlist")
	n := b.Uint64("vector count")
	hasVec := b.Uint32("vector flag")
	if b.Err() != nil {
		return fmt.Errorf("ivfpq: load: %w", b.Err())
	}
	if metric != string(x.metric) || int(dim) != x.dim || int(m) != x.cfg.M {
		return fmt.Errorf("ivfpq: file holds metric=%s dim=%d M=%d, index is metric=%s dim=%d M=%d",
			metric, dim, m, x.metric, x.dim, x.cfg.M)
	}
	if n > 1<<31 || uint64(nlist) > max(n, 1) || (nlist == 0) != (n == 0) || hasVec > 1 {
		return fmt.Errorf("ivfpq: implausible header: nlist=%d n=%d vector flag=%d", nlist, n, hasVec)
	}
	if n == 0 {
		x.coarse, x.offsets, x.ids, x.codes, x.terms, x.vectors, x.maxList = nil, nil, nil, nil, nil, nil, 0
		return nil
	}
	if hasVec == 0 && x.cfg.StoreVectors {
		return fmt.Errorf("ivfpq: file has no stored vectors but the index is configured with store_vectors=true")
	}
	cent := b.Float32s(uint64(nlist)*uint64(dim), "centroids")
	if b.Err() != nil {
		return fmt.Errorf("ivfpq: load: %w", b.Err())
	}
	q, err := pq.LoadQuantizer(b.Buffered())
	if err != nil {
		return fmt.Errorf("ivfpq: load: %w", err)
	}
	if q.Dim != x.dim || q.M != x.cfg.M {
		return fmt.Errorf("ivfpq: stored quantizer dim=%d M=%d does not match the header", q.Dim, q.M)
	}
	sizes := b.Int32s(uint64(nlist), "list sizes")
	ids := b.Int32s(n, "ids")
	codes := b.Bytes(n*uint64(m), "codes")
	var terms, vectors []float32
	if x.metric == vector.L2 {
		terms = b.Float32s(n, "terms")
	}
	if hasVec == 1 {
		vectors = b.Float32s(n*uint64(dim), "vectors")
	}
	if b.Err() != nil {
		return fmt.Errorf("ivfpq: load: %w", b.Err())
	}
	offsets := make([]int, nlist+1)
	for l, s := range sizes {
		if s < 0 {
			return fmt.Errorf("ivfpq: list %d has negative size %d", l, s)
		}
		offsets[l+1] = offsets[l] + int(s)
	}
	if offsets[nlist] != int(n) {
		return fmt.Errorf("ivfpq: list sizes add up to %d, header says %d vectors", offsets[nlist], n)
	}
	for _, id := range ids {
		if id < 0 || uint64(id) >= n {
			return fmt.Errorf("ivfpq: stored id %d out of range [0,%d)", id, n)
		}
	}
	cm := vector.Matrix{Data: cent, Rows: int(nlist), Dim: int(dim), Stride: int(dim)}
	x.coarse, x.q, x.offsets, x.ids, x.codes, x.terms, x.vectors = ivfflat.NewCoarse(x.metric, cm), q, offsets, ids, codes, terms, vectors
	x.maxList = maxListLen(offsets)
	return nil
}
