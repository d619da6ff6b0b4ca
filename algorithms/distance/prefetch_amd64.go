//go:build amd64 && !purego

package distance

import "unsafe"

// PrefetchLines asks the CPU to start loading lines consecutive cache
// lines from p into all cache levels, so that data about to be measured
// arrives while earlier work runs. lines must be positive; p need not be
// valid (a prefetch never faults). It does nothing without the amd64
// assembly.
//
//go:noescape
func PrefetchLines(p unsafe.Pointer, lines int)
