package fetch

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// ErrDiskFull is wrapped by errors caused by a full disk or quota.
var ErrDiskFull = errors.New("disk full")

// diskError turns low-level file errors into messages that say what to do.
func diskError(err error, p string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("%w writing %s: free some space or point ANNBENCH_DATA at a larger disk (%v)", ErrDiskFull, p, err)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Errorf("permission denied writing %s: choose a writable data directory with ANNBENCH_DATA (%w)", p, err)
	}
	return err
}
