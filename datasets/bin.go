package datasets

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/annbench/annbench/datasets/vector"
)

// The big-ann-benchmarks formats (fbin, ibin, u8bin, i8bin) start with an
// 8-byte header, little-endian int32 row count n and int32 dimension d,
// followed by n·d values: float32, int32, uint8 or int8.

// binLayout checks the header of a big-ann file held in b against its size
// and returns the number of rows to use (at most maxRows when maxRows > 0)
// and the dimension.
func binLayout(b []byte, elemSize, maxRows int) (rows, dim int, err error) {
	if len(b) < 8 {
		return 0, 0, errorf("%d bytes is too short for the 8-byte header (row count, dimension)", len(b))
	}
	n := int64(int32(binary.LittleEndian.Uint32(b)))
	d := int64(int32(binary.LittleEndian.Uint32(b[4:])))
	if n < 0 {
		return 0, 0, errorf("header row count %d is negative", n)
	}
	if err := checkDim(d); err != nil {
		return 0, 0, errorf("header: %v", err)
	}
	want := 8 + n*d*int64(elemSize)
	if size := int64(len(b)); want != size {
		return 0, 0, errorf("header says %d rows of dimension %d (%d bytes with the header) but the file has %d bytes",
			n, d, want, size)
	}
	if maxRows > 0 && int64(maxRows) < n {
		n = int64(maxRows)
	}
	return int(n), int(d), nil
}

// ParseFbin decodes an fbin file held in b, at most maxRows rows when
// maxRows > 0. On little-endian machines the result views b without copying.
func ParseFbin(b []byte, maxRows int) (vector.Matrix, error) {
	n, d, err := binLayout(b, 4, maxRows)
	if err != nil {
		return vector.Matrix{}, err
	}
	body := b[8 : 8+n*d*4]
	if v, ok := float32View(body); ok {
		return vector.Matrix{Data: v, Rows: n, Dim: d, Stride: d}, nil
	}
	m := vector.NewMatrix(n, d)
	decodeFloat32s(m.Data, body)
	return m, nil
}

// ParseIbin decodes an ibin file (int32 values, e.g. big-ann ground truth
// ids) held in b, at most maxRows rows when maxRows > 0, viewing b when it
// can.
func ParseIbin(b []byte, maxRows int) (vector.IDMatrix, error) {
	n, d, err := binLayout(b, 4, maxRows)
	if err != nil {
		return vector.IDMatrix{}, err
	}
	body := b[8 : 8+n*d*4]
	if v, ok := int32View(body); ok {
		return vector.IDMatrix{Data: v, Rows: n, Dim: d, Stride: d}, nil
	}
	m := vector.IDMatrix{Data: make([]int32, n*d), Rows: n, Dim: d, Stride: d}
	decodeInt32s(m.Data, body)
	return m, nil
}

// ParseU8bin decodes a u8bin file (uint8 values) held in b, at most maxRows
// rows when maxRows > 0, into a new float32 matrix.
func ParseU8bin(b []byte, maxRows int) (vector.Matrix, error) {
	n, d, err := binLayout(b, 1, maxRows)
	if err != nil {
		return vector.Matrix{}, err
	}
	m := vector.NewMatrix(n, d)
	for i, v := range b[8 : 8+n*d] {
		m.Data[i] = float32(v)
	}
	return m, nil
}

// ParseI8bin decodes an i8bin file (int8 values) held in b, at most maxRows
// rows when maxRows > 0, into a new float32 matrix.
func ParseI8bin(b []byte, maxRows int) (vector.Matrix, error) {
	n, d, err := binLayout(b, 1, maxRows)
	if err != nil {
		return vector.Matrix{}, err
	}
	m := vector.NewMatrix(n, d)
	for i, v := range b[8 : 8+n*d] {
		m.Data[i] = float32(int8(v))
	}
	return m, nil
}

// ReadFbin reads an fbin file, at most maxRows rows when maxRows > 0. Large
// files are memory-mapped and the Matrix views the mapping; the returned
// Closer releases it.
func ReadFbin(path string, maxRows int) (vector.Matrix, io.Closer, error) {
	fb, _, err := loadFile(path, -1)
	if err != nil {
		return vector.Matrix{}, nil, fmt.Errorf("read fbin: %w", err)
	}
	m, err := ParseFbin(fb.data, maxRows)
	if err != nil {
		fb.Close()
		return vector.Matrix{}, nil, fmt.Errorf("read fbin %s: %w", path, err)
	}
	return m, fb, nil
}

// ReadIbin reads an ibin file like ReadFbin.
func ReadIbin(path string, maxRows int) (vector.IDMatrix, io.Closer, error) {
	fb, _, err := loadFile(path, -1)
	if err != nil {
		return vector.IDMatrix{}, nil, fmt.Errorf("read ibin: %w", err)
	}
	m, err := ParseIbin(fb.data, maxRows)
	if err != nil {
		fb.Close()
		return vector.IDMatrix{}, nil, fmt.Errorf("read ibin %s: %w", path, err)
	}
	return m, fb, nil
}

// ReadU8bin reads a u8bin file, at most maxRows rows when maxRows > 0,
// converting the values to float32 once.
func ReadU8bin(path string, maxRows int) (vector.Matrix, error) {
	return readByteBin(path, maxRows, "u8bin", ParseU8bin)
}

// ReadI8bin reads an i8bin file, at most maxRows rows when maxRows > 0,
// converting the values to float32 once.
func ReadI8bin(path string, maxRows int) (vector.Matrix, error) {
	return readByteBin(path, maxRows, "i8bin", ParseI8bin)
}

func readByteBin(path string, maxRows int, kind string, parse func([]byte, int) (vector.Matrix, error)) (vector.Matrix, error) {
	fb, _, err := loadFile(path, -1)
	if err != nil {
		return vector.Matrix{}, fmt.Errorf("read %s: %w", kind, err)
	}
	defer fb.Close()
	m, err := parse(fb.data, maxRows)
	if err != nil {
		return vector.Matrix{}, fmt.Errorf("read %s %s: %w", kind, path, err)
	}
	return m, nil
}
