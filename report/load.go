package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/annbench/annbench/runner"
)

// errOtherSchema marks JSON files that are not result files of the schema
// this package reads; Load skips them with a warning.
var errOtherSchema = errors.New("not an annbench result file")

// resultDepth is the depth of result files below a run directory:
// <dataset>/<algorithm>/<index-params>.json.
const resultDepth = 3

// Load reads every result file under dir (see LoadWarn), writing warnings
// about skipped files to os.Stderr.
func Load(dir string) ([]runner.Result, error) {
	return LoadWarn(dir, os.Stderr)
}

// LoadWarn reads the result files of one run directory, laid out as
// <dir>/<dataset>/<algorithm>/<index-params>.json, and returns those whose
// schema is runner.Schema, sorted by dataset, algorithm and index
// parameters. Only *.json files at exactly that depth are read, so another
// run kept inside dir (such as results/baseline/<dataset>/...) is not
// mixed in. JSON files of another schema (or none) are skipped with a
// warning to warn; a malformed result file is an error naming the file,
// and so are two files holding the same dataset × algorithm × index
// parameters. Finding no result at all is an error too.
func LoadWarn(dir string, warn io.Writer) ([]runner.Result, error) {
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
	var out []runner.Result
	seen := map[string]string{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		depth := 0
		if rel, err := filepath.Rel(dir, path); err == nil && rel != "." {
			depth = len(strings.Split(rel, string(filepath.Separator)))
		}
		if d.IsDir() {
			if path != dir && (strings.HasPrefix(d.Name(), ".") || depth >= resultDepth) {
				return filepath.SkipDir
			}
			return nil
		}
		if depth != resultDepth || !strings.EqualFold(filepath.Ext(path), ".json") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("load results: %w", err)
		}
		r, err := DecodeResult(data)
		if errors.Is(err, errOtherSchema) {
			fmt.Fprintf(warn, "warning: skipping %s: %v\n", path, err)
			return nil
		}
		if err != nil {
			return fmt.Errorf("load results: %s: %w", path, err)
		}
		key := r.Dataset + "\x00" + r.Algorithm + "\x00" + paramKey(r.IndexParams)
		if prev, ok := seen[key]; ok {
			return fmt.Errorf("load results: %s and %s both hold %s %s on %s; point at one run's directory",
				prev, path, r.Algorithm, ParamString(r.IndexParams), r.Dataset)
		}
		seen[key] = path
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("load results: no %s result files under %s (expected %s/<dataset>/<algorithm>/<index-params>.json)",
			runner.Schema, dir, dir)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Dataset != b.Dataset {
			return a.Dataset < b.Dataset
		}
		if a.Algorithm != b.Algorithm {
			return a.Algorithm < b.Algorithm
		}
		return naturalLess(paramKey(a.IndexParams), paramKey(b.IndexParams))
	})
	return out, nil
}

// DecodeResult parses one result file. It returns an error wrapping
// errOtherSchema (reported as "not an annbench result file" or as an
// unsupported schema version) for JSON that is not a runner.Schema
// result, and a descriptive error for a result file that is malformed:
// bad JSON, missing dataset or algorithm, recall outside [0, 1], negative
// or non-finite QPS or build figures.
func DecodeResult(data []byte) (runner.Result, error) {
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return runner.Result{}, fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
		}
		// Valid JSON that is not an object (or whose schema is not a
		// string) cannot be ours.
		return runner.Result{}, fmt.Errorf("%w (%v)", errOtherSchema, err)
	}
	if head.Schema != runner.Schema {
		if strings.HasPrefix(head.Schema, "annbench/result/") {
			return runner.Result{}, fmt.Errorf("%w: schema %q is not supported by this version (want %q)", errOtherSchema, head.Schema, runner.Schema)
		}
		if head.Schema == "" {
			return runner.Result{}, fmt.Errorf("%w: no \"schema\" key", errOtherSchema)
		}
		return runner.Result{}, fmt.Errorf("%w: schema %q", errOtherSchema, head.Schema)
	}
	var r runner.Result
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return runner.Result{}, fmt.Errorf("decode result: %w", err)
	}
	if err := validate(&r); err != nil {
		return runner.Result{}, err
	}
	return r, nil
}

// validate checks the fields the report relies on.
func validate(r *runner.Result) error {
	if r.Dataset == "" {
		return errors.New(`missing "dataset"`)
	}
	if r.Algorithm == "" {
		return errors.New(`missing "algorithm"`)
	}
	if r.K < 0 || r.Threads < 0 || r.Trials < 0 || r.Queries < 0 {
		return fmt.Errorf(`negative "k", "threads", "trials" or "queries" (%d, %d, %d, %d)`, r.K, r.Threads, r.Trials, r.Queries)
	}
	if bad(r.Build.Seconds) || r.Build.IndexBytes < 0 {
		return fmt.Errorf(`"build": seconds %v and index_bytes %d must be non-negative`, r.Build.Seconds, r.Build.IndexBytes)
	}
	for i, p := range r.Points {
		where := fmt.Sprintf("points[%d] (%s)", i, ParamString(p.QueryParams))
		if math.IsNaN(p.Recall) || p.Recall < 0 || p.Recall > 1 {
			return fmt.Errorf("%s: recall %v outside [0, 1]", where, p.Recall)
		}
		if math.IsNaN(p.RecallAt1) || p.RecallAt1 < 0 || p.RecallAt1 > 1 {
			return fmt.Errorf("%s: recall_at_1 %v outside [0, 1]", where, p.RecallAt1)
		}
		// QPS 0 or below is kept: plots drop such points with a warning.
		if math.IsNaN(p.QPS) || math.IsInf(p.QPS, 0) || bad(p.QPSMin) || bad(p.QPSMax) || bad(p.CV) {
			return fmt.Errorf("%s: qps %v, qps_min %v, qps_max %v, cv %v: want finite, non-negative spread", where, p.QPS, p.QPSMin, p.QPSMax, p.CV)
		}
		for j, q := range p.PassQPS {
			if bad(q) {
				return fmt.Errorf("%s: pass_qps[%d] = %v, want a finite non-negative number", where, j, q)
			}
		}
	}
	return nil
}

// bad reports whether x is not a finite non-negative number.
func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 }
