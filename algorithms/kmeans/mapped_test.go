//go:build unix

package kmeans

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"unsafe"

	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// TestAssignTruncatedMapping assigns points held in a memory-mapped file
// that was truncated underneath: the workers' fault must come back from
// the caller's mapped.Guard as an error naming the file, not crash.
func TestAssignTruncatedMapping(t *testing.T) {
	const rows, dim = 8192, 16 // 512 KiB
	path := filepath.Join(t.TempDir(), "points.f32")
	b := make([]byte, 4*rows*dim)
	for i := 0; i < rows*dim; i++ {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(i%97)))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := syscall.Mmap(int(f.Fd()), 0, len(b), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	mapped.Register(data, path)
	defer func() { mapped.Unregister(data); syscall.Munmap(data) }()
	m := vector.Matrix{Data: unsafe.Slice((*float32)(unsafe.Pointer(&data[0])), rows*dim), Rows: rows, Dim: dim, Stride: dim}
	cent := vector.NewMatrix(4, dim)
	if err := mapped.Guard(func() { AssignDist(m, cent, vector.L2, 2) }); err != nil {
		t.Fatalf("intact mapping: %v", err)
	}
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	err = mapped.Guard(func() { AssignDist(m, cent, vector.L2, 2) })
	var fe *mapped.FaultError
	if !errors.As(err, &fe) || fe.Path != path {
		t.Fatalf("assignment over a truncated mapping: %v, want a mapped.FaultError naming %s", err, path)
	}
}
