package hdf5

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// chunkRef locates one stored chunk.
type chunkRef struct {
	offset []uint64 // element coordinates of the chunk's first element
	addr   uint64   // file address (relative to the base address)
	size   uint64   // stored (filtered) size in bytes
	mask   uint32   // filters skipped for this chunk
}

// chunks lists the stored chunks of a chunked dataset.
func (ds *Dataset) chunks() ([]chunkRef, error) {
	f, l := ds.f, ds.layout
	chunkBytes := uint64(ds.Type.Size)
	for _, c := range l.chunk {
		chunkBytes *= c
		if chunkBytes > maxChunkBytes || chunkBytes > uint64(f.MaxBytes) {
			return nil, fmt.Errorf("chunk %v of %s too large", l.chunk, ds.Type)
		}
	}
	if l.addr == undefined {
		return nil, nil // nothing written yet: all fill value
	}
	switch l.index {
	case indexBTreeV1:
		return f.btreeChunks(l.addr, len(l.chunk))
	case indexSingle:
		size := chunkBytes
		if l.filtered {
			size = l.single
		}
		return []chunkRef{{offset: make([]uint64, len(l.chunk)), addr: l.addr, size: size, mask: l.mask}}, nil
	case indexImplicit:
		var out []chunkRef
		n := 0
		err := ds.eachChunk(ds.Space.Dims, func(off []uint64) error {
			if uint64(n+1)*chunkBytes > uint64(f.size) {
				return fmt.Errorf("implicit chunk index: chunk %v at offset %d %w (size %d)", off, l.addr+uint64(n)*chunkBytes, errTruncated, f.size)
			}
			out = append(out, chunkRef{offset: off, addr: l.addr + uint64(n)*chunkBytes, size: chunkBytes})
			n++
			return nil
		})
		return out, err
	case indexFixed:
		return ds.fixedArrayChunks(chunkBytes)
	case indexExtArray:
		return ds.extensibleArrayChunks(chunkBytes)
	case indexBTreeV2:
		return ds.btreeV2Chunks(chunkBytes)
	}
	return nil, fmt.Errorf("chunk index type %d not supported", l.index)
}

// eachChunk calls fn with the offset of every chunk of a grid covering
// dims, in row-major order.
func (ds *Dataset) eachChunk(dims []uint64, fn func([]uint64) error) error {
	rank := len(ds.layout.chunk)
	idx := make([]uint64, rank)
	total := uint64(1)
	for i, c := range ds.layout.chunk {
		n := (dims[i] + c - 1) / c
		if n == 0 {
			return nil
		}
		if total > (1<<40)/n {
			return fmt.Errorf("chunk grid too large")
		}
		total *= n
	}
	for k := uint64(0); k < total; k++ {
		off := make([]uint64, rank)
		for i := range idx {
			off[i] = idx[i] * ds.layout.chunk[i]
		}
		if err := fn(off); err != nil {
			return err
		}
		for i := rank - 1; i >= 0; i-- {
			idx[i]++
			if idx[i]*ds.layout.chunk[i] < dims[i] {
				break
			}
			idx[i] = 0
		}
	}
	return nil
}

