package hdf5

import (
	"fmt"
	"math/bits"
)

// Dense storage: groups with many links and objects with many attributes
// keep them as objects in a fractal heap, indexed by name in a version 2
// B-tree. Listing walks the B-tree's records and resolves each heap ID.

// fractalHeap is a parsed fractal heap header.
type fractalHeap struct {
	f          *File
	addr       uint64
	idLen      int
	filtered   bool
	checksumDB bool
	maxManaged uint64
	width      int
	startBlock uint64
	maxDirect  uint64
	maxHeapLog int
	root       uint64
	rootRows   int
	offBytes   int // bytes of a heap offset in IDs and block headers
	lenBytes   int // bytes of an object length in IDs
}

// encSize is the number of bytes HDF5 uses to encode values up to v.
func encSize(v uint64) int {
	if v == 0 {
		return 1
	}
	return (bits.Len64(v)-1)/8 + 1
}

func (f *File) fractalHeap(a uint64) (*fractalHeap, error) {
	n := 4 + 1 + 2 + 2 + 1 + 4 + f.lenSize + f.offSize + f.lenSize + f.offSize + 8*f.lenSize +
		2 + 2*f.lenSize + 2 + 2 + f.offSize + 2
	b, abs, err := f.signedAt(a, n, "FRHP", "fractal heap header")
	if err != nil {
		return nil, err
	}
	d := decoder{b: b[5:], f: f}
	h := &fractalHeap{f: f, addr: a}
	h.idLen = int(d.u16())
	filterLen := int(d.u16())
	flags := d.u8()
	h.maxManaged = uint64(d.u32())
	d.length()               // next huge object id
	d.offset()               // huge object B-tree
	d.length()               // free space
	d.offset()               // free-space manager
	for i := 0; i < 8; i++ { // managed/allocated space, iterator, object counts and sizes
		d.length()
	}
	h.width = int(d.u16())
	h.startBlock = d.length()
	h.maxDirect = d.length()
	h.maxHeapLog = int(d.u16())
	d.u16() // starting rows
	h.root = d.offset()
	h.rootRows = int(d.u16())
	if d.err != nil {
		return nil, fmt.Errorf("fractal heap at %d: %w", abs, d.err)
	}
	h.filtered = filterLen > 0
	h.checksumDB = flags&2 != 0
	full := n + 4
	if h.filtered {
		full += f.lenSize + 4 + filterLen
	}
	all, err := f.readAt(abs, full, "fractal heap header")
	if err != nil {
		return nil, err
	}
	if err := checkSum(all, "fractal heap header"); err != nil {
		return nil, err
	}
	if h.filtered {
		return nil, fmt.Errorf("fractal heap at %d: filtered heap blocks not supported", abs)
	}
	if h.width <= 0 || h.width > 1<<16 || h.startBlock == 0 || h.startBlock&(h.startBlock-1) != 0 ||
		h.maxDirect < h.startBlock || h.maxDirect&(h.maxDirect-1) != 0 || h.maxHeapLog <= 0 || h.maxHeapLog > 64 {
		return nil, fmt.Errorf("fractal heap at %d: invalid doubling table (width %d, start block %d, max direct block %d, max heap 2^%d)",
			abs, h.width, h.startBlock, h.maxDirect, h.maxHeapLog)
	}
	h.offBytes = (h.maxHeapLog + 7) / 8
	h.lenBytes = min(encSize(h.maxDirect), encSize(h.maxManaged))
	return h, nil
}

// rowSize is the size of the blocks in row r of a doubling table.
func (h *fractalHeap) rowSize(r int) uint64 {
	if r <= 1 {
		return h.startBlock
	}
	if r-1 >= 64 || h.startBlock > (^uint64(0))>>(r-1) {
		return 0
	}
	return h.startBlock << (r - 1)
}

// maxDirectRows is the number of rows of direct blocks in an indirect
// block.
func (h *fractalHeap) maxDirectRows() int {
	return bits.Len64(h.maxDirect) - bits.Len64(h.startBlock) + 2
}

