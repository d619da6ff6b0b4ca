package datasets

import (
	"encoding/binary"
	"io"

	"github.com/annbench/annbench/datasets/vector"
)

// The big-ann-benchmarks formats (fbin, ibin, u8bin, i8bin) start with an
// 8-byte header, little-endian int32 row count n and int32 dimension d,
// followed by n·d values: float32, int32, uint8 or int8.

// binLayout checks the header of a big-ann file held in b against its size
// and returns where the rows to use (at most maxRows when maxRows > 0)
// lie: one after the other, after the header.
func binLayout(b []byte, elemSize, maxRows int) (layout, error) {
	if len(b) < 8 {
		return layout{}, errorf("%d bytes is too short for the 8-byte header (row count, dimension)", len(b))
	}
	n := int64(int32(binary.LittleEndian.Uint32(b)))
	d := int64(int32(binary.LittleEndian.Uint32(b[4:])))
	if n < 0 {
		return layout{}, errorf("header row count %d is negative", n)
	}
	if err := checkDim(d); err != nil {
		return layout{}, errorf("header: %v", err)
	}
	want := 8 + n*d*int64(elemSize)
	if size := int64(len(b)); want != size {
		return layout{}, errorf("header says %d rows of dimension %d (%d bytes with the header) but the file has %d bytes",
			n, d, want, size)
	}
	if maxRows > 0 && int64(maxRows) < n {
		n = int64(maxRows)
	}
	return layout{rows: int(n), dim: int(d), off: 8, stride: int(d)}, nil
}

// ParseFbin decodes an fbin file held in b, at most maxRows rows when
// maxRows > 0. On little-endian machines the result views b without copying.
func ParseFbin(b []byte, maxRows int) (vector.Matrix, error) {
	data, l, err := parseWords(b, maxRows, binLayout, decodeFloat32s)
	return vector.Matrix{Data: data, Rows: l.rows, Dim: l.dim, Stride: l.stride}, err
}

// ParseIbin decodes an ibin file (int32 values, e.g. big-ann ground truth
// ids) held in b, at most maxRows rows when maxRows > 0, viewing b when it
// can.
func ParseIbin(b []byte, maxRows int) (vector.IDMatrix, error) {
	data, l, err := parseWords(b, maxRows, binLayout, decodeInt32s)
	return vector.IDMatrix{Data: data, Rows: l.rows, Dim: l.dim, Stride: l.stride}, err
}

// ParseU8bin decodes a u8bin file (uint8 values) held in b, at most maxRows
// rows when maxRows > 0, into a new float32 matrix.
func ParseU8bin(b []byte, maxRows int) (vector.Matrix, error) {
	return parseBytes[uint8](b, maxRows, binLayout)
}

// ParseI8bin decodes an i8bin file (int8 values) held in b, at most maxRows
// rows when maxRows > 0, into a new float32 matrix.
func ParseI8bin(b []byte, maxRows int) (vector.Matrix, error) {
	return parseBytes[int8](b, maxRows, binLayout)
}

// ReadFbin reads an fbin file, at most maxRows rows when maxRows > 0. Large
// files are memory-mapped and the Matrix views the mapping; the returned
// Closer releases it.
func ReadFbin(path string, maxRows int) (vector.Matrix, io.Closer, error) {
	return readMapped(path, maxRows, "fbin", ParseFbin)
}

// ReadIbin reads an ibin file like ReadFbin.
func ReadIbin(path string, maxRows int) (vector.IDMatrix, io.Closer, error) {
	return readMapped(path, maxRows, "ibin", ParseIbin)
}

// ReadU8bin reads a u8bin file, at most maxRows rows when maxRows > 0,
// converting the values to float32 once.
func ReadU8bin(path string, maxRows int) (vector.Matrix, error) {
	return readConverted(path, maxRows, "u8bin", ParseU8bin)
}

// ReadI8bin reads an i8bin file, at most maxRows rows when maxRows > 0,
// converting the values to float32 once.
func ReadI8bin(path string, maxRows int) (vector.Matrix, error) {
	return readConverted(path, maxRows, "i8bin", ParseI8bin)
}
