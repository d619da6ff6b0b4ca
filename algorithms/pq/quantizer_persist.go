package pq

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/algorithms/binfmt"
)

// Save writes the quantizer: dimension, M and the codebooks, little-endian.
// It is a section of an index file, whose header carries the format
// version. When w is a *bufio.Writer it is written to and flushed
// directly.
func (q *Quantizer) Save(w io.Writer) error {
	b := binfmt.NewWriter(w)
	b.Uint32(uint32(q.Dim))
	b.Uint32(uint32(q.M))
	b.Uint32(Ksub)
	b.Float32s(q.Centroids)
	if err := b.Flush(); err != nil {
		return fmt.Errorf("pq: write quantizer: %w", err)
	}
	return nil
}

// LoadQuantizer reads what Quantizer.Save wrote. Pass a *bufio.Reader to
// keep reading the stream after the quantizer.
func LoadQuantizer(r io.Reader) (*Quantizer, error) {
	b := binfmt.NewReader(r)
	dim := b.Uint32("quantizer dimension")
	m := b.Uint32("quantizer M")
	ksub := b.Uint32("quantizer centroid count")
	if b.Err() != nil {
		return nil, fmt.Errorf("pq: %w", b.Err())
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
	q.Centroids = b.Float32s(uint64(q.M*Ksub*q.Dsub), "codebooks")
	if b.Err() != nil {
		return nil, fmt.Errorf("pq: %w", b.Err())
	}
	q.computeNorms()
	return q, nil
}
