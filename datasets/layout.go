package datasets

import "github.com/annbench/annbench/datasets/vector"

// layout says where the values of a vector file held in memory lie: rows
// of dim values, the first starting at byte off, row i stride values after
// row i-1 (values and any per-row header between them). vecsLayout and
// binLayout find it for the two families of files, which parseWords and
// parseBytes then read alike.
type layout struct{ rows, dim, off, stride int }

// parseWords decodes a file of 4-byte values held in b, at most maxRows
// rows when maxRows > 0, whose layout find checks. The values are a view
// of b (stride as in the file) when they can be, else a contiguous copy
// made with decode; the returned layout's stride is the one of the
// values. On error it returns nil and the zero layout.
func parseWords[T float32 | int32](b []byte, maxRows int, find func(b []byte, elemSize, maxRows int) (layout, error),
	decode func([]T, []byte)) ([]T, layout, error) {
	l, err := find(b, 4, maxRows)
	if err != nil || l.rows == 0 {
		return nil, layout{dim: l.dim, stride: l.dim}, err
	}
	used := b[l.off : l.off+((l.rows-1)*l.stride+l.dim)*4]
	if v, ok := view[T](used); ok {
		return v, l, nil
	}
	data := make([]T, l.rows*l.dim)
	for i := 0; i < l.rows; i++ {
		decode(data[i*l.dim:(i+1)*l.dim], used[i*l.stride*4:])
	}
	l.stride = l.dim
	return data, l, nil
}

// parseBytes decodes a file of byte values, read as T, held in b, at most
// maxRows rows when maxRows > 0, whose layout find checks, into a new
// contiguous float32 matrix.
func parseBytes[T uint8 | int8](b []byte, maxRows int, find func(b []byte, elemSize, maxRows int) (layout, error)) (vector.Matrix, error) {
	l, err := find(b, 1, maxRows)
	if err != nil {
		return vector.Matrix{}, err
	}
	m := vector.NewMatrix(l.rows, l.dim)
	for i := 0; i < l.rows; i++ {
		row := m.Row(i)
		for j, v := range b[l.off+i*l.stride:][:l.dim] {
			row[j] = float32(T(v))
		}
	}
	return m, nil
}
