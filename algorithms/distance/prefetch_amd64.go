//go:build amd64 && !purego

package distance

import "unsafe"

// prefetchLines asks the CPU to start loading lines cache lines from p;
// lines must be positive and p need not be valid.
//
//go:noescape
func prefetchLines(p unsafe.Pointer, lines int)
