package hdf5

import (
	"fmt"
	"math/bits"
)

// The extensible-array chunk index (layout version 4, index type 4) is
// what libver-latest files use for datasets with one unlimited dimension.
// Element i of the array locates chunk i of the chunk grid in row-major
// order (the unlimited dimension, which must be the first, varies
// slowest). The first elements live in the index block; the rest in data
// blocks grouped into super blocks of doubling size, reached directly from
// the index block or through secondary blocks.

// earray is a parsed extensible-array header.
type earray struct {
	f          *File
	filtered   bool
	esize      int
	maxBits    int
	ibElems    int
	dbMin      int
	sbMinPtrs  int
	pageBits   int
	nelems     uint64
	iblock     uint64
	arrOffSize int

	// Blocks already read and verified, by address: each chunk lookup
	// would otherwise re-read its index and data blocks.
	blocks map[uint64][]byte
}

// block reads and verifies (signature, checksum) n bytes at a, once.
func (ea *earray) block(a uint64, n int, sig, what string) ([]byte, error) {
	if b, ok := ea.blocks[a]; ok && len(b) == n {
		return b, nil
	}
	abs, err := ea.f.addr(a, what)
	if err != nil {
		return nil, err
	}
	b, err := ea.f.readAt(abs, n, what)
	if err != nil {
		return nil, err
	}
	if sig != "" {
		if err := checkSig(b, sig, what, abs); err != nil {
			return nil, err
		}
	}
	if err := checkSum(b, what); err != nil {
		return nil, err
	}
	if ea.blocks == nil {
		ea.blocks = map[uint64][]byte{}
	}
	ea.blocks[a] = b
	return b, nil
}

// superBlock describes super block s: its number of data blocks, their
// element count, and the first element index and data block number.
type superBlock struct {
	ndblks, dblkElems  uint64
	startIdx, startDbk uint64
}

func (ds *Dataset) extensibleArrayChunks(chunkBytes uint64) ([]chunkRef, error) {
	dims, maxd := ds.Space.Dims, ds.Space.MaxDims
	if len(maxd) == 0 || maxd[0] != undefined {
		return nil, fmt.Errorf("extensible-array chunk index with an unlimited dimension other than the first not supported")
	}
	for _, m := range maxd[1:] {
		if m == undefined {
			return nil, fmt.Errorf("extensible-array chunk index with several unlimited dimensions not supported")
		}
	}
	ea, err := ds.f.readEArrayHeader(ds.layout.addr)
	if err != nil {
		return nil, err
	}
	// Chunks are numbered over the current extent of the first dimension
	// and the maximum extent of the others.
	grid := append([]uint64{dims[0]}, maxd[1:]...)
	var out []chunkRef
	var i uint64
	err = ds.eachChunk(grid, func(off []uint64) error {
		idx := i
		i++
		if idx >= ea.nelems {
			return nil // never written
		}
		e, err := ea.element(idx)
		if err != nil {
			return fmt.Errorf("extensible array element %d: %w", idx, err)
		}
		d := decoder{b: e, f: ds.f}
		ref := chunkRef{offset: off, addr: d.offset(), size: chunkBytes}
		if ea.filtered {
			ref.size = d.uint(ea.esize - ds.f.offSize - 4)
			ref.mask = d.u32()
		}
		if d.err != nil {
			return d.err
		}
		if ref.addr != undefined {
			out = append(out, ref)
		}
		return nil
	})
	return out, err
}

func (f *File) readEArrayHeader(a uint64) (*earray, error) {
	abs, err := f.addr(a, "extensible array header")
	if err != nil {
		return nil, err
	}
	n := 12 + 6*f.lenSize + f.offSize + 4
	b, err := f.readSigned(abs, n, "EAHD", "extensible array header", "extensible array header")
	if err != nil {
		return nil, err
	}
	ea := &earray{f: f, filtered: b[5] == 1, esize: int(b[6]), maxBits: int(b[7]), ibElems: int(b[8]),
		dbMin: int(b[9]), sbMinPtrs: int(b[10]), pageBits: int(b[11])}
	d := decoder{b: b[12:], f: f}
	for i := 0; i < 5; i++ {
		d.length() // block statistics and max index set
	}
	ea.nelems = d.length()
	ea.iblock = d.offset()
	if d.err != nil {
		return nil, fmt.Errorf("extensible array header at %d: %w", abs, d.err)
	}
	minSize := f.offSize
	if ea.filtered {
		minSize += 1 + 4
	}
	pow2 := func(v int) bool { return v > 0 && v&(v-1) == 0 }
	if ea.esize < minSize || ea.esize > f.offSize+12 || ea.maxBits <= 0 || ea.maxBits > 64 || !pow2(ea.dbMin) ||
		!pow2(ea.sbMinPtrs) || ea.pageBits > 32 || ea.nelems > uint64(f.size) {
		return nil, fmt.Errorf("extensible array header at %d: invalid parameters", abs)
	}
	ea.arrOffSize = (ea.maxBits + 7) / 8
	return ea, nil
}

