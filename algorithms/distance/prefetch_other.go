//go:build !amd64 || purego

package distance

import "unsafe"

// prefetchLines does nothing where there is no prefetch instruction kernel.
func prefetchLines(p unsafe.Pointer, lines int) {}
