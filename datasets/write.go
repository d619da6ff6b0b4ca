package datasets

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/datasets/atomicfile"
	"github.com/annbench/annbench/datasets/vector"
)

// EncodeFvecs writes m to w in fvecs format (one record per row).
func EncodeFvecs(w io.Writer, m vector.Matrix) error {
	return encodeVecs(w, "fvecs", m, m.Rows, m.Dim, math.Float32bits)
}

// EncodeIvecs writes m to w in ivecs format (one record per row).
func EncodeIvecs(w io.Writer, m vector.IDMatrix) error {
	return encodeVecs(w, "ivecs", m, m.Rows, m.Dim, func(v int32) uint32 { return uint32(v) })
}

// EncodeFbin writes m to w in fbin format (header, then the rows).
func EncodeFbin(w io.Writer, m vector.Matrix) error {
	return encodeBin(w, "fbin", m, m.Rows, m.Dim, math.Float32bits)
}

// EncodeIbin writes m to w in ibin format (header, then the rows).
func EncodeIbin(w io.Writer, m vector.IDMatrix) error {
	return encodeBin(w, "ibin", m, m.Rows, m.Dim, func(v int32) uint32 { return uint32(v) })
}

// rowSource is what the encoders read of a Matrix or an IDMatrix of rows
// rows and dim dim.
type rowSource[T any] interface {
	Validate() error
	Row(i int) []T
}

// encodeVecs writes the rows×dim 32-bit values of m as TEXMEX records (the
// dimension, then the row); format names the format in errors.
func encodeVecs[T any](w io.Writer, format string, m rowSource[T], rows, dim int, word func(T) uint32) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("encode %s: %w", format, err)
	}
	if rows > 0 && dim == 0 {
		return fmt.Errorf("encode %s: %d rows of dimension 0 cannot be stored", format, rows)
	}
	if err := writeRows(w, rows, dim, true, m.Row, word); err != nil {
		return fmt.Errorf("encode %s: %w", format, err)
	}
	return nil
}

// encodeBin writes the rows×dim 32-bit values of m as a big-ann-benchmarks
// file (the shape, then the rows); format names the format in errors.
func encodeBin[T any](w io.Writer, format string, m rowSource[T], rows, dim int, word func(T) uint32) error {
	err := m.Validate()
	if err == nil {
		err = binHeader(w, rows, dim)
	}
	if err == nil {
		err = writeRows(w, rows, dim, false, m.Row, word)
	}
	if err != nil {
		return fmt.Errorf("encode %s: %w", format, err)
	}
	return nil
}

// writeRows writes each row's values as little-endian 32-bit words, each
// row preceded by the dimension when withDim is set.
func writeRows[T any](w io.Writer, rows, dim int, withDim bool, row func(int) []T, word func(T) uint32) error {
	head := 0
	if withDim {
		head = 4
	}
	buf := make([]byte, head+4*dim)
	if withDim {
		binary.LittleEndian.PutUint32(buf, uint32(dim))
	}
	for i := 0; i < rows; i++ {
		for j, v := range row(i) {
			binary.LittleEndian.PutUint32(buf[head+4*j:], word(v))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

func binHeader(w io.Writer, rows, dim int) error {
	if dim <= 0 || dim > MaxDim || rows > math.MaxInt32 {
		return fmt.Errorf("shape %d×%d cannot be stored (dimension must be in 1..%d, rows at most %d)", rows, dim, MaxDim, math.MaxInt32)
	}
	var h [8]byte
	binary.LittleEndian.PutUint32(h[:], uint32(rows))
	binary.LittleEndian.PutUint32(h[4:], uint32(dim))
	_, err := w.Write(h[:])
	return err
}

// WriteFvecs writes m to path in fvecs format atomically: the data goes to a
// temporary file in the same directory, is synced, and is renamed over path,
// so readers never see a partial file.
func WriteFvecs(path string, m vector.Matrix) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return EncodeFvecs(w, m) })
}

// WriteIvecs writes m to path in ivecs format atomically (see WriteFvecs).
func WriteIvecs(path string, m vector.IDMatrix) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return EncodeIvecs(w, m) })
}

// WriteFbin writes m to path in fbin format atomically (see WriteFvecs).
func WriteFbin(path string, m vector.Matrix) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return EncodeFbin(w, m) })
}

// WriteIbin writes m to path in ibin format atomically (see WriteFvecs).
func WriteIbin(path string, m vector.IDMatrix) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return EncodeIbin(w, m) })
}
