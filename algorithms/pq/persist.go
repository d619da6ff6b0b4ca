package pq

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
)

// fixed is the start of the body: its fixed-size fields, stored in this
// order (binfmt.Writer.Fixed).
type fixed struct {
	M       uint32
	N       uint64 // stored vectors
	Vectors uint32 // 1 when full vectors follow the codes
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
//	quantizer (Quantizer.Write), absent when n = 0 (nothing was trained)
//	codes     n*M bytes
//	vectors   n*dim float32, when stored
func (x *Index) writeBody(b *binfmt.Writer) {
	f := fixed{M: uint32(x.cfg.M), N: uint64(x.n)}
	if len(x.vectors) > 0 {
		f.Vectors = 1
	}
	b.Fixed(f)
	if x.n > 0 {
		x.q.Write(b)
	}
	b.Raw(x.codes)
	b.Float32s(x.vectors)
}

// readBody reads what writeBody wrote, for an index made with the same
// metric, dimension and M. An empty index keeps its untrained quantizer.
func (x *Index) readBody(b *binfmt.Reader) (install func() error) {
	f := binfmt.ReadFixed(b, "fixed fields", func(f fixed) error { return x.cfg.CheckStored(f.M, f.N, f.Vectors) })
	n := f.N
	q := x.q
	var codes []byte
	var vectors []float32
	if n > 0 {
		q, _ = ReadQuantizer(b, x.dim, x.cfg.M)
		codes = b.Bytes(n*uint64(f.M), "codes")
		if f.Vectors == 1 {
			vectors = b.Float32s(n*uint64(x.dim), "vectors")
		}
	}
	return func() error {
		x.q, x.codes, x.vectors, x.n = q, codes, vectors, int(n)
		return nil
	}
}

// CheckStored checks what a PQ or IVF-PQ file states about its codes
// against the index's configuration c: m sub-spaces, n vectors and
// whether full vectors follow (vectors 1) or not (0).
func (c Config) CheckStored(m uint32, n uint64, vectors uint32) error {
	switch {
	case int(m) != c.M:
		return fmt.Errorf("file holds an index with M=%d, this index has M=%d", m, c.M)
	case n > 1<<31 || vectors > 1:
		return fmt.Errorf("implausible header: n=%d vector flag=%d", n, vectors)
	case n > 0 && vectors == 0 && c.StoreVectors:
		return fmt.Errorf("file has no stored vectors but the index is configured with store_vectors=true")
	}
	return nil
}
