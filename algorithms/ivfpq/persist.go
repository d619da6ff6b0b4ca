package ivfpq

import (
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/algorithms/ivfflat"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/datasets/vector"
)

// fixed is the start of the body: its fixed-size fields, stored in this
// order (binfmt.Writer.Fixed).
type fixed struct {
	M       uint32
	NList   uint32 // lists actually built; 0 for an empty index
	N       uint64 // stored vectors
	Vectors uint32 // 1 when full vectors are stored
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
//	then, when n > 0:
//	centroids nlist*dim float32
//	quantizer (pq.Quantizer.Write)
//	sizes     nlist int32 (vectors per list)
//	ids       n int32, in list order
//	codes     n*M bytes, in list order
//	terms     n float32 (l2 only)
//	vectors   n*dim float32 in id order, when stored
func (x *Index) writeBody(b *binfmt.Writer) {
	f := fixed{M: uint32(x.cfg.M), N: uint64(len(x.ids))}
	if x.coarse != nil {
		f.NList = uint32(x.coarse.NList())
	}
	if len(x.vectors) > 0 {
		f.Vectors = 1
	}
	b.Fixed(f)
	if x.coarse != nil {
		b.Float32s(x.coarse.Centroids.Data)
		x.q.Write(b)
		b.Int32s(ivfflat.ListSizes(x.offsets))
		b.Int32s(x.ids)
		b.Raw(x.codes)
		b.Float32s(x.terms)
		b.Float32s(x.vectors)
	}
}

// checkFixed checks the fixed fields of a stored index against x: its
// codes as a PQ file's, its lists as an IVF-Flat file's.
func (x *Index) checkFixed(f fixed) error {
	if err := x.cfg.CheckStored(f.M, f.N, f.Vectors); err != nil {
		return err
	}
	return ivfflat.CheckListCount(f.NList, f.N)
}

// readBody reads what writeBody wrote, for an index made with the same
// metric, dimension and M; its install checks the lists.
func (x *Index) readBody(b *binfmt.Reader) (install func() error) {
	f := binfmt.ReadFixed(b, "fixed fields", x.checkFixed)
	nlist, n := f.NList, f.N
	if n == 0 {
		return func() error {
			x.coarse, x.offsets, x.ids, x.codes, x.terms, x.vectors, x.maxList = nil, nil, nil, nil, nil, nil, 0
			return nil
		}
	}
	dim := uint64(x.dim)
	cent := b.Float32s(uint64(nlist)*dim, "centroids")
	q, _ := pq.ReadQuantizer(b, x.dim, x.cfg.M)
	sizes := b.Int32s(uint64(nlist), "list sizes")
	ids := b.Int32s(n, "ids")
	codes := b.Bytes(n*uint64(f.M), "codes")
	var terms, vectors []float32
	if x.metric == vector.L2 {
		terms = b.Float32s(n, "terms")
	}
	if f.Vectors == 1 {
		vectors = b.Float32s(n*dim, "vectors")
	}
	return func() error {
		offsets, err := ivfflat.ListOffsets(sizes, ids, n)
		if err != nil {
			return err
		}
		cm := vector.Matrix{Data: cent, Rows: int(nlist), Dim: x.dim, Stride: x.dim}
		x.coarse, x.q, x.offsets, x.ids, x.codes, x.terms, x.vectors = ivfflat.NewCoarse(x.metric, cm), q, offsets, ids, codes, terms, vectors
		x.maxList = ivfflat.MaxListLen(offsets)
		return nil
	}
}
