package hdf5

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Attribute is a named value attached to a group or dataset.
type Attribute struct {
	// Name is the attribute name.
	Name string
	// Type is the element type.
	Type Datatype
	// Space is the shape; scalars have no dimensions.
	Space Dataspace

	f    *File
	data []byte
}

func pad8(n int) int { return (n + 7) &^ 7 }

func (f *File) parseAttribute(b []byte) (*Attribute, error) {
	d := decoder{b: b, f: f}
	ver := d.u8()
	flags := d.u8()
	nameLen := int(d.u16())
	typeLen := int(d.u16())
	spaceLen := int(d.u16())
	if ver == 3 {
		d.u8() // name character set
	}
	if d.err != nil {
		return nil, fmt.Errorf("attribute message: %w", d.err)
	}
	if ver < 1 || ver > 3 {
		return nil, fmt.Errorf("attribute message version %d not supported", ver)
	}
	if ver >= 2 && flags&3 != 0 {
		return nil, fmt.Errorf("attribute with shared datatype or dataspace not supported")
	}
	al := func(n int) int { return n }
	if ver == 1 {
		al = pad8
	}
	nameB := d.need(al(nameLen))
	typeB := d.need(al(typeLen))
	spaceB := d.need(al(spaceLen))
	if d.err != nil {
		return nil, fmt.Errorf("attribute message: %w", d.err)
	}
	name := string(nameB[:nameLen])
	name, _, _ = strings.Cut(name, "\x00")
	a := &Attribute{Name: name, f: f}
	var err error
	if a.Type, _, err = parseDatatype(typeB[:typeLen]); err != nil {
		return nil, fmt.Errorf("attribute %q: %w", name, err)
	}
	if a.Space, _, err = f.parseDataspace(spaceB[:spaceLen]); err != nil {
		return nil, fmt.Errorf("attribute %q: %w", name, err)
	}
	n, _ := a.Space.Elements()
	if n > uint64(len(d.b))/uint64(a.Type.Size) {
		return nil, fmt.Errorf("attribute %q: %d elements of %d bytes overrun the message (%d bytes left)", name, n, a.Type.Size, len(d.b))
	}
	a.data = d.b[:int(n)*a.Type.Size]
	return a, nil
}

// attributes returns the attributes in an object header, in header order.
func (f *File) attributes(h *objectHeader) ([]*Attribute, error) {
	var out []*Attribute
	for _, m := range h.msgs {
		switch m.typ {
		case msgAttribute:
			b, err := f.resolve(m)
			if err != nil {
				return nil, err
			}
			a, err := f.parseAttribute(b)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		case msgAttrInfo:
			// The optional field is a 2-byte maximum creation index;
			// heap IDs lead the name-index records.
			dense, _, err := denseStorage(f, m.data, 2, "attribute",
				func(rec []byte) []byte { return rec[:min(8, len(rec))] }, f.parseAttribute)
			if err != nil {
				return nil, err
			}
			out = append(out, dense...)
		}
	}
	return out, nil
}

