package hdf5

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Storage layout classes.
const (
	layoutCompact    = 0
	layoutContiguous = 1
	layoutChunked    = 2
)

// Chunk index types (layout message version 4 numbering; version 1–3
// chunked layouts always use the v1 B-tree).
const (
	indexBTreeV1   = 0
	indexSingle    = 1
	indexImplicit  = 2
	indexFixed     = 3
	indexExtArray  = 4
	indexBTreeV2   = 5
	maxChunkBytes  = 1 << 31
	maxFilterCount = 32
)

// layout is a parsed data layout message.
type layout struct {
	class    int
	compact  []byte
	addr     uint64   // contiguous data or chunk index address
	size     uint64   // contiguous data size
	chunk    []uint64 // chunk dimensions (without the element size)
	index    int
	filtered bool   // single-chunk index: the chunk is filtered
	single   uint64 // single-chunk index: filtered size
	mask     uint32 // single-chunk index: filter mask
	pageBits uint8  // fixed-array index
}

func (f *File) parseLayout(b []byte, rank int) (layout, error) {
	d := decoder{b: b, f: f}
	ver := d.u8()
	var l layout
	switch ver {
	case 1, 2:
		ndims := int(d.u8())
		l.class = int(d.u8())
		d.skip(5)
		if l.class != layoutCompact {
			l.addr = d.offset()
		}
		dims := make([]uint64, 0, ndims)
		for i := 0; i < ndims && d.err == nil; i++ {
			dims = append(dims, uint64(d.u32()))
		}
		if l.class == layoutChunked {
			d.u32() // element size
			l.chunk = dims
		}
		if l.class == layoutCompact {
			n := int(d.u32())
			l.compact = d.need(n)
		}
		l.size = undefined
	case 3, 4:
		l.class = int(d.u8())
		switch l.class {
		case layoutCompact:
			n := int(d.u16())
			l.compact = d.need(n)
		case layoutContiguous:
			l.addr = d.offset()
			l.size = d.length()
		case layoutChunked:
			if ver == 3 {
				ndims := int(d.u8())
				l.addr = d.offset()
				for i := 0; i < ndims && d.err == nil; i++ {
					l.chunk = append(l.chunk, uint64(d.u32()))
				}
			} else {
				flags := d.u8()
				ndims := int(d.u8())
				enc := int(d.u8())
				if enc < 1 || enc > 8 {
					return l, fmt.Errorf("layout message: dimension size encoded in %d bytes (want 1-8)", enc)
				}
				for i := 0; i < ndims && d.err == nil; i++ {
					l.chunk = append(l.chunk, d.uint(enc))
				}
				l.index = int(d.u8())
				switch l.index {
				case indexSingle:
					if flags&2 != 0 {
						l.filtered = true
						l.single = d.length()
						l.mask = d.u32()
					}
				case indexImplicit:
				case indexFixed:
					l.pageBits = d.u8()
				case indexExtArray:
					d.skip(5)
				case indexBTreeV2:
					d.skip(6)
				default:
					if d.err == nil {
						return l, fmt.Errorf("layout message: unknown chunk index type %d", l.index)
					}
				}
				l.addr = d.offset()
			}
			// The last chunk dimension is the element size.
			if len(l.chunk) > 0 {
				l.chunk = l.chunk[:len(l.chunk)-1]
			}
		case 3:
			return l, fmt.Errorf("virtual dataset storage not supported")
		default:
			return l, fmt.Errorf("layout message: unknown layout class %d", l.class)
		}
	default:
		return l, fmt.Errorf("layout message version %d not supported (want 1-4)", ver)
	}
	if d.err != nil {
		return l, fmt.Errorf("layout message: %w", d.err)
	}
	if l.class == layoutChunked {
		if len(l.chunk) != rank {
			return l, fmt.Errorf("layout message: chunk rank %d does not match dataspace rank %d", len(l.chunk), rank)
		}
		for _, c := range l.chunk {
			if c == 0 {
				return l, fmt.Errorf("layout message: zero chunk dimension in %v", l.chunk)
			}
		}
	}
	return l, nil
}

// filter is one entry of a filter pipeline.
type filter struct {
	id     uint16
	name   string
	flags  uint16
	client []uint32
}

// Filter identifiers.
const (
	filterDeflate    = 1
	filterShuffle    = 2
	filterFletcher32 = 3
)

