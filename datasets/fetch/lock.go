package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/annbench/annbench/datasets/atomicfile"
)

// lockVersion is the format version of the lock file.
const lockVersion = 1

// lockEntry records one downloaded or extracted file.
type lockEntry struct {
	// SHA256 is the hex sha256 of the file.
	SHA256 string `json:"sha256"`
	// Size is its size in bytes.
	Size int64 `json:"size"`
	// URL is where it was first downloaded from.
	URL string `json:"url,omitempty"`
}

// lockFile maps paths (relative to the data directory, slash-separated) to
// what was recorded on first download.
type lockFile struct {
	mu    sync.Mutex
	files map[string]lockEntry
}

// lockJSON is the on-disk form of the lock file.
type lockJSON struct {
	// Version is lockVersion; other versions are rejected.
	Version int `json:"version"`
	// Comment explains the file to people who open it.
	Comment string `json:"comment,omitempty"`
	// Files maps data-directory-relative paths to their records.
	Files map[string]lockEntry `json:"files"`
}

// readLock loads the lock file at p; a missing file is an empty lock.
func readLock(p string) (*lockFile, error) {
	l := &lockFile{files: map[string]lockEntry{}}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock file: %w", err)
	}
	var j lockJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("lock file %s: %w", p, err)
	}
	if j.Version != lockVersion {
		return nil, fmt.Errorf("lock file %s: version %d not supported (want %d)", p, j.Version, lockVersion)
	}
	if j.Files != nil {
		l.files = j.Files
	}
	return l, nil
}

func (l *lockFile) sha(rel string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.files[rel].SHA256
}

func (l *lockFile) set(rel string, e lockEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.files[rel] = e
}

// write stores the lock atomically.
func (l *lockFile) write(p string) error {
	l.mu.Lock()
	b, err := json.MarshalIndent(lockJSON{
		Version: lockVersion,
		Comment: "sha256 of dataset files recorded by annbench on first download and checked on later ones",
		Files:   l.files,
	}, "", "  ")
	l.mu.Unlock()
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(p, append(b, '\n'), 0o644)
}

// SHA256File returns the hex SHA-256 of the file at p, as the lock file
// records it; the runner identifies development builds by it too.
func SHA256File(p string) (string, error) {
	fh, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", fmt.Errorf("hashing %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
