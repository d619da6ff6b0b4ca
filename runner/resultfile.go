package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	"github.com/annbench/annbench/algorithms"
)

// ResultPath returns where the result of dataset × algorithm × index
// parameters lives under dir: <dir>/<dataset>/<algorithm>/<slug>.json.
func ResultPath(dir, dataset, algorithm string, index algorithms.Params) string {
	return filepath.Join(dir, dataset, algorithm, index.Slug()+".json")
}

// ReadResult reads one result file. A missing file is reported with an
// error satisfying errors.Is(err, fs.ErrNotExist).
func ReadResult(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read result %s: %w", path, err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("read result %s: schema %q, want %q", path, r.Schema, Schema)
	}
	return &r, nil
}

// WriteResult writes r to path atomically: a temporary file in the same
// directory is written, synced and renamed over the old file, so a reader
// or a crash never sees half a result.
func WriteResult(path string, r *Result) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("write result %s: %w", path, err)
	}
	return writeAtomic(path, append(b, '\n'))
}

func writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// existingResult returns the result already on disk for a job when it was
// measured the same way (k, mode, threads, queries), so a run can resume.
// Anything else (no file, another measurement setup) gives nil.
func existingResult(path string, k int, mode string, threads, queries int) (*Result, error) {
	r, err := ReadResult(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if r.K != k || r.Mode != mode || r.Threads != threads || r.Queries != queries {
		return nil, nil
	}
	return r, nil
}

// findPoint returns the index of the point measured with query parameters
// qp, or -1.
func (r *Result) findPoint(qp algorithms.Params) int {
	want := normalizeJSON(map[string]any(qp))
	for i, p := range r.Points {
		if reflect.DeepEqual(normalizeJSON(p.QueryParams), want) {
			return i
		}
	}
	return -1
}

// normalizeJSON round-trips v through JSON so values read from a file and
// values from the config compare equal (ints become float64).
func normalizeJSON(v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out map[string]any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	if out == nil {
		out = map[string]any{}
	}
	return out
}
