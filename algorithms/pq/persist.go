package pq

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
)

// Persistence format, little-endian:
//
//	magic    [8]byte "ANNBPQ\x00\x00"
//	version  uint32 (formatVersion)
//	metric   uint32 length + bytes
//	dim, M   uint32
//	n        uint64
//	vectors  uint32 (1 when full vectors follow the codes)
//	quantizer (Quantizer.Save), absent when n = 0 (nothing was trained)
//	codes    n*M bytes
//	vectors  n*dim float32, when stored
const formatVersion = 1

var magic = [8]byte{'A', 'N', 'N', 'B', 'P', 'Q', 0, 0}

// Save writes the index in the versioned PQ format.
func (x *Index) Save(w io.Writer) error {
	b := binfmt.NewWriter(w)
	b.Header(magic, formatVersion)
	b.Str(string(x.metric))
	b.Uint32(uint32(x.dim))
	b.Uint32(uint32(x.cfg.M))
	b.Uint64(uint64(x.n))
	hasVec := uint32(0)
	if len(x.vectors) > 0 {
		hasVec = 1
	}
	b.Uint32(hasVec)
	if x.n > 0 {
		b.Section(x.q.Save)
	}
	b.Raw(x.codes)
	b.Float32s(x.vectors)
	if err := b.Flush(); err != nil {
		return fmt.Errorf("pq: save: %w", err)
	}
	return nil
}

// Load reads what Save wrote into an index made with the same metric,
// dimension and M.
func (x *Index) Load(r io.Reader) error {
	b := binfmt.NewReader(r)
	if err := b.Header("a pq index", magic, formatVersion); err != nil {
		return fmt.Errorf("pq: %w", err)
	}
	metric := b.Str("metric")
	dim := b.Uint32("dimension")
	m := b.Uint32("M")
	n := b.Uint64("vector count")
	hasVec := b.Uint32("vector flag")
	if b.Err() != nil {
		return fmt.Errorf("pq: load: %w", b.Err())
	}
	if metric != string(x.metric) || int(dim) != x.dim || int(m) != x.cfg.M {
		return fmt.Errorf("pq: file holds metric=%s dim=%d M=%d, index is metric=%s dim=%d M=%d",
			metric, dim, m, x.metric, x.dim, x.cfg.M)
	}
	if n > 1<<31 || hasVec > 1 {
		return fmt.Errorf("pq: implausible header: n=%d vector flag=%d", n, hasVec)
	}
	if n == 0 {
		x.n, x.codes, x.vectors = 0, nil, nil
		return nil
	}
	q, err := LoadQuantizer(b.Buffered())
	if err != nil {
		return fmt.Errorf("pq: load: %w", err)
	}
	if q.Dim != x.dim || q.M != x.cfg.M {
		return fmt.Errorf("pq: stored quantizer dim=%d M=%d does not match the header", q.Dim, q.M)
	}
	codes := b.Bytes(n*uint64(m), "codes")
	var vectors []float32
	if hasVec == 1 {
		vectors = b.Float32s(n*uint64(dim), "vectors")
	}
	if b.Err() != nil {
		return fmt.Errorf("pq: load: %w", b.Err())
	}
	if hasVec == 0 && x.cfg.StoreVectors && n > 0 {
		return fmt.Errorf("pq: file has no stored vectors but the index is configured with store_vectors=true")
	}
	x.q, x.codes, x.vectors, x.n = q, codes, vectors, int(n)
	return nil
}
