package scann

import (
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

// Persistence: an algorithms/binfmt index file whose body is
//
//	nbits      uint32
//	dpb        uint32 dims per block
//	n          uint64 stored vectors
//	leaves     uint32
//	threshold  float64 effective anisotropic threshold (informational)
//	then, when n > 0:
//	centers    leaves×dim float32
//	codebooks  nblocks×ksub×dpb float32
//	leafStart  leaves+1 int32
//	ids        n int32
//	codes      codeStart[leaves] bytes (implied by the layout)
//	extra      n float32 (l2 only)
//	data       n×dim float32
func (x *Index) header() binfmt.Header {
	return binfmt.Header{Algorithm: Algorithm.Name, Metric: x.metric, Dim: x.dim}
}

// Save writes the index as an algorithms/binfmt index file.
func (x *Index) Save(w io.Writer) error {
	return binfmt.Save(w, x.header(), func(b *binfmt.Writer) {
		b.Uint32(uint32(x.opt.NBits))
		b.Uint32(uint32(x.opt.DimsPerBlock))
		b.Uint64(uint64(x.n))
		b.Uint32(uint32(x.nleaves))
		b.Float64(x.threshold)
		if x.n > 0 {
			b.Float32s(x.centers)
			b.Float32s(x.q.codebooks)
			b.Int32s(x.leafStart)
			b.Int32s(x.ids)
			b.Raw(x.codes)
			b.Float32s(x.extra)
			b.Float32s(x.data)
		}
	})
}

// Load reads what Save wrote. The stored metric, dimension, nbits and
// dims_per_block must match the index's. Corrupt, truncated or foreign
// input is an error and leaves the index empty.
func (x *Index) Load(r io.Reader) error {
	x.reset()
	err := binfmt.Load(r, x.header(), x.readBody)
	if err == nil && x.n > 0 {
		for _, part := range []struct {
			what string
			v    []float32
		}{{"centers", x.centers}, {"codebooks", x.q.codebooks}, {"norms", x.extra}, {"vectors", x.data}} {
			if err = finite(part.v, part.what); err != nil {
				err = fmt.Errorf("scann: load: %w", err)
				break
			}
		}
	}
	if err != nil {
		x.reset()
	}
	return err
}

// readBody reads the body Save wrote into the (reset) index, stopping at
// the first problem.
func (x *Index) readBody(b *binfmt.Reader) {
	nbits := b.Uint32("nbits")
	dpb := b.Uint32("dims_per_block")
	n64 := b.Uint64("vector count")
	L := b.Uint32("leaf count")
	th := b.Float64("anisotropic threshold")
	if b.Err() == nil {
		switch {
		case int64(nbits) != int64(x.opt.NBits):
			b.Fail(fmt.Errorf("stored nbits %d, index nbits %d", nbits, x.opt.NBits))
		case int64(dpb) != int64(x.opt.DimsPerBlock):
			b.Fail(fmt.Errorf("stored dims_per_block %d, index dims_per_block %d", dpb, x.opt.DimsPerBlock))
		case n64 > math.MaxInt32:
			b.Fail(fmt.Errorf("stored vector count %d is too large", n64))
		case n64 == 0 && L != 0:
			b.Fail(fmt.Errorf("empty index with %d leaves", L))
		case n64 > 0 && (L < 1 || uint64(L) > n64):
			b.Fail(fmt.Errorf("stored leaf count %d, want 1..%d for %d vectors", L, n64, n64))
		case math.IsNaN(th) || th < 0 || th >= 1:
			b.Fail(fmt.Errorf("stored anisotropic threshold %g is outside [0, 1)", th))
		}
	}
	if b.Err() != nil || n64 == 0 {
		return
	}
	n, nl, dim := int(n64), int(L), uint64(x.dim)
	q := newQuantizer(x.dim, x.opt.DimsPerBlock, x.opt.NBits)
	centers := b.Float32s(uint64(nl)*dim, "centers")
	b.Float32sInto(q.codebooks, "codebooks")
	leafStart := b.Int32s(uint64(nl)+1, "partition offsets")
	ids := b.Int32s(n64, "ids")
	if b.Err() == nil {
		b.Fail(checkPartitions(leafStart, ids, n))
	}
	if b.Err() != nil {
		return
	}
	x.n, x.nleaves, x.leafStart, x.ids, x.centers, x.q, x.threshold = n, nl, leafStart, ids, centers, q, th
	x.computeCodeStart()
	x.codes = b.Bytes(uint64(x.codeStart[nl]), "codes")
	if x.metric == vector.L2 {
		x.extra = b.Float32s(n64, "norms")
	}
	x.data = b.Float32s(n64*dim, "vectors")
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

// computeCodeStart derives the code offsets of each leaf and the largest
// leaf from leafStart.
func (x *Index) computeCodeStart() {
	L, nb := x.nleaves, x.q.nblocks
	x.codeStart = make([]int64, L+1)
	x.maxLeaf = 0
	for l := 0; l < L; l++ {
		size := int64(x.leafStart[l+1] - x.leafStart[l])
		x.maxLeaf = max(x.maxLeaf, int(size))
		if x.q.ksub == 256 {
			x.codeStart[l+1] = x.codeStart[l] + size*int64(nb)
		} else {
			x.codeStart[l+1] = x.codeStart[l] + (size+groupSize-1)/groupSize*int64(numPairs(nb)*pairBytes)
		}
	}
}
