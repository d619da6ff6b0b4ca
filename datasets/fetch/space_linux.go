//go:build linux

package fetch

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// checkSpace fails early when the filesystem holding dir has less free
// space than the rest of a download of size bytes needs (size 0: unknown,
// not checked). Bytes already in the .part file count as done.
func checkSpace(dir, part string, size int64) error {
	if size <= 0 {
		return nil
	}
	if st, err := os.Stat(part); err == nil {
		size -= st.Size()
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		return nil // unknown: let the writes tell
	}
	free := int64(fs.Bavail) * int64(fs.Bsize)
	if size > free {
		return fmt.Errorf("%w: %s needs %d more bytes but only %d are free on that filesystem; free some space or point ANNBENCH_DATA at a larger disk", ErrDiskFull, dir, size, free)
	}
	return nil
}
