package datasets

import (
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"unsafe"
)

// Memory-mapped files are shared with the file system: when a file is
// truncated or replaced in place while mapped, touching a page past its new
// end raises SIGBUS, which Go turns into a fatal crash unless the goroutine
// asked to get a panic instead (debug.SetPanicOnFault). Guard does that for
// the function it runs and turns the fault into a *FaultError that names
// the file, so a changed data file ends a run with a clear message.

// FaultError reports a memory fault while reading a memory-mapped data
// file, which happens when the file was truncated or overwritten while in
// use.
type FaultError struct {
	// Path is the mapped file the faulting address belongs to, or "" when
	// the address is in no mapping annbench made.
	Path string
	// Addr is the faulting address.
	Addr uintptr
}

// Error names the file and what to do.
func (e *FaultError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("memory fault at address %#x outside any mapped data file", e.Addr)
	}
	return fmt.Sprintf("data file %s changed while in use (truncated or overwritten; memory fault at %#x): restore the file and run again", e.Path, e.Addr)
}

// mapping is one live memory mapping of a data file.
type mapping struct {
	start, end uintptr
	path       string
}

var (
	mappingsMu sync.Mutex
	mappings   []mapping // sorted by start
)

// registerMapping records that data maps path, for FaultError messages.
func registerMapping(data []byte, path string) {
	if len(data) == 0 {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	mappingsMu.Lock()
	defer mappingsMu.Unlock()
	i := sort.Search(len(mappings), func(i int) bool { return mappings[i].start >= start })
	mappings = append(mappings, mapping{})
	copy(mappings[i+1:], mappings[i:])
	mappings[i] = mapping{start: start, end: start + uintptr(len(data)), path: path}
}

// unregisterMapping forgets the mapping that starts at data.
func unregisterMapping(data []byte) {
	if len(data) == 0 {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	mappingsMu.Lock()
	defer mappingsMu.Unlock()
	for i, m := range mappings {
		if m.start == start {
			mappings = append(mappings[:i], mappings[i+1:]...)
			return
		}
	}
}

// mappedPath returns the file whose mapping holds addr, or "".
func mappedPath(addr uintptr) string {
	mappingsMu.Lock()
	defer mappingsMu.Unlock()
	i := sort.Search(len(mappings), func(i int) bool { return mappings[i].end > addr })
	if i < len(mappings) && mappings[i].start <= addr {
		return mappings[i].path
	}
	return ""
}

// Guard runs fn on the calling goroutine with memory faults turned into
// panics, and returns a *FaultError when fn touched a page of a mapped file
// that no longer exists. Other panics pass through unchanged. Every
// goroutine that reads dataset matrices (index builds, search workers,
// exact search) should run its work under Guard; the cost is two flag
// switches per call, nothing per memory access.
func Guard(fn func()) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if f, ok := r.(interface{ Addr() uintptr }); ok {
			err = &FaultError{Path: mappedPath(f.Addr()), Addr: f.Addr()}
			return
		}
		panic(r)
	}()
	fn()
	return nil
}
