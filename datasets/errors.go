package datasets

import (
	"errors"
	"fmt"
)

// ErrFormat is wrapped by every error that reports malformed file contents,
// so callers can tell corrupt data from I/O failures with errors.Is.
var ErrFormat = errors.New("malformed dataset file")

// formatError is a description of malformed contents that unwraps to
// ErrFormat.
type formatError struct{ msg string }

// Error returns the description.
func (e *formatError) Error() string { return e.msg }

// Unwrap returns ErrFormat.
func (e *formatError) Unwrap() error { return ErrFormat }

// errorf formats a formatError.
func errorf(format string, args ...any) error {
	return &formatError{msg: fmt.Sprintf(format, args...)}
}
