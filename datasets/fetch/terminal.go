//go:build linux

package fetch

import (
	"os"

	"golang.org/x/sys/unix"
)

// IsTerminal reports whether f is a terminal, where progress bars belong.
func IsTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// TerminalWidth returns the number of columns of the terminal f, or 0
// when f is no terminal or does not know its size (a pseudo-terminal
// nobody sized), where bars would draw nothing.
func TerminalWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
