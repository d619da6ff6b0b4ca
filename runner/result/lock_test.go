package result

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestLockDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	l, err := LockDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, LockFile))
	if err != nil || !strings.Contains(string(b), `"pid":`+strconv.Itoa(os.Getpid())) {
		t.Fatalf("lock file holds %q (%v), want this pid", b, err)
	}
	// A second holder (another open file, as another process would have)
	// is refused while the first holds it.
	_, err = LockDir(dir, nil)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(err.Error(), LockFile) {
		t.Fatalf("second lock: %v, want ErrLocked naming the holder and the file", err)
	}
	l.Release()
	l.Release() // twice is harmless
	if _, err := os.Stat(filepath.Join(dir, LockFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after Release: %v", err)
	}
	l2, err := LockDir(dir, nil)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	l2.Release()
}

func TestLockDirTakesOverStaleLock(t *testing.T) {
	dir := t.TempDir()
	stale := `{"pid": 999999, "host": "gone", "started": "2026-01-01T00:00:00Z", "command": "annbench run old.yaml"}`
	if err := os.WriteFile(filepath.Join(dir, LockFile), []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	l, err := LockDir(dir, &log)
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	defer l.Release()
	if !strings.Contains(log.String(), "taking over the lock of annbench pid 999999 on host gone") {
		t.Errorf("takeover not logged: %q", log.String())
	}
}

// FuzzLockDir feeds arbitrary lock-file content (a crashed writer, another
// tool, garbage) to LockDir: it must take the unheld lock without
// panicking and leave a well-formed holder record.
func FuzzLockDir(f *testing.F) {
	f.Add([]byte(`{"pid": 12, "host": "h", "started": "2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"pid": "x"}`))
	f.Add([]byte{0xff, 0x00, '{'})
	f.Fuzz(func(t *testing.T, content []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, LockFile), content, 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := LockDir(dir, nil)
		if err != nil {
			t.Fatalf("unheld lock with content %q refused: %v", content, err)
		}
		defer l.Release()
		f, err := os.Open(filepath.Join(dir, LockFile))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if h, err := readHolder(f); err != nil || h.PID != os.Getpid() {
			t.Fatalf("holder after takeover = %+v, %v", h, err)
		}
	})
}