// btreeChunks walks a v1 B-tree chunk index of the given rank.
func (f *File) btreeChunks(root uint64, rank int) ([]chunkRef, error) {
	keyLen := 8 + 8*(rank+1)
	skipKey := func(d *decoder) { d.skip(keyLen) }
	var out []chunkRef
	err := f.walkBTreeV1(root, 1, "chunk", skipKey, func(k []byte, c uint64) error {
		ref := chunkRef{
			size:   uint64(binary.LittleEndian.Uint32(k[0:])),
			mask:   binary.LittleEndian.Uint32(k[4:]),
			addr:   c,
			offset: make([]uint64, rank),
		}
		for j := range ref.offset {
			ref.offset[j] = binary.LittleEndian.Uint64(k[8+8*j:])
		}
		out = append(out, ref)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fixedArrayChunks reads a fixed-array chunk index.
func (ds *Dataset) fixedArrayChunks(chunkBytes uint64) ([]chunkRef, error) {
	f := ds.f
	abs, err := f.addr(ds.layout.addr, "fixed array header")
	if err != nil {
		return nil, err
	}
	hlen := 8 + f.lenSize + f.offSize + 4
	h, err := f.readSigned(abs, hlen, "FAHD", "fixed array header", "fixed array header")
	if err != nil {
		return nil, err
	}
	filtered := h[5] == 1
	esize := int(h[6])
	pageBits := int(h[7])
	d := decoder{b: h[8:], f: f}
	nent := d.length()
	dblk := d.offset()
	minSize := f.offSize
	if filtered {
		minSize += 1 + 4
	}
	if esize < minSize || esize > f.offSize+8+4 {
		return nil, fmt.Errorf("fixed array header at %d: invalid entry size %d", abs, esize)
	}
	if pageBits > 32 || nent > uint64(f.size) {
		return nil, fmt.Errorf("fixed array header at %d: invalid page bits %d or entry count %d", abs, pageBits, nent)
	}
	dabs, err := f.addr(dblk, "fixed array data block")
	if err != nil {
		return nil, err
	}
	dhlen := 6 + f.offSize
	pageSize := uint64(1) << pageBits
	var entries []byte
	if nent <= pageSize {
		b, err := f.readSigned(dabs, dhlen+int(nent)*esize+4, "FADB", "fixed array data block", "fixed array data block")
		if err != nil {
			return nil, err
		}
		entries = b[dhlen : len(b)-4]
	} else {
		npages := (nent + pageSize - 1) / pageSize
		bitmap := int((npages + 7) / 8)
		b, err := f.readSigned(dabs, dhlen+bitmap+4, "FADB", "fixed array data block", "fixed array data block")
		if err != nil {
			return nil, err
		}
		bm := b[dhlen : dhlen+bitmap]
		pos := dabs + uint64(len(b))
		for p := uint64(0); p < npages; p++ {
			n := min(pageSize, nent-p*pageSize)
			plen := int(n)*esize + 4
			if bm[p/8]&(0x80>>(p%8)) == 0 {
				// Uninitialized page: no chunks stored.
				entries = append(entries, bytes.Repeat([]byte{0xff}, int(n)*esize)...)
				pos += uint64(plen)
				continue
			}
			pb, err := f.readAt(pos, plen, "fixed array data block page")
			if err != nil {
				return nil, err
			}
			if err := checkSum(pb, "fixed array data block page"); err != nil {
				return nil, err
			}
			entries = append(entries, pb[:len(pb)-4]...)
			pos += uint64(plen)
		}
	}
	var out []chunkRef
	i := 0
	err = ds.eachChunk(ds.Space.MaxDims, func(off []uint64) error {
		if i >= int(nent) {
			return fmt.Errorf("fixed array holds %d entries, chunk grid needs more", nent)
		}
		ed := decoder{b: entries[i*esize : (i+1)*esize], f: f}
		i++
		ref := chunkRef{offset: off, addr: ed.offset(), size: chunkBytes}
		if filtered {
			ref.size = ed.uint(esize - f.offSize - 4)
			ref.mask = ed.u32()
		}
		if ref.addr != undefined && off[0] < ds.Space.Dims[0] {
			out = append(out, ref)
		}
		return ed.err
	})
	return out, err
}

// btreeV2Chunks reads a version 2 B-tree chunk index (datasets with
// several unlimited dimensions): each record holds a chunk's address,
// for filtered datasets its stored size and filter mask, and its offset in
// units of chunks.
func (ds *Dataset) btreeV2Chunks(chunkBytes uint64) ([]chunkRef, error) {
	f := ds.f
	recs, err := f.btreeV2Records(ds.layout.addr)
	if err != nil {
		return nil, fmt.Errorf("chunk index: %w", err)
	}
	rank := len(ds.layout.chunk)
	filtered := len(ds.filters) > 0
	out := make([]chunkRef, 0, len(recs))
	for _, rec := range recs {
		d := decoder{b: rec, f: f}
		ref := chunkRef{addr: d.offset(), size: chunkBytes, offset: make([]uint64, rank)}
		if filtered {
			n := len(rec) - f.offSize - 4 - 8*rank
			if n < 1 || n > 8 {
				return nil, fmt.Errorf("chunk index: record of %d bytes does not fit rank %d", len(rec), rank)
			}
			ref.size = d.uint(n)
			ref.mask = d.u32()
		}
		for i := range ref.offset {
			s := d.uint(8)
			c := ds.layout.chunk[i]
			if s > (1<<62)/c {
				return nil, fmt.Errorf("chunk index: chunk offset %d too large", s)
			}
			ref.offset[i] = s * c
		}
		if d.err != nil {
			return nil, fmt.Errorf("chunk index: %w", d.err)
		}
		out = append(out, ref)
	}
	return out, nil
}
