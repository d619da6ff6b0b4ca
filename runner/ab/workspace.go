package ab

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/annbench/annbench/runner/result"
)

// marker is the file that marks a directory as an A/B workspace, so that
// Clean never empties a directory it did not make.
const marker = ".annbench-ab"

// owned are the entries of a workspace that Clean removes.
var owned = []string{"runs", "cache", "bin", Base, New}

// Clean makes dir ready for a new A/B run: it creates it, or empties the
// parts of an earlier A/B run in it (rounds, caches, builds, merged
// results). A directory that exists, is not empty and was not made by ab
// is refused, so a mistyped --out cannot delete anything.
func Clean(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("ab: %w", err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
			return fmt.Errorf("ab: %s is not empty and holds no %s file: not an A/B directory; choose another --out or remove it", dir, marker)
		}
		for _, name := range owned {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return fmt.Errorf("ab: clean %s: %w", dir, err)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ab: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, marker), []byte("annbench ab workspace; 'annbench ab' empties runs/, cache/, bin/, base/ and new/ here\n"), 0o644); err != nil {
		return fmt.Errorf("ab: %w", err)
	}
	return nil
}

// Write stores merged results as result files under dir, laid out as a
// run's output, so `annbench compare` and `annbench plot` read them again.
func Write(dir string, rs []result.Result) error {
	for i := range rs {
		r := &rs[i]
		path, err := r.Identity().Path(dir)
		if err != nil {
			return fmt.Errorf("ab: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("ab: %w", err)
		}
		if err := result.Write(path, r); err != nil {
			return fmt.Errorf("ab: %w", err)
		}
	}
	return nil
}
