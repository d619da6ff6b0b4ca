package runner

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/runner/result"
)

// ResultPath returns where the result of dataset × algorithm × index
// parameters lives under dir: <dir>/<dataset>/<algorithm>/<slug>.json.
func ResultPath(dir, dataset, algorithm string, index algorithms.Params, filter string) string {
	name := index.Slug()
	if filter != "" {
		name += "@" + safeName(filter)
	}
	return filepath.Join(dir, dataset, algorithm, name+".json")
}

// safeName keeps letters, digits and "-_.=" of s and replaces anything
// else with '_', so a workload id can stand in a file name.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '=') {
			b[i] = '_'
		}
	}
	return string(b)
}

// existingResult returns the result already on disk for a job when it was
// measured the same way (k, mode, threads, queries), so a run can resume.
// Anything else (no file, another measurement setup) gives nil.
func existingResult(path string, k int, mode string, threads, queries int) (*result.Result, error) {
	r, err := result.Read(path)
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
