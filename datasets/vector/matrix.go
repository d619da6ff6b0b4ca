package vector

import "fmt"

// Matrix is a row-major set of float32 vectors. Row i occupies
// Data[i*Stride : i*Stride+Dim]; Stride is at least Dim and lets a Matrix
// view a memory-mapped file whose rows carry headers (fvecs) without copying.
type Matrix struct {
	// Data holds the elements. It may be a read-only memory-mapped region.
	Data []float32
	// Rows is the number of vectors.
	Rows int
	// Dim is the number of elements per vector.
	Dim int
	// Stride is the distance in elements between the starts of two rows.
	Stride int
}

// NewMatrix returns a zeroed, contiguous rows×dim matrix.
func NewMatrix(rows, dim int) Matrix {
	return Matrix{Data: make([]float32, rows*dim), Rows: rows, Dim: dim, Stride: dim}
}

// Row returns vector i. The slice aliases the matrix storage and has
// capacity Dim, so appending to it never overwrites the next row.
func (m Matrix) Row(i int) []float32 {
	off := i * m.Stride
	return m.Data[off : off+m.Dim : off+m.Dim]
}

// Contiguous reports whether rows are packed with no gap between them.
func (m Matrix) Contiguous() bool { return m.Stride == m.Dim }

// Slice returns the view of rows [from, to).
func (m Matrix) Slice(from, to int) Matrix {
	if from == to {
		return Matrix{Rows: 0, Dim: m.Dim, Stride: m.Stride}
	}
	end := (to-1)*m.Stride + m.Dim
	return Matrix{Data: m.Data[from*m.Stride : end], Rows: to - from, Dim: m.Dim, Stride: m.Stride}
}

// Compact returns a contiguous copy of m, or m itself when it is already
// contiguous and owned (copy is false).
func (m Matrix) Compact(copyAlways bool) Matrix {
	if m.Contiguous() && !copyAlways {
		return m
	}
	out := NewMatrix(m.Rows, m.Dim)
	for i := 0; i < m.Rows; i++ {
		copy(out.Row(i), m.Row(i))
	}
	return out
}

// Validate checks that the shape fields agree with the length of Data.
func (m Matrix) Validate() error { return checkShape("matrix", len(m.Data), m.Rows, m.Dim, m.Stride) }

// Validate checks that the shape fields agree with the length of Data.
func (m IDMatrix) Validate() error {
	return checkShape("id matrix", len(m.Data), m.Rows, m.Dim, m.Stride)
}

// checkShape checks a row-major shape against the n elements that hold it;
// kind names the matrix in errors.
func checkShape(kind string, n, rows, dim, stride int) error {
	if rows < 0 || dim < 0 || stride < dim {
		return fmt.Errorf("invalid %s shape rows=%d dim=%d stride=%d", kind, rows, dim, stride)
	}
	if rows > 0 && n < (rows-1)*stride+dim {
		return fmt.Errorf("%s data holds %d elements, shape rows=%d dim=%d stride=%d needs %d",
			kind, n, rows, dim, stride, (rows-1)*stride+dim)
	}
	return nil
}

// IDMatrix is a row-major set of int32 rows, used for ground-truth neighbour
// lists. Row i occupies Data[i*Stride : i*Stride+Dim].
type IDMatrix struct {
	// Data holds the ids. It may be a read-only memory-mapped region.
	Data []int32
	// Rows is the number of lists.
	Rows int
	// Dim is the number of ids per list.
	Dim int
	// Stride is the distance in elements between the starts of two rows.
	Stride int
}

// Row returns list i, aliasing the storage.
func (m IDMatrix) Row(i int) []int32 {
	off := i * m.Stride
	return m.Data[off : off+m.Dim : off+m.Dim]
}

// CheckIDs reports the first id outside [0, n), by row and column: ground
// truth must name rows of a base of n vectors.
func (m IDMatrix) CheckIDs(n int) error {
	for i := 0; i < m.Rows; i++ {
		for j, id := range m.Row(i) {
			if id < 0 || int(id) >= n {
				return fmt.Errorf("row %d, column %d: id %d outside [0,%d)", i, j, id, n)
			}
		}
	}
	return nil
}
