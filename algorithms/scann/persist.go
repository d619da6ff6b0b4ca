package scann

import (
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

// fixed is the start of the body: its fixed-size fields, stored in this
// order (binfmt.Writer.Fixed).
type fixed struct {
	NBits        uint32
	DimsPerBlock uint32
	N            uint64  // stored vectors
	Leaves       uint32  // partitions
	Threshold    float64 // effective anisotropic threshold (informational)
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
//	fixed      the fields of type fixed
//	then, when n > 0:
//	centers    leaves×dim float32
//	codebooks  nblocks×ksub×dpb float32
//	leafStart  leaves+1 int32
//	ids        n int32
//	codes      codeStart[leaves] bytes (implied by the layout)
//	extra      n float32 (l2 only)
//	data       n×dim float32
func (x *Index) writeBody(b *binfmt.Writer) {
	b.Fixed(fixed{NBits: uint32(x.opt.NBits), DimsPerBlock: uint32(x.opt.DimsPerBlock), N: uint64(x.n), Leaves: uint32(x.nleaves), Threshold: x.threshold})
	if x.n > 0 {
		b.Float32s(x.centers)
		b.Float32s(x.q.codebooks)
		b.Int32s(x.leafStart)
		b.Int32s(x.ids)
		b.Raw(x.codes)
		b.Float32s(x.extra)
		x.rows.EachFloatChunk(b.Float32s)
	}
}

// checkFixed checks the fixed fields of a stored index against x: the stored nbits
// and dims_per_block must be the index's.
func (x *Index) checkFixed(f fixed) error {
	switch {
	case int64(f.NBits) != int64(x.opt.NBits):
		return fmt.Errorf("stored nbits %d, index nbits %d", f.NBits, x.opt.NBits)
	case int64(f.DimsPerBlock) != int64(x.opt.DimsPerBlock):
		return fmt.Errorf("stored dims_per_block %d, index dims_per_block %d", f.DimsPerBlock, x.opt.DimsPerBlock)
	case f.N > math.MaxInt32:
		return fmt.Errorf("stored vector count %d is too large", f.N)
	case f.N == 0 && f.Leaves != 0:
		return fmt.Errorf("empty index with %d leaves", f.Leaves)
	case f.N > 0 && (f.Leaves < 1 || uint64(f.Leaves) > f.N):
		return fmt.Errorf("stored leaf count %d, want 1..%d for %d vectors", f.Leaves, f.N, f.N)
	case math.IsNaN(f.Threshold) || f.Threshold < 0 || f.Threshold >= 1:
		return fmt.Errorf("stored anisotropic threshold %g is outside [0, 1)", f.Threshold)
	}
	return nil
}

// readBody reads what writeBody wrote, stopping at the first problem; its
// install checks that every stored float is finite.
func (x *Index) readBody(b *binfmt.Reader) (install func() error) {
	f := binfmt.ReadFixed(b, "fixed fields", x.checkFixed)
	if f.N == 0 {
		return func() error { x.reset(); return nil }
	}
	n, nl, dim := int(f.N), int(f.Leaves), uint64(x.dim)
	q := newQuantizer(x.dim, x.opt.DimsPerBlock, x.opt.NBits)
	centers := b.Float32s(uint64(nl)*dim, "centers")
	b.Float32sInto(q.codebooks, "codebooks")
	leafStart := b.Int32s(uint64(nl)+1, "partition offsets")
	ids := b.Int32s(f.N, "ids")
	if b.Err() == nil {
		b.Fail(checkPartitions(leafStart, ids, n))
	}
	if b.Err() != nil {
		return nil
	}
	codeStart, maxLeaf := codeOffsets(leafStart, q)
	codes := b.Bytes(uint64(codeStart[nl]), "codes")
	var extra []float32
	if x.metric == vector.L2 {
		extra = b.Float32s(f.N, "norms")
	}
	data := b.Float32s(f.N*dim, "vectors")
	return func() error {
		for _, part := range []struct {
			what string
			v    []float32
		}{{"centers", centers}, {"codebooks", q.codebooks}, {"norms", extra}, {"vectors", data}} {
			if err := finite(part.v, part.what); err != nil {
				return err
			}
		}
		x.n, x.nleaves, x.leafStart, x.ids, x.centers, x.q, x.threshold = n, nl, leafStart, ids, centers, q, f.Threshold
		x.codeStart, x.maxLeaf, x.codes, x.extra = codeStart, maxLeaf, codes, extra
		x.keepRows(data)
		return nil
	}
}

// checkPartitions checks that the partition offsets rise from 0 to n and
// every id is in [0, n).
func checkPartitions(leafStart, ids []int32, n int) error {
	L := len(leafStart) - 1
	for i, v := range leafStart {
		if v < 0 || (i > 0 && v < leafStart[i-1]) || int(v) > n {
			return fmt.Errorf("partition offset %d is %d, want a non-decreasing value in [0, %d]", i, v, n)
		}
	}
	if leafStart[0] != 0 || int(leafStart[L]) != n {
		return fmt.Errorf("partition offsets span [%d, %d], want [0, %d]", leafStart[0], leafStart[L], n)
	}
	for i, id := range ids {
		if id < 0 || int(id) >= n {
			return fmt.Errorf("stored id %d at position %d is outside [0, %d)", id, i, n)
		}
	}
	return nil
}

// finite returns an error naming what when v holds a NaN or an infinity.
func finite(v []float32, what string) error {
	for i, f := range v {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return fmt.Errorf("non-finite value %g at %s[%d]", f, what, i)
		}
	}
	return nil
}
