// Package mapped keeps memory-mapped data files from crashing the process.
//
// A mapping is shared with the file system: when a file is truncated while
// mapped, touching a page past its new end raises SIGBUS, which Go turns
// into a fatal crash unless the goroutine asked for a panic instead
// (debug.SetPanicOnFault). Guard does that for the function it runs and
// turns the fault into a *FaultError naming the file, so a data file changed
// during a run ends it with a clear message. Every goroutine that reads
// dataset matrices should run its work under Guard. The package imports
// only the standard library, so index code can use it too.
//
// It imports only the standard library.
package mapped

import (
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"unsafe"
)

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

// Register records that data maps path, for FaultError messages. Call
// Unregister before unmapping.
func Register(data []byte, path string) {
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

// Unregister forgets the mapping that starts at data.
func Unregister(data []byte) {
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

// pathOf returns the file whose mapping holds addr, or "".
func pathOf(addr uintptr) string {
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
// that no longer exists, or when fn raised one with Faults.Raise. Other
// panics pass through unchanged. The cost is
// two flag switches and a deferred recover per call, nothing per memory
// access; goroutines fn starts are not covered and need their own Guard.
func Guard(fn func()) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		switch f := r.(type) {
		case *FaultError: // raised by Faults.Raise
			err = f
			return
		case interface{ Addr() uintptr }:
			err = &FaultError{Path: pathOf(f.Addr()), Addr: f.Addr()}
			return
		}
		panic(r)
	}()
	fn()
	return nil
}

// Faults collects the first fault of a group of worker goroutines, so a
// pool can report it from the goroutine that started the workers:
//
//	var faults mapped.Faults
//	for w := 0; w < n; w++ {
//		go func() { defer wg.Done(); faults.Guard(work) }()
//	}
//	wg.Wait()
//	faults.Raise()
//
// Raise panics with the *FaultError, which the caller's own Guard returns
// as an error; the zero value is ready to use.
type Faults struct {
	mu    sync.Mutex
	first *FaultError
}

// Guard runs fn under Guard and records its fault, if any.
func (f *Faults) Guard(fn func()) {
	if err := Guard(fn); err != nil {
		f.mu.Lock()
		if f.first == nil {
			f.first = err.(*FaultError)
		}
		f.mu.Unlock()
	}
}

// Err returns the first recorded fault, or nil.
func (f *Faults) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.first == nil {
		return nil
	}
	return f.first
}

// Raise panics with the first recorded fault, if any, for the enclosing
// Guard to return.
func (f *Faults) Raise() {
	f.mu.Lock()
	first := f.first
	f.mu.Unlock()
	if first != nil {
		panic(first)
	}
}
