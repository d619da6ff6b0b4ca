package pq

import (
	"fmt"
	"io"
)

// Save writes the quantizer: dimension, M and the codebooks, little-endian.
// It is a section of an index file, whose header carries the format
// version. When w is a *bufio.Writer it is written to and flushed
// directly.
func (q *Quantizer) Save(w io.Writer) error {
	b := newBinWriter(w)
	b.u32(uint32(q.Dim))
	b.u32(uint32(q.M))
	b.u32(Ksub)
	b.f32s(q.Centroids)
	if err := b.flush(); err != nil {
		return fmt.Errorf("pq: write quantizer: %w", err)
	}
	return nil
}

// LoadQuantizer reads what Quantizer.Save wrote. Pass a *bufio.Reader to
// keep reading the stream after the quantizer.
func LoadQuantizer(r io.Reader) (*Quantizer, error) {
	b := newBinReader(r)
	dim := b.u32("quantizer dimension")
	m := b.u32("quantizer M")
	ksub := b.u32("quantizer centroid count")
	if b.err != nil {
		return nil, fmt.Errorf("pq: %w", b.err)
	}
	if ksub != Ksub {
		return nil, fmt.Errorf("pq: quantizer has %d centroids per sub-space, this build supports %d", ksub, Ksub)
	}
	if dim == 0 || dim > 1<<20 || m == 0 || m > dim {
		return nil, fmt.Errorf("pq: implausible quantizer shape dim=%d M=%d", dim, m)
	}
	q, err := NewQuantizer(int(dim), int(m))
	if err != nil {
		return nil, err
	}
	q.Centroids = b.f32s(uint64(q.M*Ksub*q.Dsub), "codebooks")
	if b.err != nil {
		return nil, fmt.Errorf("pq: %w", b.err)
	}
	q.computeNorms()
	return q, nil
}
