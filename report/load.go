package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/annbench/annbench/runner/result"
)

// Load reads every result file under dir (see LoadWarn), writing warnings
// about skipped files to os.Stderr.
func Load(dir string) ([]result.Result, error) {
	return LoadWarn(dir, os.Stderr)
}

// LoadWarn reads the result files of one run directory, laid out as
// <dir>/<dataset>/<algorithm>/<file>.json, and returns those result.Decode
// reads (schema v2, and v1 upgraded), sorted by dataset, algorithm, index
// parameters and setup. Only the files result.Files lists are read, so
// another run kept inside dir (such as results/baseline/<dataset>/...) is
// not mixed in. JSON files of another schema (or none, such as cached
// index descriptions) are skipped with a warning to warn; a malformed
// result file is an error naming the file, and so are two files holding
// the same measurement identity (result.Identity). Finding no result at
// all is an error too.
func LoadWarn(dir string, warn io.Writer) ([]result.Result, error) {
	if warn == nil {
		warn = io.Discard
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load results: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("load results: %s is not a directory", dir)
	}
	files, err := result.Files(dir)
	if err != nil {
		return nil, fmt.Errorf("load results: %w", err)
	}
	var out []result.Result
	seen := map[string]string{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("load results: %w", err)
		}
		r, err := result.Decode(data)
		if errors.Is(err, result.ErrOtherSchema) {
			fmt.Fprintf(warn, "warning: skipping %s: %v\n", path, err)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("load results: %s: %w", path, err)
		}
		key := r.Identity().Key()
		if prev, ok := seen[key]; ok {
			return nil, fmt.Errorf("load results: %s and %s both hold %s %s on %s (%s); point at one run's directory",
				prev, path, r.Algorithm, result.ParamString(r.IndexParams), r.Dataset, r.Identity().Setup())
		}
		seen[key] = path
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("load results: no annbench result files under %s (expected %s/<dataset>/<algorithm>/<file>.json)",
			dir, dir)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Dataset != b.Dataset {
			return a.Dataset < b.Dataset
		}
		if a.Algorithm != b.Algorithm {
			return a.Algorithm < b.Algorithm
		}
		if pa, pb := result.ParamKey(a.IndexParams), result.ParamKey(b.IndexParams); pa != pb {
			return naturalLess(pa, pb)
		}
		return setupLess(a, b)
	})
	return out, nil
}