// object returns the heap object with the given heap ID.
func (h *fractalHeap) object(id []byte) ([]byte, error) {
	if len(id) == 0 {
		return nil, fmt.Errorf("empty heap ID")
	}
	switch (id[0] >> 4) & 3 {
	case 0:
	case 2: // tiny: the object is in the ID
		n := int(id[0]&0x0f) + 1
		if 1+n > len(id) {
			return nil, fmt.Errorf("tiny heap object of %d bytes overruns its %d-byte ID", n, len(id))
		}
		return id[1 : 1+n], nil
	case 1:
		return nil, fmt.Errorf("huge fractal heap objects not supported")
	default:
		return nil, fmt.Errorf("heap ID of unknown type %d", (id[0]>>4)&3)
	}
	d := decoder{b: id[1:], f: h.f}
	off := d.uint(h.offBytes)
	n := d.uint(h.lenBytes)
	if d.err != nil {
		return nil, fmt.Errorf("heap ID: %w", d.err)
	}
	if n > h.maxDirect {
		return nil, fmt.Errorf("heap object of %d bytes exceeds the %d-byte direct block limit", n, h.maxDirect)
	}
	if h.rootRows == 0 {
		return h.fromDirect(h.root, 0, h.startBlock, off, n)
	}
	return h.fromIndirect(h.root, 0, h.rootRows, off, n, 0)
}

// fromDirect reads n bytes at heap offset off from the direct block at a
// covering [blockOff, blockOff+size).
func (h *fractalHeap) fromDirect(a, blockOff, size, off, n uint64) ([]byte, error) {
	if off < blockOff || off-blockOff+n > size {
		return nil, fmt.Errorf("heap object at offset %d (%d bytes) outside direct block [%d, %d)", off, n, blockOff, blockOff+size)
	}
	_, abs, err := h.f.signedAt(a, 4, "FHDB", "fractal heap direct block")
	if err != nil {
		return nil, err
	}
	return h.f.readAt(abs+(off-blockOff), int(n), "fractal heap object")
}

// fromIndirect finds heap offset off in the indirect block at a.
func (h *fractalHeap) fromIndirect(a, blockOff uint64, rows int, off, n uint64, depth int) ([]byte, error) {
	if depth > 16 || rows <= 0 || rows > 64 {
		return nil, fmt.Errorf("fractal heap indirect block at depth %d with %d rows: file corrupt", depth, rows)
	}
	abs, err := h.f.addr(a, "fractal heap indirect block")
	if err != nil {
		return nil, err
	}
	f := h.f
	entries := rows * h.width
	hlen := 5 + f.offSize + h.offBytes
	b, err := f.readSigned(abs, hlen+entries*f.offSize+4, "FHIB", "fractal heap indirect block", "fractal heap indirect block")
	if err != nil {
		return nil, err
	}
	d := decoder{b: b[hlen:], f: f}
	pos := blockOff
	for r := 0; r < rows; r++ {
		size := h.rowSize(r)
		if size == 0 {
			return nil, fmt.Errorf("fractal heap row %d too large", r)
		}
		for c := 0; c < h.width; c++ {
			child := d.offset()
			if d.err != nil {
				return nil, d.err
			}
			if off >= pos && off < pos+size {
				if child == undefined {
					return nil, fmt.Errorf("heap object at offset %d lies in an unallocated block", off)
				}
				if r < h.maxDirectRows() {
					return h.fromDirect(child, pos, size, off, n)
				}
				childRows := bits.Len64(size) - bits.Len64(h.startBlock*uint64(h.width)) + 1
				return h.fromIndirect(child, pos, childRows, off, n, depth+1)
			}
			pos += size
		}
	}
	return nil, fmt.Errorf("heap offset %d beyond the heap", off)
}

