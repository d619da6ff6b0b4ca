package hnsw

import (
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/algorithms/binfmt"
)

// fixed is the start of the body: its fixed-size fields, stored in this
// order (binfmt.Writer.Fixed).
type fixed struct {
	M              uint32
	EfConstruction uint32
	Seed           uint64
	N              uint64 // number of nodes
	Entry          uint32 // entry point node
	MaxLevel       uint32 // top layer, the entry point's
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
//	fixed           the fields of type fixed
//	levels          n uint8     top layer of each node
//	vectors         n*dim float32
//	layer 0         n*(2M+1) uint32   per node: count, then 2M slots
//	upper layers    sum(levels)*(M+1) uint32, nodes in order, layers 1..L
func (x *Index) writeBody(b *binfmt.Writer) {
	b.Fixed(fixed{M: uint32(x.m), EfConstruction: uint32(x.cfg.EfConstruction), Seed: x.cfg.Seed, N: uint64(x.n), Entry: x.entry, MaxLevel: uint32(x.maxLevel)})
	b.Raw(x.levels)
	for i := 0; i < x.n; i++ {
		b.Float32s(x.vec(uint32(i)))
	}
	for i := 0; i < x.n; i++ {
		b.Uint32s(x.list(uint32(i), 0))
	}
	b.Uint32s(x.upper)
}

// checkFixed checks the fixed fields of a stored index against x.
func (x *Index) checkFixed(f fixed) error {
	switch {
	case int64(f.M) != int64(x.m):
		return fmt.Errorf("file holds an index with M=%d, this index has M=%d", f.M, x.m)
	case f.EfConstruction == 0 || f.EfConstruction > math.MaxInt32:
		return fmt.Errorf("invalid ef_construction %d", f.EfConstruction)
	case f.N >= math.MaxUint32:
		return fmt.Errorf("node count %d is too large", f.N)
	case f.MaxLevel >= maxLevels:
		return fmt.Errorf("max level %d exceeds the limit %d", f.MaxLevel, maxLevels-1)
	case f.N == 0 && (f.Entry != 0 || f.MaxLevel != 0):
		return fmt.Errorf("empty index with entry %d and max level %d", f.Entry, f.MaxLevel)
	case f.N > 0 && uint64(f.Entry) >= f.N:
		return fmt.Errorf("entry point %d out of range [0,%d)", f.Entry, f.N)
	}
	return nil
}

// readBody reads what writeBody wrote, for an index made with the same
// metric, dimension and M; its install checks every neighbour list before
// the index takes the graph.
//
// The node block is allocated once at its final size, as Build allocates
// it, and filled in place: a loaded index has the memory layout of a built
// one.
func (x *Index) readBody(b *binfmt.Reader) (install func() error) {
	f := binfmt.ReadFixed(b, "fixed fields", x.checkFixed)
	n := int(f.N)
	levels := b.Bytes(f.N, "levels")
	var total uint64
	upperOff := make([]uint32, len(levels))
	for i, l := range levels {
		if uint32(l) > f.MaxLevel {
			b.Fail(fmt.Errorf("node %d has level %d above the max level %d", i, l, f.MaxLevel))
			break
		}
		upperOff[i] = uint32(total)
		total += uint64(l) * uint64(f.M+1)
		if total > math.MaxUint32 {
			b.Fail(fmt.Errorf("upper layers too large"))
			break
		}
	}
	if b.Err() == nil && n > 0 && uint32(levels[f.Entry]) != f.MaxLevel {
		b.Fail(fmt.Errorf("entry point %d has level %d, max level is %d", f.Entry, levels[f.Entry], f.MaxLevel))
	}
	stride, dim, m0 := x.stride, x.dim, x.m0
	var nodes []uint32
	if b.Fits(f.N*uint64(dim+m0+1), 4, "nodes") {
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
	upper := b.Uint32s(total, "upper layers")
	return func() error {
		for i := 0; i < n; i++ {
			o := i*stride + dim
			if err := checkLists(nodes[o:o+m0+1], m0+1, n, "layer 0"); err != nil {
				return err
			}
		}
		if err := checkLists(upper, int(f.M)+1, n, "upper layers"); err != nil {
			return err
		}
		x.cfg.EfConstruction, x.cfg.Seed = int(f.EfConstruction), f.Seed
		x.n, x.nodes, x.levels, x.upperOff, x.upper = n, nodes, levels, upperOff, upper
		x.entry, x.maxLevel = f.Entry, int(f.MaxLevel)
		return nil
	}
}

// checkLists verifies that every slot of stride uint32s holds a count that
// fits and ids below n, so a damaged file cannot make Search index out of
// range.
func checkLists(a []uint32, stride, n int, what string) error {
	for o := 0; o+stride <= len(a); o += stride {
		c := a[o]
		if int64(c) >= int64(stride) {
			return fmt.Errorf("%s: neighbour count %d exceeds capacity %d", what, c, stride-1)
		}
		for _, id := range a[o+1 : o+1+int(c)] {
			if int64(id) >= int64(n) {
				return fmt.Errorf("%s: neighbour id %d out of range [0,%d)", what, id, n)
			}
		}
	}
	return nil
}
