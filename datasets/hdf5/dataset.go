package hdf5

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// Dataset is a numeric array stored in the file.
type Dataset struct {
	// Name is the dataset's path in the file, e.g. "train".
	Name string
	// Type is the element type.
	Type Datatype
	// Space is the shape.
	Space Dataspace

	f       *File
	header  *objectHeader
	layout  layout
	filters []filter
}

// Dataset opens the dataset at path ("train", "group/name").
func (f *File) Dataset(path string) (*Dataset, error) {
	ds, err := f.dataset(path)
	if err != nil {
		return nil, fmt.Errorf("hdf5: dataset %q: %w", path, err)
	}
	return ds, nil
}

func (f *File) dataset(path string) (*Dataset, error) {
	obj, err := f.lookup(path)
	if err != nil {
		return nil, err
	}
	h := obj.header
	ds := &Dataset{Name: obj.path, f: f, header: h}
	m, ok := h.find(msgDatatype)
	if !ok {
		if _, isGroup := h.find(msgSymbolTable); isGroup {
			return nil, fmt.Errorf("is a group, not a dataset")
		}
		if _, isGroup := h.find(msgLinkInfo); isGroup {
			return nil, fmt.Errorf("is a group, not a dataset")
		}
		return nil, fmt.Errorf("no datatype message: not a dataset")
	}
	b, err := f.resolve(m)
	if err != nil {
		return nil, err
	}
	if ds.Type, _, err = parseDatatype(b); err != nil {
		return nil, err
	}
	m, ok = h.find(msgDataspace)
	if !ok {
		return nil, fmt.Errorf("no dataspace message")
	}
	if b, err = f.resolve(m); err != nil {
		return nil, err
	}
	if ds.Space, _, err = f.parseDataspace(b); err != nil {
		return nil, err
	}
	m, ok = h.find(msgLayout)
	if !ok {
		return nil, fmt.Errorf("no data layout message")
	}
	if ds.layout, err = f.parseLayout(m.data, len(ds.Space.Dims)); err != nil {
		return nil, err
	}
	if m, ok := h.find(msgFilters); ok {
		if b, err = f.resolve(m); err != nil {
			return nil, err
		}
		if ds.filters, err = parseFilters(b); err != nil {
			return nil, err
		}
	}
	if _, ok := h.find(msgExternal); ok {
		return nil, fmt.Errorf("external storage not supported")
	}
	return ds, nil
}

// Attr returns the dataset's attribute name.
func (ds *Dataset) Attr(name string) (*Attribute, error) {
	as, err := ds.f.attributes(ds.header)
	if err == nil {
		var a *Attribute
		if a, err = findAttr(as, name); err == nil {
			return a, nil
		}
	}
	return nil, fmt.Errorf("hdf5: dataset %q: %w", ds.Name, err)
}

// Shape2D returns the dataset as rows × cols: a 1-D dataset of n elements
// is n × 1. Other ranks are an error.
func (ds *Dataset) Shape2D() (rows, cols int, err error) {
	dims := ds.Space.Dims
	switch {
	case ds.Space.Null || len(dims) == 0:
		return 0, 0, fmt.Errorf("hdf5: dataset %q is %s, want a 2-D array", ds.Name, ds.Space)
	case len(dims) == 1:
		dims = []uint64{dims[0], 1}
	case len(dims) > 2:
		return 0, 0, fmt.Errorf("hdf5: dataset %q has shape %s, want a 2-D array", ds.Name, ds.Space)
	}
	if dims[0] > math.MaxInt32 || dims[1] > math.MaxInt32 {
		return 0, 0, fmt.Errorf("hdf5: dataset %q shape %s too large", ds.Name, ds.Space)
	}
	return int(dims[0]), int(dims[1]), nil
}

