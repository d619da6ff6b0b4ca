package hdf5

import (
	"fmt"
	"strings"
)

// Class is an HDF5 datatype class.
type Class uint8

// The datatype classes this reader knows by name.
const (
	ClassInteger Class = 0
	ClassFloat   Class = 1
	ClassString  Class = 3
	ClassVarLen  Class = 9
)

// String returns the class name.
func (c Class) String() string {
	switch c {
	case ClassInteger:
		return "integer"
	case ClassFloat:
		return "float"
	case 2:
		return "time"
	case ClassString:
		return "string"
	case 4:
		return "bitfield"
	case 5:
		return "opaque"
	case 6:
		return "compound"
	case 7:
		return "reference"
	case 8:
		return "enum"
	case ClassVarLen:
		return "variable-length"
	case 10:
		return "array"
	}
	return fmt.Sprintf("class %d", uint8(c))
}

// Datatype describes the element type of a dataset or attribute.
type Datatype struct {
	// Class is the datatype class.
	Class Class
	// Size is the element size in bytes (for variable-length strings, the
	// size of the in-file reference).
	Size int
	// Signed reports a signed integer.
	Signed bool
	// BigEndian reports big-endian byte order for numbers.
	BigEndian bool
	// VarString reports a variable-length string (class ClassVarLen).
	VarString bool
}

// String describes the type, e.g. "float32", "int64" or "vlen string".
func (t Datatype) String() string {
	switch {
	case t.Class == ClassFloat:
		return fmt.Sprintf("float%d", t.Size*8)
	case t.Class == ClassInteger && t.Signed:
		return fmt.Sprintf("int%d", t.Size*8)
	case t.Class == ClassInteger:
		return fmt.Sprintf("uint%d", t.Size*8)
	case t.Class == ClassString:
		return fmt.Sprintf("string%d", t.Size)
	case t.VarString:
		return "vlen string"
	}
	return t.Class.String()
}

// numeric reports whether elements can be converted to numbers.
func (t Datatype) numeric() bool {
	switch t.Class {
	case ClassFloat:
		return t.Size == 4 || t.Size == 8
	case ClassInteger:
		return t.Size == 1 || t.Size == 2 || t.Size == 4 || t.Size == 8
	}
	return false
}

func parseDatatype(b []byte) (Datatype, int, error) {
	d := decoder{b: b}
	cv := d.u8()
	bf := d.need(3)
	size := d.u32()
	if d.err != nil {
		return Datatype{}, 0, fmt.Errorf("datatype message: %w", d.err)
	}
	t := Datatype{Class: Class(cv & 0x0f), Size: int(size)}
	if v := cv >> 4; v < 1 || v > 5 {
		return t, 0, fmt.Errorf("datatype message version %d not supported", v)
	}
	n := 8
	switch t.Class {
	case ClassInteger:
		t.BigEndian = bf[0]&1 != 0
		t.Signed = bf[0]&0x08 != 0
		n += 4
	case ClassFloat:
		t.BigEndian = bf[0]&1 != 0
		if bf[0]&0x40 != 0 {
			return t, 0, fmt.Errorf("VAX float byte order not supported")
		}
		n += 12
	case ClassString:
	case ClassVarLen:
		t.VarString = bf[0]&0x0f == 1
		base, bn, err := parseDatatype(b[min(n, len(b)):])
		if err != nil {
			return t, 0, fmt.Errorf("variable-length base type: %w", err)
		}
		_ = base
		n += bn
	}
	if n > len(b) {
		return t, 0, fmt.Errorf("datatype message: %s properties truncated", t.Class)
	}
	if t.Size <= 0 || t.Size > 1<<20 {
		return t, 0, fmt.Errorf("datatype: invalid element size %d", t.Size)
	}
	return t, n, nil
}

// Dataspace is the shape of a dataset or attribute.
type Dataspace struct {
	// Dims holds the current size of each dimension; empty for a scalar.
	Dims []uint64
	// MaxDims holds the maximum size of each dimension (equal to Dims
	// when the file records none; ^uint64(0) means unlimited).
	MaxDims []uint64
	// Null reports an empty (null) dataspace.
	Null bool
}

// Elements returns the number of elements, or an error if it overflows.
func (s Dataspace) Elements() (uint64, error) {
	if s.Null {
		return 0, nil
	}
	n := uint64(1)
	for _, d := range s.Dims {
		if d != 0 && n > (1<<62)/d {
			return 0, fmt.Errorf("dataspace %v too large", s.Dims)
		}
		n *= d
	}
	return n, nil
}

// String formats the shape as "300×12".
func (s Dataspace) String() string {
	if s.Null {
		return "null"
	}
	if len(s.Dims) == 0 {
		return "scalar"
	}
	parts := make([]string, len(s.Dims))
	for i, d := range s.Dims {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}

func (f *File) parseDataspace(b []byte) (Dataspace, int, error) {
	d := decoder{b: b, f: f}
	ver := d.u8()
	rank := int(d.u8())
	flags := d.u8()
	var s Dataspace
	switch ver {
	case 1:
		d.skip(5)
	case 2:
		switch d.u8() {
		case 0:
		case 1:
		case 2:
			s.Null = true
		default:
			return s, 0, fmt.Errorf("dataspace: unknown type")
		}
	default:
		if d.err == nil {
			return s, 0, fmt.Errorf("dataspace message version %d not supported", ver)
		}
	}
	if rank > 32 {
		return s, 0, fmt.Errorf("dataspace rank %d too large (max 32)", rank)
	}
	for i := 0; i < rank; i++ {
		s.Dims = append(s.Dims, d.length())
	}
	if flags&1 != 0 {
		for i := 0; i < rank; i++ {
			s.MaxDims = append(s.MaxDims, d.length())
		}
	} else {
		s.MaxDims = append([]uint64(nil), s.Dims...)
	}
	if ver == 1 && flags&2 != 0 {
		for i := 0; i < rank; i++ {
			d.length()
		}
	}
	if d.err != nil {
		return s, 0, fmt.Errorf("dataspace message: %w", d.err)
	}
	if _, err := s.Elements(); err != nil {
		return s, 0, err
	}
	return s, len(b) - len(d.b), nil
}
