//go:build !amd64 || purego

package distance

import "unsafe"

// PrefetchLines does nothing where there is no prefetch instruction
// kernel (see the amd64 version).
func PrefetchLines(p unsafe.Pointer, lines int) {}
