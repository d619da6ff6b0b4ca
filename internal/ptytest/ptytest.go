//go:build linux

// Package ptytest opens pseudo-terminals for tests of terminal output
// (progress bars). It is a dozen lines of ioctls on golang.org/x/sys/unix,
// already a dependency, rather than a pty package.
//
// Test support: it imports only golang.org/x/sys/unix.
package ptytest

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// Open opens a pseudo-terminal pair with cols columns (0 leaves it
// unsized, as a fresh pty is): writes to tty can be read from master. It
// skips the test where there is no /dev/ptmx; both ends are closed when
// the test ends.
func Open(t testing.TB, cols int) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetUint32(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Fatalf("pty number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	if cols > 0 {
		if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: uint16(cols)}); err != nil {
			t.Fatalf("pty size: %v", err)
		}
	}
	return m, s
}