// Contiguous returns the absolute file offset and byte size of the
// dataset's raw data when it is stored contiguously and unfiltered, so a
// caller can memory-map it. ok is false for other layouts.
func (ds *Dataset) Contiguous() (offset, size int64, ok bool) {
	l := ds.layout
	if l.class != layoutContiguous || len(ds.filters) > 0 || l.addr == undefined {
		return 0, 0, false
	}
	n, err := ds.byteSize()
	if err != nil {
		return 0, 0, false
	}
	abs := l.addr + ds.f.base
	if abs < l.addr || abs > uint64(ds.f.size) || n > uint64(ds.f.size)-abs {
		return 0, 0, false
	}
	return int64(abs), int64(n), true
}

// byteSize returns elements × element size, checked for overflow.
func (ds *Dataset) byteSize() (uint64, error) {
	n, err := ds.Space.Elements()
	if err != nil {
		return 0, err
	}
	if n > (1<<62)/uint64(ds.Type.Size) {
		return 0, fmt.Errorf("dataspace %s of %s too large", ds.Space, ds.Type)
	}
	return n * uint64(ds.Type.Size), nil
}

// Raw returns the dataset's elements in row-major order, in the file's byte
// order and element type.
func (ds *Dataset) Raw() ([]byte, error) {
	b, err := ds.raw()
	if err != nil {
		return nil, fmt.Errorf("hdf5: dataset %q: %w", ds.Name, err)
	}
	return b, nil
}

func (ds *Dataset) raw() ([]byte, error) {
	n, err := ds.byteSize()
	if err != nil {
		return nil, err
	}
	l := ds.layout
	switch l.class {
	case layoutCompact:
		if uint64(len(l.compact)) < n {
			return nil, fmt.Errorf("compact data holds %d bytes, shape %s of %s needs %d", len(l.compact), ds.Space, ds.Type, n)
		}
		return l.compact[:n], nil
	case layoutContiguous:
		if len(ds.filters) > 0 {
			return nil, fmt.Errorf("filters on contiguous storage not supported")
		}
		if l.addr == undefined {
			if n > uint64(ds.f.MaxBytes) {
				return nil, fmt.Errorf("unwritten dataset of %d bytes exceeds the %d-byte limit", n, ds.f.MaxBytes)
			}
			return make([]byte, n), nil // never written: fill value zero
		}
		if l.size != undefined && l.size < n {
			return nil, fmt.Errorf("contiguous storage of %d bytes, shape %s of %s needs %d", l.size, ds.Space, ds.Type, n)
		}
		if n > uint64(ds.f.size) {
			abs := l.addr + ds.f.base
			return nil, fmt.Errorf("data at offset %d (%d bytes) %w (size %d)", abs, n, errTruncated, ds.f.size)
		}
		return ds.f.at(l.addr, int(n), "data")
	case layoutChunked:
		return ds.readChunked(n)
	}
	return nil, fmt.Errorf("layout class %d not supported", l.class)
}

