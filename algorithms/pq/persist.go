package pq

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
)

// Persistence: an algorithms/binfmt index file whose body is
//
//	M        uint32
//	n        uint64
//	vectors  uint32 (1 when full vectors follow the codes)
//	quantizer (Quantizer.Write), absent when n = 0 (nothing was trained)
//	codes    n*M bytes
//	vectors  n*dim float32, when stored
func (x *Index) header() binfmt.Header {
	return binfmt.Header{Algorithm: Algorithm.Name, Metric: x.metric, Dim: x.dim}
}

// Save writes the index as an algorithms/binfmt index file.
func (x *Index) Save(w io.Writer) error {
	return binfmt.Save(w, x.header(), func(b *binfmt.Writer) {
		b.Uint32(uint32(x.cfg.M))
		b.Uint64(uint64(x.n))
		hasVec := uint32(0)
		if len(x.vectors) > 0 {
			hasVec = 1
		}
		b.Uint32(hasVec)
		if x.n > 0 {
			x.q.Write(b)
		}
		b.Raw(x.codes)
		b.Float32s(x.vectors)
	})
}

// Load reads what Save wrote into an index made with the same metric,
// dimension and M. Corrupt, truncated or foreign input is an error and
// leaves the index as it was.
func (x *Index) Load(r io.Reader) error {
	var n uint64
	var q *Quantizer
	var codes []byte
	var vectors []float32
	err := binfmt.Load(r, x.header(), func(b *binfmt.Reader) {
		m := b.Uint32("M")
		n = b.Uint64("vector count")
		hasVec := b.Uint32("vector flag")
		if b.Err() == nil {
			switch {
			case int(m) != x.cfg.M:
				b.Fail(fmt.Errorf("file holds an index with M=%d, this index has M=%d", m, x.cfg.M))
			case n > 1<<31 || hasVec > 1:
				b.Fail(fmt.Errorf("implausible header: n=%d vector flag=%d", n, hasVec))
			case n > 0 && hasVec == 0 && x.cfg.StoreVectors:
				b.Fail(fmt.Errorf("file has no stored vectors but the index is configured with store_vectors=true"))
			}
		}
		if n == 0 {
			return
		}
		if q, _ = ReadQuantizer(b); q != nil && (q.Dim != x.dim || q.M != x.cfg.M) {
			b.Fail(fmt.Errorf("stored quantizer dim=%d M=%d does not match the header", q.Dim, q.M))
		}
		codes = b.Bytes(n*uint64(m), "codes")
		if hasVec == 1 {
			vectors = b.Float32s(n*uint64(x.dim), "vectors")
		}
	})
	if err != nil {
		return err
	}
	if n == 0 {
		x.n, x.codes, x.vectors = 0, nil, nil
		return nil
	}
	x.q, x.codes, x.vectors, x.n = q, codes, vectors, int(n)
	return nil
}
