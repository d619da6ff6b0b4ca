package datasets

import (
	"encoding/binary"
	"math"
	"unsafe"
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
