package external

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/atomicfile"
)

// MaxAllowFileBytes caps the size of an allow file: a workload whose
// allow-sets would take more is refused before its index is built.
const MaxAllowFileBytes = 1 << 30

// Tags of the allow file's per-query records.
const (
	allowTagRange = 0 // int32 lo, int32 hi: ids in [lo, hi)
	allowTagList  = 1 // int32 count, then count int32 ids ascending
)

// AllowFileBytes returns the size of the allow file of allow.
func AllowFileBytes(allow []*algorithms.Allow) int64 {
	var n int64
	for _, a := range allow {
		if _, _, ok := a.Range(); ok {
			n += 12
		} else {
			n += 8 + 4*int64(len(a.IDs()))
		}
	}
	return n
}

// CheckAllowFile reports an error when the allow file of allow would
// exceed MaxAllowFileBytes.
func CheckAllowFile(allow []*algorithms.Allow) error {
	if n := AllowFileBytes(allow); n > MaxAllowFileBytes {
		return fmt.Errorf("the allow file of %d queries would take %d MiB (limit %d MiB); use fewer queries (queries=N) or a wider filter form (range)",
			len(allow), n>>20, MaxAllowFileBytes>>20)
	}
	return nil
}

// encodeAllow encodes allow in the allow-file format (PROTOCOL.md).
func encodeAllow(allow []*algorithms.Allow) []byte {
	buf := make([]byte, 0, AllowFileBytes(allow))
	put := func(v int32) { buf = binary.LittleEndian.AppendUint32(buf, uint32(v)) }
	for _, a := range allow {
		if lo, hi, ok := a.Range(); ok {
			put(allowTagRange)
			put(int32(lo))
			put(int32(hi))
			continue
		}
		ids := a.IDs()
		put(allowTagList)
		put(int32(len(ids)))
		for _, id := range ids {
			put(id)
		}
	}
	return buf
}

// stageAllow writes the allow file of allow under dir/data, named by its
// query count and a CRC-32C of its content, unless it is already there.
func stageAllow(dir string, allow []*algorithms.Allow) (string, error) {
	if err := CheckAllowFile(allow); err != nil {
		return "", err
	}
	data := encodeAllow(allow)
	sum := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
	path := filepath.Join(dir, "data", fmt.Sprintf("allow-%dq-%08x.bin", len(allow), sum))
	stageMu.Lock()
	defer stageMu.Unlock()
	if fi, err := os.Stat(path); err == nil && fi.Size() == int64(len(data)) {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("stage allow file: %w", err)
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return "", fmt.Errorf("stage allow file: %w", err)
	}
	return path, nil
}
