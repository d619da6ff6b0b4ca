//go:build !unix

package result

import (
	"errors"
	"os"
)

// errWouldBlock means another process holds the lock.
var errWouldBlock = errors.New("lock held by another process")

// tryLock cannot lock a file portably here: a lock file that names a
// holder is treated as held, so a second run refuses until the file is
// removed (by Release, or by hand after a crash).
func tryLock(f *os.File) error {
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		return errWouldBlock
	}
	return nil
}
