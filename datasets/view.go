package datasets

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/annbench/annbench/datasets/vector"
)

// MaxDim is the largest vector dimension a reader accepts. Headers claiming
// more are treated as corrupt rather than trusted with an allocation.
const MaxDim = 1 << 20

// hostLittleEndian reports whether the machine stores integers little-endian,
// which is what lets float32 and int32 files be used in place.
var hostLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// view returns b reinterpreted as float32 or int32 values without copying,
// or ok == false when that is impossible (big-endian host or misaligned b).
// len(b) must be a multiple of 4.
func view[T float32 | int32](b []byte) (v []T, ok bool) {
	if len(b) == 0 {
		return []T{}, true
	}
	if !hostLittleEndian || uintptr(unsafe.Pointer(&b[0]))%4 != 0 {
		return nil, false
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/4), true
}

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

// decodeFloat32s copies little-endian float32 values from b into dst.
func decodeFloat32s(dst []float32, b []byte) {
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

// decodeInt32s copies little-endian int32 values from b into dst.
func decodeInt32s(dst []int32, b []byte) {
	for i := range dst {
		dst[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

// checkDim reports a dimension that no real file has.
func checkDim(d int64) error {
	if d <= 0 {
		return errorf("dimension %d is not positive", d)
	}
	if d > MaxDim {
		return errorf("dimension %d exceeds the limit of %d (corrupt header?)", d, MaxDim)
	}
	return nil
}

// sharesMemory reports whether v lies inside b (a view made by view).
func sharesMemory(v []float32, b []byte) bool {
	if len(v) == 0 || len(b) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(v)))
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return p >= start && p < start+uintptr(len(b))
}
