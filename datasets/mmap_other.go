//go:build !unix

package datasets

import (
	"errors"
	"os"
)

var errMmapUnsupported = errors.New("memory mapping is not supported on this platform")

// mmapFile always reports errMmapUnsupported so that loadFile reads the file
// into memory instead.
func mmapFile(f *os.File, n int) ([]byte, func() error, error) {
	return nil, nil, errMmapUnsupported
}
