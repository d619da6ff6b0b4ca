//go:build !linux

package fetch

import "os"

// IsTerminal reports whether f is a terminal. Off Linux it conservatively
// says no, so no progress bars are drawn.
func IsTerminal(f *os.File) bool { return false }

// TerminalWidth returns the number of columns of the terminal f; off
// Linux it says 0 (unknown).
func TerminalWidth(f *os.File) int { return 0 }
