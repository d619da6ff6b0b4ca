package pq

import (
	"fmt"

	"github.com/annbench/annbench/algorithms/binfmt"
)

// Write writes the quantizer into an index file's body: dimension, M,
// centroids per sub-space and the codebooks.
func (q *Quantizer) Write(b *binfmt.Writer) {
	b.Uint32(uint32(q.Dim))
	b.Uint32(uint32(q.M))
	b.Uint32(Ksub)
	b.Float32s(q.Centroids)
}

// ReadQuantizer reads what Quantizer.Write wrote for a quantizer of
// dimension wantDim with wantM sub-spaces; a stored quantizer of another
// shape is an error. A failure is also recorded in b, so reading stops
// there.
func ReadQuantizer(b *binfmt.Reader, wantDim, wantM int) (*Quantizer, error) {
	dim := b.Uint32("quantizer dimension")
	m := b.Uint32("quantizer M")
	ksub := b.Uint32("quantizer centroid count")
	if b.Err() != nil {
		return nil, b.Err()
	}
	var err error
	switch {
	case ksub != Ksub:
		err = fmt.Errorf("quantizer has %d centroids per sub-space, this build supports %d", ksub, Ksub)
	case dim == 0 || dim > 1<<20 || m == 0 || m > dim:
		err = fmt.Errorf("implausible quantizer shape dim=%d M=%d", dim, m)
	}
	var q *Quantizer
	if err == nil {
		q, err = NewQuantizer(int(dim), int(m))
	}
	if err != nil {
		b.Fail(err)
		return nil, err
	}
	q.Centroids = b.Float32s(uint64(q.M*Ksub*q.Dsub), "codebooks")
	if b.Err() == nil && (q.Dim != wantDim || q.M != wantM) {
		b.Fail(fmt.Errorf("stored quantizer dim=%d M=%d does not match the header", q.Dim, q.M))
	}
	if b.Err() != nil {
		return nil, b.Err()
	}
	q.computeNorms()
	return q, nil
}
