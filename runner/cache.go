package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/atomicfile"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// cacheMeta is stored beside a cached index: it identifies the data the
// index was built on and keeps the original build measurements.
type cacheMeta struct {
	Schema      string         `json:"schema"`
	Dataset     string         `json:"dataset"`
	Algorithm   string         `json:"algorithm"`
	IndexParams map[string]any `json:"index_params"`
	Rows        int            `json:"rows"`
	Dim         int            `json:"dim"`
	Fingerprint uint64         `json:"fingerprint"`
	Build       result.Build   `json:"build"`
}

const cacheSchema = "annbench/index-cache/v1"

// indexCache stores built indexes under dir as
// <dir>/<dataset>/<algorithm>/<slug>.idx with a .json description.
type indexCache struct{ dir string }

func (c indexCache) paths(dataset, algorithm string, index algorithms.Params) (idx, meta string) {
	base := filepath.Join(c.dir, dataset, algorithm, index.Slug())
	return base + ".idx", base + ".json"
}

// fingerprint hashes the shape and a sample of rows of base, so a cache
// entry built on other data is not reused.
func fingerprint(base vector.Matrix) uint64 {
	h := fnv.New64a()
	var b [4]byte
	put := func(v uint32) {
		b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		h.Write(b[:])
	}
	put(uint32(base.Rows))
	put(uint32(base.Dim))
	if base.Rows == 0 {
		return h.Sum64()
	}
	step := max(1, base.Rows/64)
	for i := 0; i < base.Rows; i += step {
		for _, v := range base.Row(i) {
			put(math.Float32bits(v))
		}
	}
	for _, v := range base.Row(base.Rows - 1) {
		put(math.Float32bits(v))
	}
	return h.Sum64()
}

// load restores a cached index into idx when one exists for the same data
// and parameters. It returns the stored build facts and whether it loaded.
func (c indexCache) load(idx algorithms.Index, job config.Job, base vector.Matrix) (result.Build, bool, error) {
	l, ok := idx.(algorithms.Loader)
	if c.dir == "" || !ok {
		return result.Build{}, false, nil
	}
	idxPath, metaPath := c.paths(job.Dataset, job.Algorithm.Name, job.Index)
	mb, err := os.ReadFile(metaPath)
	if errors.Is(err, fs.ErrNotExist) {
		return result.Build{}, false, nil
	}
	if err != nil {
		return result.Build{}, false, fmt.Errorf("read index cache: %w", err)
	}
	var meta cacheMeta
	if err := json.Unmarshal(mb, &meta); err != nil {
		return result.Build{}, false, fmt.Errorf("read index cache %s: %w", metaPath, err)
	}
	if meta.Schema != cacheSchema || meta.Rows != base.Rows || meta.Dim != base.Dim || meta.Fingerprint != fingerprint(base) {
		return result.Build{}, false, nil
	}
	f, err := os.Open(idxPath)
	if err != nil {
		return result.Build{}, false, fmt.Errorf("read index cache: %w", err)
	}
	defer f.Close()
	if err := l.Load(f); err != nil {
		return result.Build{}, false, fmt.Errorf("load cached index %s: %w", idxPath, err)
	}
	return meta.Build, true, nil
}

// store saves idx when it can be saved; errors are returned for the caller
// to report, but a failed store never loses the measurement.
func (c indexCache) store(idx algorithms.Index, job config.Job, base vector.Matrix, b result.Build) error {
	s, ok := idx.(algorithms.Saver)
	if c.dir == "" || !ok {
		return nil
	}
	idxPath, metaPath := c.paths(job.Dataset, job.Algorithm.Name, job.Index)
	if err := os.MkdirAll(filepath.Dir(idxPath), 0o755); err != nil {
		return fmt.Errorf("store index cache: %w", err)
	}
	if err := atomicfile.Write(idxPath, 0o644, s.Save); err != nil {
		return fmt.Errorf("store index cache: %w", err)
	}
	meta := cacheMeta{Schema: cacheSchema, Dataset: job.Dataset, Algorithm: job.Algorithm.Name,
		IndexParams: job.Index, Rows: base.Rows, Dim: base.Dim, Fingerprint: fingerprint(base), Build: b}
	mb, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return fmt.Errorf("store index cache: %w", err)
	}
	return atomicfile.WriteFile(metaPath, mb, 0o644)
}