// nsblks is the number of super blocks the array can have.
func (ea *earray) nsblks() int {
	return 1 + ea.maxBits - (bits.Len(uint(ea.dbMin)) - 1)
}

func (ea *earray) superBlock(s int) superBlock {
	var sb superBlock
	var idx, dbk uint64
	for u := 0; u <= s; u++ {
		sb = superBlock{ndblks: 1 << (u / 2), dblkElems: uint64(ea.dbMin) << ((u + 1) / 2), startIdx: idx, startDbk: dbk}
		idx += sb.ndblks * sb.dblkElems
		dbk += sb.ndblks
	}
	return sb
}

// element returns the raw bytes of array element idx.
func (ea *earray) element(idx uint64) ([]byte, error) {
	f := ea.f
	iblkSbs := 2 * (bits.Len(uint(ea.sbMinPtrs)) - 1) // super blocks reached directly
	ndblkAddrs := 2 * (ea.sbMinPtrs - 1)
	nsblkAddrs := ea.nsblks() - iblkSbs
	if nsblkAddrs < 0 || nsblkAddrs > 64 {
		return nil, fmt.Errorf("extensible array: invalid super block count")
	}
	hlen := 6 + f.offSize
	ib, err := ea.block(ea.iblock, hlen+ea.ibElems*ea.esize+(ndblkAddrs+nsblkAddrs)*f.offSize+4, "EAIB", "extensible array index block")
	if err != nil {
		return nil, err
	}
	if idx < uint64(ea.ibElems) {
		return ib[hlen+int(idx)*ea.esize : hlen+int(idx+1)*ea.esize], nil
	}
	ptrs := decoder{b: ib[hlen+ea.ibElems*ea.esize : len(ib)-4], f: f}
	rel := idx - uint64(ea.ibElems)
	s := bits.Len64(rel/uint64(ea.dbMin)+1) - 1
	if s >= ea.nsblks() {
		return nil, fmt.Errorf("index %d beyond the array", idx)
	}
	sb := ea.superBlock(s)
	elem := rel - sb.startIdx
	var dblk uint64
	if s < iblkSbs {
		k := sb.startDbk + elem/sb.dblkElems
		ptrs.skip(int(k) * f.offSize)
		dblk = ptrs.offset()
	} else {
		ptrs.skip((ndblkAddrs + s - iblkSbs) * f.offSize)
		sblk := ptrs.offset()
		if ptrs.err != nil {
			return nil, ptrs.err
		}
		if sblk == undefined {
			return nil, fmt.Errorf("super block %d not allocated", s)
		}
		if dblk, err = ea.secondaryPointer(sblk, sb, elem/sb.dblkElems); err != nil {
			return nil, err
		}
	}
	if ptrs.err != nil {
		return nil, ptrs.err
	}
	if dblk == undefined {
		return nil, fmt.Errorf("data block not allocated")
	}
	return ea.dataBlockElement(dblk, sb.dblkElems, elem%sb.dblkElems)
}

// secondaryPointer returns data block k of the secondary block at a.
func (ea *earray) secondaryPointer(a uint64, sb superBlock, k uint64) (uint64, error) {
	f := ea.f
	hlen := 6 + f.offSize + ea.arrOffSize
	bitmap := 0
	if pages := sb.dblkElems >> ea.pageBits; pages > 1 {
		bitmap = int((sb.ndblks*pages + 7) / 8)
	}
	b, err := ea.block(a, hlen+bitmap+int(sb.ndblks)*f.offSize+4, "EASB", "extensible array secondary block")
	if err != nil {
		return 0, err
	}
	d := decoder{b: b[hlen+bitmap+int(k)*f.offSize:], f: f}
	return d.offset(), d.err
}

// dataBlockElement returns element e of the data block at a holding n
// elements.
func (ea *earray) dataBlockElement(a, n, e uint64) ([]byte, error) {
	f := ea.f
	hlen := 6 + f.offSize + ea.arrOffSize
	pageElems := uint64(1) << ea.pageBits
	if n <= pageElems {
		b, err := ea.block(a, hlen+int(n)*ea.esize+4, "EADB", "extensible array data block")
		if err != nil {
			return nil, err
		}
		return b[hlen+int(e)*ea.esize : hlen+int(e+1)*ea.esize], nil
	}
	// Paged: the header (with its own checksum) is followed by pages of
	// pageElems elements, each with a checksum.
	page := e / pageElems
	b, err := ea.block(a+uint64(hlen+4)+page*(pageElems*uint64(ea.esize)+4), int(pageElems)*ea.esize+4, "", "extensible array data block page")
	if err != nil {
		return nil, err
	}
	i := e % pageElems
	return b[int(i)*ea.esize : int(i+1)*ea.esize], nil
}