func parseFilters(b []byte) ([]filter, error) {
	d := decoder{b: b}
	ver := d.u8()
	n := int(d.u8())
	if ver == 1 {
		d.skip(6)
	} else if ver != 2 && d.err == nil {
		return nil, fmt.Errorf("filter pipeline message version %d not supported", ver)
	}
	if n > maxFilterCount {
		return nil, fmt.Errorf("filter pipeline with %d filters", n)
	}
	var out []filter
	for i := 0; i < n && d.err == nil; i++ {
		var fl filter
		fl.id = d.u16()
		nameLen := 0
		if ver == 1 || fl.id >= 256 {
			nameLen = int(d.u16())
		}
		fl.flags = d.u16()
		nv := int(d.u16())
		if nameLen > 0 {
			if ver == 1 {
				nameLen = pad8(nameLen)
			}
			name := d.need(nameLen)
			fl.name = string(bytes.TrimRight(name, "\x00"))
		}
		for j := 0; j < nv && d.err == nil; j++ {
			fl.client = append(fl.client, d.u32())
		}
		if ver == 1 && nv%2 == 1 {
			d.skip(4)
		}
		out = append(out, fl)
	}
	if d.err != nil {
		return nil, fmt.Errorf("filter pipeline message: %w", d.err)
	}
	for _, fl := range out {
		switch fl.id {
		case filterDeflate, filterShuffle, filterFletcher32:
		default:
			if fl.flags&1 == 0 { // optional filters may have been skipped on write
				continue
			}
			name := fl.name
			if name == "" {
				name = fmt.Sprintf("id %d", fl.id)
			}
			return nil, fmt.Errorf("filter %s not supported (supported: deflate, shuffle, fletcher32)", name)
		}
	}
	return out, nil
}

// inflater reuses one zlib reader and output buffer across the chunks of
// a dataset.
type inflater struct {
	zr  io.ReadCloser
	buf bytes.Buffer
}

// inflate decompresses the zlib stream b, failing if it holds more than
// want bytes. The result is valid until the next call.
func (z *inflater) inflate(b []byte, want int) ([]byte, error) {
	var err error
	if z.zr == nil {
		z.zr, err = zlib.NewReader(bytes.NewReader(b))
	} else {
		err = z.zr.(zlib.Resetter).Reset(bytes.NewReader(b), nil)
	}
	if err != nil {
		z.zr = nil
		return nil, err
	}
	z.buf.Reset()
	z.buf.Grow(want)
	n, err := io.Copy(&z.buf, io.LimitReader(z.zr, int64(want)+1))
	if err != nil {
		return nil, err
	}
	if n > int64(want) {
		return nil, fmt.Errorf("chunk inflates to more than %d bytes", want)
	}
	return z.buf.Bytes(), nil
}

// unfilter reverses the pipeline on one chunk. mask has bit i set when
// filter i was not applied; want is the unfiltered chunk size. z may be
// nil.
func unfilter(fs []filter, mask uint32, b []byte, want int, z *inflater) ([]byte, error) {
	if z == nil {
		z = &inflater{}
	}
	for i := len(fs) - 1; i >= 0; i-- {
		if i < 32 && mask&(1<<i) != 0 {
			continue
		}
		fl := fs[i]
		switch fl.id {
		case filterDeflate:
			out, err := z.inflate(b, want)
			if err != nil {
				return nil, fmt.Errorf("deflate: %w", err)
			}
			b = out
		case filterShuffle:
			size := 0
			if len(fl.client) > 0 {
				size = int(fl.client[0])
			}
			if size > 1 && size <= len(b) {
				b = unshuffle(b, size)
			}
		case filterFletcher32:
			if len(b) < 4 {
				return nil, errors.New("fletcher32: chunk shorter than its checksum")
			}
			n := len(b) - 4
			stored := binary.LittleEndian.Uint32(b[n:])
			sum := fletcher32(b[:n])
			swapped := sum>>16 | sum<<16
			swapped = (swapped&0x00ff00ff)<<8 | (swapped&0xff00ff00)>>8
			if stored != sum && stored != swapped {
				return nil, fmt.Errorf("fletcher32: checksum mismatch (stored %#08x, computed %#08x): data corrupt", stored, sum)
			}
			b = b[:n]
		}
	}
	return b, nil
}

// unshuffle reverses the byte shuffle filter for elements of size bytes.
func unshuffle(b []byte, size int) []byte {
	n := len(b) / size
	out := make([]byte, len(b))
	for j := 0; j < size; j++ {
		src := b[j*n : (j+1)*n]
		for i, v := range src {
			out[i*size+j] = v
		}
	}
	copy(out[n*size:], b[n*size:])
	return out
}

// fletcher32 is HDF5's Fletcher-32 over big-endian 16-bit words.
func fletcher32(b []byte) uint32 {
	var s1, s2 uint32
	for len(b) >= 2 {
		t := min(len(b)/2, 360)
		for i := 0; i < t; i++ {
			s1 += uint32(b[0])<<8 | uint32(b[1])
			s2 += s1
			b = b[2:]
		}
		s1 = s1&0xffff + s1>>16
		s2 = s2&0xffff + s2>>16
	}
	if len(b) == 1 {
		s1 += uint32(b[0]) << 8
		s2 += s1
		s1 = s1&0xffff + s1>>16
		s2 = s2&0xffff + s2>>16
	}
	s1 = s1&0xffff + s1>>16
	s2 = s2&0xffff + s2>>16
	return s2<<16 | s1
}
