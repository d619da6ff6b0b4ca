package result

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockFile is the name of the lock a writer holds in a result directory.
const LockFile = ".annbench.lock"

// ErrLocked is wrapped by the error LockDir returns when another live
// process holds the directory.
var ErrLocked = errors.New("result directory in use")

// Holder describes the process that holds (or held) a result directory's
// lock, as recorded in the lock file.
type Holder struct {
	// PID and Host identify the process.
	PID  int    `json:"pid"`
	Host string `json:"host"`
	// Started is when it took the lock (UTC).
	Started time.Time `json:"started"`
	// Command is its command line.
	Command string `json:"command,omitempty"`
}

// String renders h for error and log messages.
func (h Holder) String() string {
	s := fmt.Sprintf("pid %d on host %s since %s", h.PID, h.Host, h.Started.Format(time.RFC3339))
	if h.Command != "" {
		s += " (" + h.Command + ")"
	}
	return s
}

// Lock is a held result-directory lock; Release gives it up.
type Lock struct {
	path string
	f    *os.File
}

// LockDir creates dir when needed and takes its lock, <dir>/.annbench.lock,
// so that two processes never write result files into one directory at
// the same time (each would rewrite whole files and the last writer's
// points would win). The lock is an advisory file lock (flock) that the
// kernel drops when its holder dies; the file also names the holder.
//
// When another live process holds it, LockDir fails at once with an error
// wrapping ErrLocked that names the holder and the lock file. A lock file
// left by a process that died is taken over, and the takeover is logged to
// log (nil discards it).
func LockDir(dir string, log io.Writer) (*Lock, error) {
	if log == nil {
		log = io.Discard
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock result directory: %w", err)
	}
	path := filepath.Join(dir, LockFile)
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("lock result directory: %w", err)
		}
		if err := tryLock(f); err != nil {
			holder := "another annbench process"
			if h, _ := readHolder(f); h.PID != 0 {
				holder = "annbench " + h.String()
			}
			f.Close()
			if errors.Is(err, errWouldBlock) {
				return nil, fmt.Errorf("%w: %s is being written by %s (lock file %s); wait for that run to finish or choose another output directory",
					ErrLocked, dir, holder, path)
			}
			return nil, fmt.Errorf("lock result directory %s: %w", path, err)
		}
		// A releasing holder removes the file after we opened it: then we
		// hold a lock on a file nobody else will find; start over.
		if same, err := samePath(f, path); err != nil || !same {
			f.Close()
			if attempt < 10 {
				continue
			}
			return nil, fmt.Errorf("lock result directory %s: the lock file keeps being replaced", path)
		}
		if prev, _ := readHolder(f); prev.PID != 0 {
			fmt.Fprintf(log, "%s: taking over the lock of annbench %s, which is no longer running\n", path, prev)
		}
		l := &Lock{path: path, f: f}
		if err := l.record(); err != nil {
			l.Release()
			return nil, err
		}
		return l, nil
	}
}

// record writes this process as the holder.
func (l *Lock) record() error {
	h := Holder{PID: os.Getpid(), Started: time.Now().UTC(), Command: strings.Join(os.Args, " ")}
	h.Host, _ = os.Hostname()
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("lock result directory %s: %w", l.path, err)
	}
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("lock result directory %s: %w", l.path, err)
	}
	if _, err := l.f.WriteAt(append(b, '\n'), 0); err != nil {
		return fmt.Errorf("lock result directory %s: %w", l.path, err)
	}
	return nil
}

// Release removes the lock file and gives up the lock. It is safe to call
// more than once.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	os.Remove(l.path) // while still holding it, so nobody else's file goes
	l.f.Close()       // closing drops the flock
	l.f = nil
}

// readHolder reads the holder recorded in an open lock file; an empty or
// unreadable file gives the zero Holder.
func readHolder(f *os.File) (Holder, error) {
	var h Holder
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<16))
	if err != nil || len(b) == 0 {
		return h, err
	}
	err = json.Unmarshal(b, &h)
	return h, err
}

// samePath reports whether the open file f is still the file at path.
func samePath(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}
