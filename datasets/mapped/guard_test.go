//go:build unix

package mapped

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// mapTruncated maps a 64 KiB file, truncates it to 100 bytes and returns
// the mapping, whose pages after the first now fault.
func mapTruncated(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.bin")
	if err := os.WriteFile(path, make([]byte, 1<<16), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := syscall.Mmap(int(f.Fd()), 0, 1<<16, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	Register(data, path)
	t.Cleanup(func() { Unregister(data); syscall.Munmap(data) })
	if err := os.Truncate(path, 100); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func TestGuardTruncatedMapping(t *testing.T) {
	path, data := mapTruncated(t)
	var sum byte
	err := Guard(func() { sum += data[50] }) // still inside the file
	if err != nil {
		t.Fatalf("reading the part still in the file: %v", err)
	}
	err = Guard(func() { sum += data[40000] })
	var fe *FaultError
	if !errors.As(err, &fe) || fe.Path != path || !strings.Contains(err.Error(), path) {
		t.Fatalf("reading past the truncation: %v, want a FaultError naming %s", err, path)
	}
}

func TestFaultsRaise(t *testing.T) {
	path, data := mapTruncated(t)
	err := Guard(func() {
		var faults Faults
		var total atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				faults.Guard(func() { total.Add(int64(data[8192*(w+1)])) })
			}()
		}
		wg.Wait()
		if faults.Err() == nil {
			t.Error("Faults recorded nothing")
		}
		faults.Raise()
		t.Error("Raise returned after a fault")
	})
	var fe *FaultError
	if !errors.As(err, &fe) || fe.Path != path {
		t.Fatalf("fault in a worker: %v, want a FaultError naming %s", err, path)
	}
	var none Faults
	if Guard(none.Raise) != nil || none.Err() != nil {
		t.Error("an empty Faults raised")
	}
}

func TestGuardOtherPanics(t *testing.T) {
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the original panic", r)
		}
	}()
	Guard(func() { panic("boom") })
	t.Error("Guard swallowed a panic")
}

func TestFaultOutsideMappings(t *testing.T) {
	e := &FaultError{Addr: 0x1234}
	if !strings.Contains(e.Error(), "outside any mapped data file") {
		t.Error(e.Error())
	}
}

// BenchmarkGuard measures the fixed cost of one Guard call, which the
// runner pays once per pass (and per worker in parallel mode), never per
// query or memory access.
func BenchmarkGuard(b *testing.B) {
	var n int
	for b.Loop() {
		Guard(func() { n++ })
	}
	if n != b.N {
		b.Fatal(n)
	}
}
