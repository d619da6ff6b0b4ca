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
// returns the number of records to use (at most maxRows when maxRows > 0)
// and the dimension. An empty input is zero records of dimension 0.
func vecsLayout(b []byte, elemSize, maxRows int) (rows, dim int, err error) {
	if len(b) == 0 {
		return 0, 0, nil
	}
	if len(b) < 4 {
		return 0, 0, errorf("%d bytes is too short for a record header of 4 bytes", len(b))
	}
	d := int64(int32(binary.LittleEndian.Uint32(b)))
	if err := checkDim(d); err != nil {
		return 0, 0, errorf("record 0: %v", err)
	}
	rec := 4 + d*int64(elemSize)
	size := int64(len(b))
	if size%rec != 0 {
		return 0, 0, errorf("size %d bytes is not a whole number of %d-byte records of dimension %d (%d records and %d bytes left over; truncated file or dimension changing between records?)",
			size, rec, d, size/rec, size%rec)
	}
	n := size / rec
	if maxRows > 0 && int64(maxRows) < n {
		n = int64(maxRows)
	}
	for i := int64(1); i < n; i++ {
		if got := int64(int32(binary.LittleEndian.Uint32(b[i*rec:]))); got != d {
			return 0, 0, errorf("record %d: dimension %d differs from dimension %d of record 0", i, got, d)
		}
	}
	return int(n), int(d), nil
}

// ParseFvecs decodes fvecs records held in b, at most maxRows of them when
// maxRows > 0. On little-endian machines the result is a zero-copy view of b
// (Stride d+1, skipping the record headers), so b must outlive it and stay
// unchanged.
func ParseFvecs(b []byte, maxRows int) (vector.Matrix, error) {
	n, d, err := vecsLayout(b, 4, maxRows)
	if err != nil {
		return vector.Matrix{}, err
	}
	data, stride := vecsWords(b, n, d, decodeFloat32s)
	return vector.Matrix{Data: data, Rows: n, Dim: d, Stride: stride}, nil
}

// ParseIvecs decodes ivecs records held in b, at most maxRows of them when
// maxRows > 0. Like ParseFvecs it returns a view of b when it can.
func ParseIvecs(b []byte, maxRows int) (vector.IDMatrix, error) {
	n, d, err := vecsLayout(b, 4, maxRows)
	if err != nil {
		return vector.IDMatrix{}, err
	}
	data, stride := vecsWords(b, n, d, decodeInt32s)
	return vector.IDMatrix{Data: data, Rows: n, Dim: d, Stride: stride}, nil
}

// vecsWords returns the values of the first n records of dimension d of a
// TEXMEX file of 4-byte values held in b, and the stride between rows:
// a view of b (stride d+1, skipping the record headers) when it can be,
// else a contiguous copy made with decode.
func vecsWords[T float32 | int32](b []byte, n, d int, decode func([]T, []byte)) (data []T, stride int) {
	if n == 0 {
		return nil, d
	}
	used := b[:n*(d+1)*4]
	if v, ok := view[T](used); ok {
		return v[1:], d + 1
	}
	data = make([]T, n*d)
	for i := 0; i < n; i++ {
		decode(data[i*d:i*d+d], used[(i*(d+1)+1)*4:])
	}
	return data, d
}

// ParseBvecs decodes bvecs records (uint8 components) held in b, at most
// maxRows of them when maxRows > 0, into a new contiguous float32 matrix.
func ParseBvecs(b []byte, maxRows int) (vector.Matrix, error) {
	n, d, err := vecsLayout(b, 1, maxRows)
	if err != nil {
		return vector.Matrix{}, err
	}
	m := vector.NewMatrix(n, d)
	for i := 0; i < n; i++ {
		src := b[i*(d+4)+4 : (i+1)*(d+4)]
		row := m.Row(i)
		for j, v := range src {
			row[j] = float32(v)
		}
	}
	return m, nil
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
