//go:build unix

package datasets

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

var errMmapUnsupported = errors.New("memory mapping is not supported on this platform")

// mmapFile maps the first n bytes of f read-only and shared.
func mmapFile(f *os.File, n int) ([]byte, func() error, error) {
	data, err := unix.Mmap(int(f.Fd()), 0, n, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return data, func() error { return unix.Munmap(data) }, nil
}