// btreeV2Records returns the raw records of the version 2 B-tree at a,
// in key order.
func (f *File) btreeV2Records(a uint64) ([][]byte, error) {
	abs, err := f.addr(a, "v2 B-tree header")
	if err != nil {
		return nil, err
	}
	n := 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + f.offSize + 2 + f.lenSize + 4
	b, err := f.readSigned(abs, n, "BTHD", "v2 B-tree", "v2 B-tree header")
	if err != nil {
		return nil, err
	}
	d := decoder{b: b[6:], f: f}
	nodeSize := int(d.u32())
	recSize := int(d.u16())
	depth := int(d.u16())
	d.skip(2)
	root := d.offset()
	rootN := int(d.u16())
	if d.err != nil {
		return nil, fmt.Errorf("v2 B-tree at %d: %w", abs, d.err)
	}
	if recSize <= 0 || nodeSize < 10+recSize || nodeSize > 1<<24 {
		return nil, fmt.Errorf("v2 B-tree at %d: invalid node size %d or record size %d", abs, nodeSize, recSize)
	}
	if depth > 16 {
		return nil, fmt.Errorf("v2 B-tree at %d: depth %d implausible", abs, depth)
	}
	if root == undefined || rootN == 0 {
		return nil, nil
	}
	// Sizes of the child pointer fields at each depth: a child's record
	// count is encoded in enough bytes for a leaf's maximum, and below
	// depth 1 the child's total record count in enough bytes for the
	// cumulative maximum one level down.
	const prefix = 10 // signature, version, type, checksum
	leafMax := uint64((nodeSize - prefix) / recSize)
	nrecSize := encSize(leafMax)
	cumMax := []uint64{leafMax}
	cumSize := []int{0}
	ptrSize := make([]int, depth+1)
	for u := 1; u <= depth; u++ {
		ptrSize[u] = f.offSize + nrecSize
		if u > 1 {
			ptrSize[u] += cumSize[u-1]
		}
		m := (nodeSize - prefix - ptrSize[u]) / (recSize + ptrSize[u])
		if m <= 0 {
			return nil, fmt.Errorf("v2 B-tree at %d: node size %d too small for depth %d", abs, nodeSize, depth)
		}
		c := (uint64(m)+1)*cumMax[u-1] + uint64(m)
		cumMax = append(cumMax, c)
		cumSize = append(cumSize, encSize(c))
	}
	var out [][]byte
	visited := 0
	var node func(a uint64, nrec, level int) error
	node = func(a uint64, nrec, level int) error {
		visited++
		if visited > maxBTreeNodes {
			return fmt.Errorf("v2 B-tree at %d: more than %d nodes", abs, maxBTreeNodes)
		}
		nabs, err := f.addr(a, "v2 B-tree node")
		if err != nil {
			return err
		}
		size := 6 + nrec*recSize + 4
		if level > 0 {
			size += (nrec + 1) * ptrSize[level]
		}
		if size > nodeSize {
			return fmt.Errorf("v2 B-tree node at %d: %d records do not fit a %d-byte node", nabs, nrec, nodeSize)
		}
		b, err := f.readAt(nabs, size, "v2 B-tree node")
		if err != nil {
			return err
		}
		want := "BTLF"
		if level > 0 {
			want = "BTIN"
		}
		if err := checkSig(b, want, "v2 B-tree node", nabs); err != nil {
			return err
		}
		if err := checkSum(b, "v2 B-tree node"); err != nil {
			return err
		}
		body := b[6 : len(b)-4]
		if level == 0 {
			for i := 0; i < nrec; i++ {
				out = append(out, body[i*recSize:(i+1)*recSize])
			}
			return nil
		}
		cd := decoder{b: body[nrec*recSize:], f: f}
		for i := 0; i <= nrec; i++ {
			child := cd.offset()
			cn := int(cd.uint(nrecSize))
			if level > 1 {
				cd.uint(cumSize[level-1])
			}
			if cd.err != nil {
				return cd.err
			}
			if err := node(child, cn, level-1); err != nil {
				return err
			}
			if i < nrec {
				out = append(out, body[i*recSize:(i+1)*recSize])
			}
		}
		return nil
	}
	if err := node(root, rootN, depth); err != nil {
		return nil, err
	}
	return out, nil
}

// denseStorage parses the objects of the dense storage an attribute or link
// info message (info) points to: version, flags, an optional field of
// optional bytes when flag bit 0 is set, then the fractal heap and
// name-index B-tree addresses. idAt is as in denseObjects and what ("link",
// "attribute") names the storage in errors. ok is false when the message
// points to no heap (the object keeps its members in its header).
func denseStorage[T any](f *File, info []byte, optional int, what string, idAt func(rec []byte) []byte, parse func([]byte) (T, error)) (out []T, ok bool, err error) {
	d := decoder{b: info, f: f}
	d.u8() // version
	flags := d.u8()
	if flags&1 != 0 {
		d.skip(optional)
	}
	heap := d.offset()
	names := d.offset()
	if d.err != nil {
		return nil, false, fmt.Errorf("%s info message: %w", what, d.err)
	}
	if heap == undefined {
		return nil, false, nil
	}
	objs, err := f.denseObjects(heap, names, idAt)
	if err != nil {
		return nil, false, fmt.Errorf("dense %s storage: %w", what, err)
	}
	out = make([]T, 0, len(objs))
	for _, o := range objs {
		v, err := parse(o)
		if err != nil {
			return nil, false, fmt.Errorf("dense %s storage: %w", what, err)
		}
		out = append(out, v)
	}
	return out, true, nil
}

// denseObjects returns the heap objects a dense-storage name index lists.
// idAt extracts the heap ID from a record.
func (f *File) denseObjects(heapAddr, btreeAddr uint64, idAt func(rec []byte) []byte) ([][]byte, error) {
	h, err := f.fractalHeap(heapAddr)
	if err != nil {
		return nil, err
	}
	recs, err := f.btreeV2Records(btreeAddr)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, len(recs))
	for _, r := range recs {
		id := idAt(r)
		if len(id) < h.idLen && len(id) < 1+h.offBytes+h.lenBytes {
			return nil, fmt.Errorf("name index record of %d bytes too short for a heap ID", len(r))
		}
		obj, err := h.object(id)
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}
