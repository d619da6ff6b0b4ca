//go:build !linux

package fetch

import "os"

// IsTerminal reports whether f is a terminal. Off Linux it conservatively
// says no, so no progress bars are drawn.
func IsTerminal(f *os.File) bool { return false }
