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
	if err := m.Validate(); err != nil {
		return fmt.Errorf("encode fvecs: %w", err)
	}
	if m.Rows > 0 && m.Dim == 0 {
		return fmt.Errorf("encode fvecs: %d rows of dimension 0 cannot be stored", m.Rows)
	}
	buf := make([]byte, 4+4*m.Dim)
	binary.LittleEndian.PutUint32(buf, uint32(m.Dim))
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			binary.LittleEndian.PutUint32(buf[4+4*j:], math.Float32bits(v))
		}
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("encode fvecs: %w", err)
		}
	}
	return nil
}

// EncodeIvecs writes m to w in ivecs format (one record per row).
func EncodeIvecs(w io.Writer, m vector.IDMatrix) error {
	if err := validateIDs(m); err != nil {
		return fmt.Errorf("encode ivecs: %w", err)
	}
	if m.Rows > 0 && m.Dim == 0 {
		return fmt.Errorf("encode ivecs: %d rows of dimension 0 cannot be stored", m.Rows)
	}
	buf := make([]byte, 4+4*m.Dim)
	binary.LittleEndian.PutUint32(buf, uint32(m.Dim))
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			binary.LittleEndian.PutUint32(buf[4+4*j:], uint32(v))
		}
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("encode ivecs: %w", err)
		}
	}
	return nil
}

// EncodeFbin writes m to w in fbin format (header, then the rows).
func EncodeFbin(w io.Writer, m vector.Matrix) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("encode fbin: %w", err)
	}
	if err := binHeader(w, m.Rows, m.Dim); err != nil {
		return fmt.Errorf("encode fbin: %w", err)
	}
	buf := make([]byte, 4*m.Dim)
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(v))
		}
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("encode fbin: %w", err)
		}
	}
	return nil
}

// EncodeIbin writes m to w in ibin format (header, then the rows).
func EncodeIbin(w io.Writer, m vector.IDMatrix) error {
	if err := validateIDs(m); err != nil {
		return fmt.Errorf("encode ibin: %w", err)
	}
	if err := binHeader(w, m.Rows, m.Dim); err != nil {
		return fmt.Errorf("encode ibin: %w", err)
	}
	buf := make([]byte, 4*m.Dim)
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			binary.LittleEndian.PutUint32(buf[4*j:], uint32(v))
		}
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("encode ibin: %w", err)
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

func validateIDs(m vector.IDMatrix) error {
	if m.Rows < 0 || m.Dim < 0 || m.Stride < m.Dim {
		return fmt.Errorf("invalid id matrix shape rows=%d dim=%d stride=%d", m.Rows, m.Dim, m.Stride)
	}
	if m.Rows > 0 && len(m.Data) < (m.Rows-1)*m.Stride+m.Dim {
		return fmt.Errorf("id matrix data holds %d elements, shape rows=%d dim=%d stride=%d needs %d",
			len(m.Data), m.Rows, m.Dim, m.Stride, (m.Rows-1)*m.Stride+m.Dim)
	}
	return nil
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
