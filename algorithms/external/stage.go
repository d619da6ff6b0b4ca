package external

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// CacheDir is where annbench keeps adapters and staged vector files:
// $ANNBENCH_CACHE_DIR, else the user cache directory's annbench folder
// (~/.cache/annbench on Linux), else the temporary directory's.
func CacheDir() string {
	if d := os.Getenv("ANNBENCH_CACHE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "annbench")
	}
	return filepath.Join(os.TempDir(), "annbench")
}

// stageMu serializes writers of staged files.
var stageMu sync.Mutex

// stageMatrix returns the path of an .fbin file holding m, writing it under
// dir/data unless a file of that content is already there. Files are named
// by the shape and a checksum of the values, so every algorithm run on one
// dataset, in this run or a later one, shares one file.
func stageMatrix(dir string, m vector.Matrix) (string, error) {
	path := filepath.Join(dir, "data", contentKey(m)+".fbin")
	want := 8 + 4*int64(m.Rows)*int64(m.Dim)
	stageMu.Lock()
	defer stageMu.Unlock()
	if fi, err := os.Stat(path); err == nil && fi.Size() == want {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("stage vectors: %w", err)
	}
	if err := datasets.WriteFbin(path, m); err != nil {
		return "", fmt.Errorf("stage vectors: %w", err)
	}
	return path, nil
}

// contentKey names a matrix by its shape and a CRC-32C of its values.
func contentKey(m vector.Matrix) string {
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	var buf [4096]byte
	n := 0
	for i := 0; i < m.Rows; i++ {
		for _, v := range m.Row(i) {
			binary.LittleEndian.PutUint32(buf[n:], math.Float32bits(v))
			n += 4
			if n == len(buf) {
				h.Write(buf[:])
				n = 0
			}
		}
	}
	h.Write(buf[:n])
	return fmt.Sprintf("%dx%d-%08x", m.Rows, m.Dim, h.Sum32())
}