func (ds *Dataset) readChunked(n uint64) ([]byte, error) {
	if n > uint64(ds.f.MaxBytes) {
		return nil, fmt.Errorf("chunked data of %d bytes (shape %s of %s) exceeds the %d-byte limit for this file", n, ds.Space, ds.Type, ds.f.MaxBytes)
	}
	refs, err := ds.chunks()
	if err != nil {
		return nil, err
	}
	out := make([]byte, n)
	esize := uint64(ds.Type.Size)
	chunkBytes := esize
	for _, c := range ds.layout.chunk {
		chunkBytes *= c
	}
	dims := ds.Space.Dims
	rank := len(dims)
	done := map[string]bool{}
	z := &inflater{}
	for _, ref := range refs {
		outside := false
		for i, o := range ref.offset {
			if o >= dims[i] || o%ds.layout.chunk[i] != 0 {
				outside = true
			}
		}
		if outside {
			continue
		}
		key := fmt.Sprint(ref.offset)
		if done[key] {
			return nil, fmt.Errorf("chunk %v listed twice in the chunk index: file corrupt", ref.offset)
		}
		done[key] = true
		if ref.size > maxChunkBytes {
			return nil, fmt.Errorf("chunk at %v: stored size %d too large", ref.offset, ref.size)
		}
		abs, err := ds.f.addr(ref.addr, fmt.Sprintf("chunk %v", ref.offset))
		if err != nil {
			return nil, err
		}
		raw, err := ds.f.readAt(abs, int(ref.size), fmt.Sprintf("chunk %v", ref.offset))
		if err != nil {
			return nil, err
		}
		data, err := unfilter(ds.filters, ref.mask, raw, int(chunkBytes), z)
		if err != nil {
			return nil, fmt.Errorf("chunk %v at offset %d: %w", ref.offset, abs, err)
		}
		if uint64(len(data)) < chunkBytes {
			return nil, fmt.Errorf("chunk %v at offset %d holds %d bytes, want %d", ref.offset, abs, len(data), chunkBytes)
		}
		if rank == 0 {
			copy(out, data)
			continue
		}
		// Copy each run along the last dimension, clipped to the dataset.
		last := rank - 1
		run := min(ds.layout.chunk[last], dims[last]-ref.offset[last]) * esize
		idx := make([]uint64, last) // position within the chunk, outer dims
		for {
			var src, dst uint64
			inside := true
			for i := 0; i < last; i++ {
				if ref.offset[i]+idx[i] >= dims[i] {
					inside = false
				}
			}
			if inside {
				for i := 0; i < rank; i++ {
					var ci, di uint64
					if i < last {
						ci, di = idx[i], ref.offset[i]+idx[i]
					} else {
						ci, di = 0, ref.offset[i]
					}
					src = src*ds.layout.chunk[i] + ci
					dst = dst*dims[i] + di
				}
				copy(out[dst*esize:dst*esize+run], data[src*esize:src*esize+run])
			}
			i := last - 1
			for ; i >= 0; i-- {
				idx[i]++
				if idx[i] < ds.layout.chunk[i] {
					break
				}
				idx[i] = 0
			}
			if i < 0 {
				break
			}
		}
	}
	return out, nil
}

// Float32s returns all elements converted to float32 in row-major order.
// Integer and float64 elements are converted; other classes are an error.
func (ds *Dataset) Float32s() ([]float32, error) {
	if !ds.Type.numeric() {
		return nil, fmt.Errorf("hdf5: dataset %q is %s, want numbers", ds.Name, ds.Type)
	}
	raw, err := ds.Raw()
	if err != nil {
		return nil, err
	}
	t := ds.Type
	out := make([]float32, len(raw)/t.Size)
	if t.Class == ClassFloat && t.Size == 4 && !t.BigEndian && nativeLittleEndian {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), len(out)*4), raw)
		return out, nil
	}
	for i := range out {
		out[i] = float32(numberAt(t, raw[i*t.Size:]))
	}
	return out, nil
}

// Int32s returns all elements of an integer dataset as int32 in row-major
// order; values outside the int32 range are an error.
func (ds *Dataset) Int32s() ([]int32, error) {
	t := ds.Type
	if t.Class != ClassInteger || !t.numeric() {
		return nil, fmt.Errorf("hdf5: dataset %q is %s, want integers", ds.Name, t)
	}
	raw, err := ds.Raw()
	if err != nil {
		return nil, err
	}
	out := make([]int32, len(raw)/t.Size)
	for i := range out {
		v := intAt(t, raw[i*t.Size:])
		if v < math.MinInt32 || v > math.MaxInt32 {
			return nil, fmt.Errorf("hdf5: dataset %q: element %d = %d outside the int32 range", ds.Name, i, v)
		}
		out[i] = int32(v)
	}
	return out, nil
}

// nativeLittleEndian reports whether this machine stores numbers
// little-endian, allowing a straight copy of float32 data.
var nativeLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1
