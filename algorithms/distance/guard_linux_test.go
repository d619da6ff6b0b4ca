//go:build linux

package distance

import (
	"syscall"
	"testing"
	"unsafe"
)

// guarded returns a slice of n elements that ends exactly where an
// inaccessible page begins, so a kernel that reads one element too far
// faults instead of passing by luck.
func guarded[T float32 | uint8](t *testing.T, n int) []T {
	t.Helper()
	page := syscall.Getpagesize()
	size := int(unsafe.Sizeof(T(0)))
	body := (n*size + page - 1) / page * page
	mem, err := syscall.Mmap(-1, 0, body+page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[body:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	all := unsafe.Slice((*T)(unsafe.Pointer(&mem[0])), body/size)
	s := all[len(all)-n:]
	for i := range s {
		s[i] = T(i % 7)
	}
	return s
}

// TestNoReadPastEnd runs every kernel on slices that end at a guard page.
func TestNoReadPastEnd(t *testing.T) {
	for _, d := range []int{1, 3, 7, 8, 15, 16, 17, 31, 33, 63, 65, 100, 128, 130} {
		a, b := guarded[float32](t, d), guarded[float32](t, 5*d)
		qs := guarded[float32](t, 5*d)
		out := make([]float32, 25)
		for _, ks := range availableKernels() {
			ks.l2sq(a, b[:d])
			ks.dot(a, b[len(b)-d:])
			ks.l2sqBatch(a, b, out[:5])
			ks.dotBatch(a, b, out[:5])
			ks.l2sqBlock(qs, 5, b, 5, d, out)
			ks.dotBlock(qs, 5, b, 5, d, out)
			ids := []uint32{4, 0, 4, 2, 4}
			ks.l2sqGather(a, b, d, ids, out[:5], 5)
			ks.dotGather(a, b, d, ids[:4], out[:4], 5)
		}
		ab, bb := guarded[uint8](t, d), guarded[uint8](t, 5*d)
		qb := guarded[uint8](t, 5*d)
		iout := make([]uint32, 25)
		for _, ks := range uint8Sets() {
			ks.batch(ab, bb, iout[:5])
			ks.block(qb, 5, bb, 5, d, iout)
		}
		ub := guarded[float32](t, d) // reused as uint32 below: same size
		if FirstBelow(ub, -1) != d || FirstBelowUint32(unsafe.Slice((*uint32)(unsafe.Pointer(&ub[0])), d), 0) != d {
			t.Fatalf("threshold scan of %d elements found an element below the minimum", d)
		}
	}
}
