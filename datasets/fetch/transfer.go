package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// permanentError marks failures a retry cannot fix (HTTP 404, disk full,
// permission denied, bad URL).
type permanentError struct{ err error }

// Error returns the underlying message.
func (e *permanentError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// errShort reports a transfer that ended before the expected size.
var errShort = errors.New("transfer ended early")

// body is an open transfer: the stream, the offset its first byte has in
// the file (0 when the server ignored the requested offset), and the full
// size of the remote object (-1 when unknown).
type body struct {
	r      io.ReadCloser
	start  int64
	total  int64
	closer func(complete bool) error
}

// opener starts a transfer of src from offset; end is the exclusive end
// of a prefix download, or 0 for the whole object.
type opener func(ctx context.Context, src string, offset, end int64) (*body, error)

// transfer runs one attempt: it resumes the .part file from its current
// size and appends the rest of the object (or of the prefix).
func (f *Fetcher) transfer(ctx context.Context, src string, it Item, part string, bar *bar) error {
	var offset int64
	if st, err := os.Stat(part); err == nil {
		offset = st.Size()
	}
	end := it.Prefix
	if end > 0 && offset >= end {
		if offset > end {
			return permanent(diskError(os.Truncate(part, end), part))
		}
		return nil
	}
	if end == 0 && it.Size > 0 && offset == it.Size {
		return nil // complete from an earlier attempt; verified next
	}
	if end == 0 && it.Size > 0 && offset > it.Size {
		offset = 0 // longer than expected: start over
	}
	open, err := f.opener(src)
	if err != nil {
		return permanent(err)
	}
	// The attempt is cancelled when no data arrives for StallTimeout.
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	stall := f.stallTimeout()
	watchdog := time.AfterFunc(stall, cancel)
	defer watchdog.Stop()
	stalled := func(err error) error {
		if ctx.Err() == nil && actx.Err() != nil {
			return fmt.Errorf("no data for %v, abandoning this attempt: %w", stall, err)
		}
		return err
	}
	b, err := open(actx, src, offset, end)
	if err != nil {
		return stalled(err)
	}
	complete := false
	defer func() {
		if b.closer != nil {
			b.closer(complete)
		} else {
			b.r.Close()
		}
	}()
	flag := os.O_WRONLY | os.O_CREATE
	if b.start == 0 {
		flag |= os.O_TRUNC // fresh start, or the server ignored the range
		if offset > 0 {
			f.logf("server ignored the resume offset %d of %s: restarting from 0", offset, src)
		}
	} else if b.start != offset {
		return fmt.Errorf("server resumed at byte %d, asked for %d", b.start, offset)
	}
	fh, err := os.OpenFile(part, flag, 0o644)
	if err != nil {
		return permanent(diskError(err, part))
	}
	if _, err := fh.Seek(b.start, io.SeekStart); err != nil {
		fh.Close()
		return permanent(diskError(err, part))
	}
	bar.set(b.start, max(b.total, end, it.Size))
	var w io.Writer = &writeErrorWriter{w: fh}
	if f.wrapWriter != nil {
		w = &writeErrorWriter{w: f.wrapWriter(fh)}
	}
	w = bar.writer(w)
	var r io.Reader = b.r
	want := int64(-1)
	if end > 0 {
		want = end - b.start
		r = io.LimitReader(r, want)
	} else if b.total >= 0 {
		want = b.total - b.start
	}
	n, cerr := io.Copy(w, ctxReader{actx, watchdogReader{r, watchdog, stall}})
	serr := fh.Sync()
	if err := fh.Close(); err != nil && cerr == nil {
		cerr = err
	}
	if cerr == nil && serr != nil {
		cerr = serr
	}
	var we *writeError
	if errors.As(cerr, &we) {
		return permanent(diskError(we.err, part))
	}
	if cerr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("after %d bytes: %w", b.start+n, stalled(cerr))
	}
	if want >= 0 && n < want {
		return fmt.Errorf("%w: got %d of %d bytes", errShort, b.start+n, b.start+want)
	}
	complete = true
	return nil
}

// writeError wraps errors from the destination so they are not mistaken
// for network errors.
type writeError struct{ err error }

// Error returns the underlying message.
func (e *writeError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *writeError) Unwrap() error { return e.err }

// writeErrorWriter marks every error of w as a writeError.
type writeErrorWriter struct{ w io.Writer }

// Write writes p to the destination, wrapping failures.
func (w *writeErrorWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil {
		err = &writeError{err}
	}
	return n, err
}

// watchdogReader pushes the stall deadline back on every read that
// returns data.
type watchdogReader struct {
	r     io.Reader
	t     *time.Timer
	stall time.Duration
}

// Read reads from the stream and resets the stall timer on progress.
func (w watchdogReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.t.Reset(w.stall)
	}
	return n, err
}

// ctxReader stops reading when ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read fails with the context's error once it is cancelled.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