func findAttr(as []*Attribute, name string) (*Attribute, error) {
	names := make([]string, 0, len(as))
	for _, a := range as {
		if a.Name == name {
			return a, nil
		}
		names = append(names, a.Name)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("attribute %q not found (have: %s)", name, strings.Join(names, ", "))
}

// Attr returns the attribute name of the root group.
func (f *File) Attr(name string) (*Attribute, error) {
	obj, err := f.rootObject()
	if err != nil {
		return nil, fmt.Errorf("hdf5: %w", err)
	}
	as, err := f.attributes(obj.header)
	if err != nil {
		return nil, fmt.Errorf("hdf5: root group attributes: %w", err)
	}
	a, err := findAttr(as, name)
	if err != nil {
		return nil, fmt.Errorf("hdf5: root group: %w", err)
	}
	return a, nil
}

// Attrs returns all attributes of the object (group or dataset) at path.
func (f *File) Attrs(path string) ([]*Attribute, error) {
	obj, err := f.lookup(path)
	if err != nil {
		return nil, fmt.Errorf("hdf5: %w", err)
	}
	as, err := f.attributes(obj.header)
	if err != nil {
		return nil, fmt.Errorf("hdf5: %q attributes: %w", path, err)
	}
	return as, nil
}

// Strings returns the attribute's elements as strings. Fixed-length
// strings lose their NUL or space padding; variable-length strings are read
// from the global heap.
func (a *Attribute) Strings() ([]string, error) {
	n := len(a.data) / a.Type.Size
	out := make([]string, 0, n)
	switch {
	case a.Type.Class == ClassString:
		for i := 0; i < n; i++ {
			s := a.data[i*a.Type.Size : (i+1)*a.Type.Size]
			if j := bytes.IndexByte(s, 0); j >= 0 {
				s = s[:j]
			}
			out = append(out, strings.TrimRight(string(s), " "))
		}
	case a.Type.VarString:
		cache := map[uint64][]byte{}
		for i := 0; i < n; i++ {
			d := decoder{b: a.data[i*a.Type.Size : (i+1)*a.Type.Size], f: a.f}
			length := d.u32()
			coll := d.offset()
			idx := d.u32()
			if d.err != nil {
				return nil, fmt.Errorf("attribute %q: variable-length string reference: %w", a.Name, d.err)
			}
			if length == 0 {
				out = append(out, "")
				continue
			}
			s, err := a.f.globalHeapObject(coll, idx, cache)
			if err != nil {
				return nil, fmt.Errorf("attribute %q: %w", a.Name, err)
			}
			if uint64(length) < uint64(len(s)) {
				s = s[:length]
			}
			if j := bytes.IndexByte(s, 0); j >= 0 {
				s = s[:j]
			}
			out = append(out, string(s))
		}
	default:
		return nil, fmt.Errorf("attribute %q is %s, not a string", a.Name, a.Type)
	}
	return out, nil
}

// String returns a scalar (or one-element) string attribute.
func (a *Attribute) String() (string, error) {
	ss, err := a.Strings()
	if err != nil {
		return "", err
	}
	if len(ss) != 1 {
		return "", fmt.Errorf("attribute %q holds %d strings, want 1", a.Name, len(ss))
	}
	return ss[0], nil
}

// Float64s returns a numeric attribute's elements as float64.
func (a *Attribute) Float64s() ([]float64, error) {
	if !a.Type.numeric() {
		return nil, fmt.Errorf("attribute %q is %s, not numeric", a.Name, a.Type)
	}
	n := len(a.data) / a.Type.Size
	out := make([]float64, n)
	for i := range out {
		out[i] = numberAt(a.Type, a.data[i*a.Type.Size:])
	}
	return out, nil
}

// Int returns a scalar integer attribute.
func (a *Attribute) Int() (int64, error) {
	if a.Type.Class != ClassInteger || !a.Type.numeric() {
		return 0, fmt.Errorf("attribute %q is %s, not an integer", a.Name, a.Type)
	}
	if len(a.data) != a.Type.Size {
		return 0, fmt.Errorf("attribute %q holds %d values, want 1", a.Name, len(a.data)/a.Type.Size)
	}
	return intAt(a.Type, a.data), nil
}

func order(t Datatype) binary.ByteOrder {
	if t.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// intAt decodes one integer of type t from the start of b.
func intAt(t Datatype, b []byte) int64 {
	o := order(t)
	switch t.Size {
	case 1:
		if t.Signed {
			return int64(int8(b[0]))
		}
		return int64(b[0])
	case 2:
		if t.Signed {
			return int64(int16(o.Uint16(b)))
		}
		return int64(o.Uint16(b))
	case 4:
		if t.Signed {
			return int64(int32(o.Uint32(b)))
		}
		return int64(o.Uint32(b))
	}
	v := o.Uint64(b)
	if !t.Signed && v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

// numberAt decodes one number of numeric type t from the start of b.
func numberAt(t Datatype, b []byte) float64 {
	if t.Class == ClassFloat {
		if t.Size == 4 {
			return float64(math.Float32frombits(order(t).Uint32(b)))
		}
		return math.Float64frombits(order(t).Uint64(b))
	}
	if !t.Signed && t.Size == 8 {
		return float64(order(t).Uint64(b))
	}
	return float64(intAt(t, b))
}

// globalHeapObject returns object idx of the global heap collection at
// address coll, caching parsed collections in cache.
func (f *File) globalHeapObject(coll uint64, idx uint32, cache map[uint64][]byte) ([]byte, error) {
	b, ok := cache[coll]
	if !ok {
		hdr, abs, err := f.signedAt(coll, 8+f.lenSize, "GCOL", "global heap collection")
		if err != nil {
			return nil, err
		}
		d := decoder{b: hdr[8:], f: f}
		size := d.length()
		if size < uint64(len(hdr)) || size > uint64(f.size) {
			return nil, fmt.Errorf("global heap collection at %d: invalid size %d", abs, size)
		}
		if b, err = f.readAt(abs, int(size), "global heap collection"); err != nil {
			return nil, err
		}
		cache[coll] = b
	}
	d := decoder{b: b[8+f.lenSize:], f: f}
	for len(d.b) >= 8+f.lenSize {
		i := d.u16()
		d.u16() // reference count
		d.skip(4)
		size := d.length()
		if i == 0 {
			break // free space fills the rest
		}
		if size > uint64(len(d.b)) {
			return nil, fmt.Errorf("global heap object %d: %d bytes overrun the collection", i, size)
		}
		if uint32(i) == idx {
			return d.b[:size], nil
		}
		d.skip(min(pad8(int(size)), len(d.b)))
	}
	return nil, fmt.Errorf("global heap object %d not found in collection at %d", idx, coll)
}
