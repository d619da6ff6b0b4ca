package hnsw

import (
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/algorithms/binfmt"
)

// Persistence: an algorithms/binfmt index file whose body is
//
//	M               uint32
//	ef_construction uint32
//	seed            uint64
//	n               uint64  number of nodes
//	entry           uint32  entry point node
//	max level       uint32
//	levels          n uint8     top layer of each node
//	vectors         n*dim float32
//	layer 0         n*(2M+1) uint32   per node: count, then 2M slots
//	upper layers    sum(levels)*(M+1) uint32, nodes in order, layers 1..L
func (x *Index) header() binfmt.Header {
	return binfmt.Header{Algorithm: Algorithm.Name, Metric: x.metric, Dim: x.dim}
}

// Save writes the index as an algorithms/binfmt index file.
func (x *Index) Save(w io.Writer) error {
	return binfmt.Save(w, x.header(), func(b *binfmt.Writer) {
		b.Uint32(uint32(x.m))
		b.Uint32(uint32(x.cfg.EfConstruction))
		b.Uint64(x.cfg.Seed)
		b.Uint64(uint64(x.n))
		b.Uint32(x.entry)
		b.Uint32(uint32(x.maxLevel))
		b.Raw(x.levels)
		for i := 0; i < x.n; i++ {
			b.Float32s(x.vec(uint32(i)))
		}
		for i := 0; i < x.n; i++ {
			b.Uint32s(x.list(uint32(i), 0))
		}
		b.Uint32s(x.upper)
	})
}

// Load reads what Save wrote into an index made with the same metric,
// dimension and M. Truncated, corrupted or foreign input is an error and
// leaves the index empty.
//
// The node block is allocated once at its final size, as Build allocates
// it, and filled in place: a loaded index has the memory layout of a built
// one.
func (x *Index) Load(r io.Reader) error {
	x.clear()
	var m, efc, entry, maxLevel uint32
	var seed uint64
	var n int
	var levels []byte
	var nodes, upperOff, upper []uint32
	stride, dim, m0 := x.stride, x.dim, x.m0
	err := binfmt.Load(r, x.header(), func(b *binfmt.Reader) {
		m = b.Uint32("M")
		efc = b.Uint32("ef_construction")
		seed = b.Uint64("seed")
		n64 := b.Uint64("node count")
		entry = b.Uint32("entry point")
		maxLevel = b.Uint32("max level")
		if b.Err() == nil {
			b.Fail(checkHeader(x, m, efc, n64, entry, maxLevel))
		}
		n = int(n64)
		levels = b.Bytes(n64, "levels")
		var total uint64
		upperOff = make([]uint32, len(levels))
		for i, l := range levels {
			if uint32(l) > maxLevel {
				b.Fail(fmt.Errorf("node %d has level %d above the max level %d", i, l, maxLevel))
				break
			}
			upperOff[i] = uint32(total)
			total += uint64(l) * uint64(m+1)
			if total > math.MaxUint32 {
				b.Fail(fmt.Errorf("upper layers too large"))
				break
			}
		}
		if b.Err() == nil && n > 0 && uint32(levels[entry]) != maxLevel {
			b.Fail(fmt.Errorf("entry point %d has level %d, max level is %d", entry, levels[entry], maxLevel))
		}
		if b.Fits(n64*uint64(dim+m0+1), 4, "nodes") {
			nodes = make([]uint32, n*stride)
			// Vectors are kept as their bits, which is what Float32s wrote.
			for i := 0; i < n; i++ {
				b.Uint32sInto(nodes[i*stride:i*stride+dim], "vectors")
			}
			for i := 0; i < n; i++ {
				o := i*stride + dim
				b.Uint32sInto(nodes[o:o+m0+1], "layer 0")
			}
		}
		upper = b.Uint32s(total, "upper layers")
	})
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		o := i*stride + dim
		if err := checkLists(nodes[o:o+m0+1], m0+1, n, "layer 0"); err != nil {
			return err
		}
	}
	if err := checkLists(upper, int(m)+1, n, "upper layers"); err != nil {
		return err
	}
	x.cfg.EfConstruction, x.cfg.Seed = int(efc), seed
	x.n, x.nodes, x.levels, x.upperOff, x.upper = n, nodes, levels, upperOff, upper
	x.entry, x.maxLevel = entry, int(maxLevel)
	return nil
}

// checkHeader checks the scalar fields of a stored index against x.
func checkHeader(x *Index, m, efc uint32, n uint64, entry, maxLevel uint32) error {
	switch {
	case int64(m) != int64(x.m):
		return fmt.Errorf("file holds an index with M=%d, this index has M=%d", m, x.m)
	case efc == 0 || efc > math.MaxInt32:
		return fmt.Errorf("invalid ef_construction %d", efc)
	case n >= math.MaxUint32:
		return fmt.Errorf("node count %d is too large", n)
	case maxLevel >= maxLevels:
		return fmt.Errorf("max level %d exceeds the limit %d", maxLevel, maxLevels-1)
	case n == 0 && (entry != 0 || maxLevel != 0):
		return fmt.Errorf("empty index with entry %d and max level %d", entry, maxLevel)
	case n > 0 && uint64(entry) >= n:
		return fmt.Errorf("entry point %d out of range [0,%d)", entry, n)
	}
	return nil
}

// checkLists verifies that every slot of stride uint32s holds a count that
// fits and ids below n, so a damaged file cannot make Search index out of
// range.
func checkLists(a []uint32, stride, n int, what string) error {
	for o := 0; o+stride <= len(a); o += stride {
		c := a[o]
		if int64(c) >= int64(stride) {
			return fmt.Errorf("hnsw: load: %s: neighbour count %d exceeds capacity %d", what, c, stride-1)
		}
		for _, id := range a[o+1 : o+1+int(c)] {
			if int64(id) >= int64(n) {
				return fmt.Errorf("hnsw: load: %s: neighbour id %d out of range [0,%d)", what, id, n)
			}
		}
	}
	return nil
}
