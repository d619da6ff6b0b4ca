package datasets

import (
	"encoding/binary"
	"io"

	"github.com/annbench/annbench/datasets/vector"
)

// The TEXMEX formats (fvecs, ivecs, bvecs) store each vector as a record: a
// little-endian int32 dimension d followed by d values of 4 bytes (float32 for
// fvecs, int32 for ivecs) or 1 byte (uint8 for bvecs). Every record of a file
// must have the same d.

// vecsLayout checks the record structure of a TEXMEX file held in b and
// returns where the records to use (at most maxRows when maxRows > 0) lie:
// the values of record i start after its 4-byte header. An empty input is
// zero records of dimension 0.
func vecsLayout(b []byte, elemSize, maxRows int) (layout, error) {
	if len(b) == 0 {
		return layout{}, nil
	}
	if len(b) < 4 {
		return layout{}, errorf("%d bytes is too short for a record header of 4 bytes", len(b))
	}
	d := int64(int32(binary.LittleEndian.Uint32(b)))
	if err := checkDim(d); err != nil {
		return layout{}, errorf("record 0: %v", err)
	}
	rec := 4 + d*int64(elemSize)
	size := int64(len(b))
	if size%rec != 0 {
		return layout{}, errorf("size %d bytes is not a whole number of %d-byte records of dimension %d (%d records and %d bytes left over; truncated file or dimension changing between records?)",
			size, rec, d, size/rec, size%rec)
	}
	n := size / rec
	if maxRows > 0 && int64(maxRows) < n {
		n = int64(maxRows)
	}
	for i := int64(1); i < n; i++ {
		if got := int64(int32(binary.LittleEndian.Uint32(b[i*rec:]))); got != d {
			return layout{}, errorf("record %d: dimension %d differs from dimension %d of record 0", i, got, d)
		}
	}
	return layout{rows: int(n), dim: int(d), off: 4, stride: int(rec) / elemSize}, nil
}

// ParseFvecs decodes fvecs records held in b, at most maxRows of them when
// maxRows > 0. On little-endian machines the result is a zero-copy view of b
// (Stride d+1, skipping the record headers), so b must outlive it and stay
// unchanged.
func ParseFvecs(b []byte, maxRows int) (vector.Matrix, error) {
	data, l, err := parseWords(b, maxRows, vecsLayout, decodeFloat32s)
	return vector.Matrix{Data: data, Rows: l.rows, Dim: l.dim, Stride: l.stride}, err
}

// ParseIvecs decodes ivecs records held in b, at most maxRows of them when
// maxRows > 0. Like ParseFvecs it returns a view of b when it can.
func ParseIvecs(b []byte, maxRows int) (vector.IDMatrix, error) {
	data, l, err := parseWords(b, maxRows, vecsLayout, decodeInt32s)
	return vector.IDMatrix{Data: data, Rows: l.rows, Dim: l.dim, Stride: l.stride}, err
}

// ParseBvecs decodes bvecs records (uint8 components) held in b, at most
// maxRows of them when maxRows > 0, into a new contiguous float32 matrix.
func ParseBvecs(b []byte, maxRows int) (vector.Matrix, error) {
	return parseBytes[uint8](b, maxRows, vecsLayout)
}

// ReadFvecs reads an fvecs file, at most maxRows records when maxRows > 0.
// Large files are memory-mapped and the Matrix views the mapping; the
// returned Closer releases it (and is harmless to call for small files).
func ReadFvecs(path string, maxRows int) (vector.Matrix, io.Closer, error) {
	return readMapped(path, maxRows, "fvecs", ParseFvecs)
}

// ReadIvecs reads an ivecs file like ReadFvecs.
func ReadIvecs(path string, maxRows int) (vector.IDMatrix, io.Closer, error) {
	return readMapped(path, maxRows, "ivecs", ParseIvecs)
}

// ReadBvecs reads a bvecs file, at most maxRows records when maxRows > 0,
// converting the components to float32 once.
func ReadBvecs(path string, maxRows int) (vector.Matrix, error) {
	return readConverted(path, maxRows, "bvecs", ParseBvecs)
}
