package pq

import (
	"fmt"
	"io"
)

// Persistence format, little-endian:
//
//	magic    [8]byte "ANNBPQ\x00\x00"
//	version  uint32 (formatVersion)
//	metric   uint32 length + bytes
//	dim, M   uint32
//	n        uint64
//	vectors  uint32 (1 when full vectors follow the codes)
//	quantizer (Quantizer.Save)
//	codes    n*M bytes
//	vectors  n*dim float32, when stored
const formatVersion = 1

var magic = [8]byte{'A', 'N', 'N', 'B', 'P', 'Q', 0, 0}

// Save writes the index in the versioned PQ format.
func (x *Index) Save(w io.Writer) error {
	b := newBinWriter(w)
	b.write(magic[:])
	b.u32(formatVersion)
	b.str(string(x.metric))
	b.u32(uint32(x.dim))
	b.u32(uint32(x.cfg.M))
	b.u64(uint64(x.n))
	hasVec := uint32(0)
	if len(x.vectors) > 0 {
		hasVec = 1
	}
	b.u32(hasVec)
	if b.err == nil {
		b.err = x.q.Save(b.w)
	}
	b.write(x.codes)
	b.f32s(x.vectors)
	if err := b.flush(); err != nil {
		return fmt.Errorf("pq: save: %w", err)
	}
	return nil
}

// Load reads what Save wrote into an index made with the same metric,
// dimension and M.
func (x *Index) Load(r io.Reader) error {
	b := newBinReader(r)
	var got [8]byte
	b.read(got[:], "header")
	if b.err == nil && got != magic {
		return fmt.Errorf("pq: not a pq index file (bad magic %q)", got[:])
	}
	v := b.u32("version")
	if b.err == nil && v != formatVersion {
		return fmt.Errorf("pq: unsupported format version %d (this build reads %d)", v, formatVersion)
	}
	metric := b.str("metric")
	dim := b.u32("dimension")
	m := b.u32("M")
	n := b.u64("vector count")
	hasVec := b.u32("vector flag")
	if b.err != nil {
		return fmt.Errorf("pq: load: %w", b.err)
	}
	if metric != string(x.metric) || int(dim) != x.dim || int(m) != x.cfg.M {
		return fmt.Errorf("pq: file holds metric=%s dim=%d M=%d, index is metric=%s dim=%d M=%d",
			metric, dim, m, x.metric, x.dim, x.cfg.M)
	}
	if n > 1<<31 || hasVec > 1 {
		return fmt.Errorf("pq: implausible header: n=%d vector flag=%d", n, hasVec)
	}
	q, err := LoadQuantizer(b.r)
	if err != nil {
		return fmt.Errorf("pq: load: %w", err)
	}
	if q.Dim != x.dim || q.M != x.cfg.M {
		return fmt.Errorf("pq: stored quantizer dim=%d M=%d does not match the header", q.Dim, q.M)
	}
	codes := b.bytes(n*uint64(m), "codes")
	var vectors []float32
	if hasVec == 1 {
		vectors = b.f32s(n*uint64(dim), "vectors")
	}
	if b.err != nil {
		return fmt.Errorf("pq: load: %w", b.err)
	}
	if hasVec == 0 && x.cfg.StoreVectors && n > 0 {
		return fmt.Errorf("pq: file has no stored vectors but the index is configured with store_vectors=true")
	}
	x.q, x.codes, x.vectors, x.n = q, codes, vectors, int(n)
	return nil
}
