package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/atomicfile"
	"github.com/annbench/annbench/datasets/fetch"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// IndexCacheSubdir is the directory under the configured cache directory
// that holds built indexes: <cache>/index-cache/<dataset>/<algorithm>/
// <index params>-<key>.idx, each with a <same>.cache.json description.
// Nothing else is written there, and no name in it ends like a result
// file.
const IndexCacheSubdir = "index-cache"

// cacheSchema names the layout of the .cache.json description.
const cacheSchema = "annbench/index-cache/v2"

// cacheKey is everything a cached index depends on. An entry is reused
// only when every field matches; its file name carries a hash of the key,
// so entries of other keys sit beside it and never replace it.
type cacheKey struct {
	// Format is binfmt.FormatVersion, the index-file layout.
	Format uint32 `json:"format"`
	// Code identifies the code that built the index (see codeVersion).
	Code string `json:"code"`
	// Dataset is the dataset's name and Fingerprint its full content
	// fingerprint (metric, base vectors, training split).
	Dataset     string `json:"dataset"`
	Fingerprint string `json:"fingerprint"`
	// Algorithm and IndexParams are the index's registry name and
	// index-time parameters.
	Algorithm   string            `json:"algorithm"`
	IndexParams algorithms.Params `json:"index_params"`
}

// hash returns a short hex digest of the key, for file names.
func (k cacheKey) hash() string {
	b, _ := json.Marshal(k) // maps marshal with sorted keys: canonical
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// cacheMeta is the .cache.json stored beside a cached index: its key and
// the measurements of the build that made it.
type cacheMeta struct {
	Schema string       `json:"schema"`
	Key    cacheKey     `json:"key"`
	Build  result.Build `json:"build"`
}

// indexCache stores built indexes under dir/IndexCacheSubdir; dir ""
// disables it.
type indexCache struct{ dir string }

// cacheEntry is where one index of one key is cached.
type cacheEntry struct {
	key       cacheKey
	idx, meta string
}

// entry returns the cache entry of job's index built on data with content
// fingerprint fingerprint (datasets.Dataset.IndexFingerprint) by this
// build of annbench. It fails when the code version cannot be told, so
// that an unidentified build never reuses another's indexes.
func (c indexCache) entry(job config.Job, fingerprint string) (cacheEntry, error) {
	code, err := codeVersion()
	if err != nil {
		return cacheEntry{}, err
	}
	if fingerprint == "" {
		return cacheEntry{}, errors.New("no dataset fingerprint to key the index cache with")
	}
	for what, name := range map[string]string{"dataset": job.Dataset, "algorithm": job.Algorithm.Name} {
		if err := result.CheckName(what, name); err != nil {
			return cacheEntry{}, fmt.Errorf("index cache: %w", err)
		}
	}
	k := cacheKey{Format: binfmt.FormatVersion, Code: code, Dataset: job.Dataset, Fingerprint: fingerprint,
		Algorithm: job.Algorithm.Name, IndexParams: job.Index}
	base := filepath.Join(c.dir, IndexCacheSubdir, job.Dataset, job.Algorithm.Name, job.Index.Slug()+"-"+k.hash())
	return cacheEntry{key: k, idx: base + ".idx", meta: base + ".cache.json"}, nil
}

// load restores the cached index of e into idx when there is one with
// exactly e's key. It returns the stored build facts and whether it
// loaded; a description that does not parse or an index file that does
// not load (corrupt, truncated, another layout) is an error naming the
// file, and the caller builds instead.
func (c indexCache) load(idx algorithms.Index, e cacheEntry) (result.Build, bool, error) {
	l, ok := idx.(algorithms.Loader)
	if c.dir == "" || !ok {
		return result.Build{}, false, nil
	}
	mb, err := os.ReadFile(e.meta)
	if errors.Is(err, fs.ErrNotExist) {
		return result.Build{}, false, nil
	}
	if err != nil {
		return result.Build{}, false, fmt.Errorf("read index cache: %w", err)
	}
	var meta cacheMeta
	if err := json.Unmarshal(mb, &meta); err != nil {
		return result.Build{}, false, fmt.Errorf("read index cache %s: %w", e.meta, err)
	}
	if meta.Schema != cacheSchema || !sameKey(meta.Key, e.key) {
		return result.Build{}, false, nil
	}
	f, err := os.Open(e.idx)
	if err != nil {
		return result.Build{}, false, fmt.Errorf("read index cache: %w", err)
	}
	defer f.Close()
	if err := l.Load(f); err != nil {
		return result.Build{}, false, fmt.Errorf("load cached index %s: %w", e.idx, err)
	}
	return meta.Build, true, nil
}

// sameKey compares keys field by field (parameters through their
// canonical JSON, as the file name hash does).
func sameKey(a, b cacheKey) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// store saves idx under e when it can be saved: the index file first, its
// description last, both atomically, so a description always names a
// complete index. Errors are returned for the caller to report; a failed
// store never loses the measurement.
func (c indexCache) store(idx algorithms.Index, e cacheEntry, b result.Build) error {
	s, ok := idx.(algorithms.Saver)
	if c.dir == "" || !ok {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(e.idx), 0o755); err != nil {
		return fmt.Errorf("store index cache: %w", err)
	}
	if err := atomicfile.Write(e.idx, 0o644, s.Save); err != nil {
		return fmt.Errorf("store index cache: %w", err)
	}
	mb, err := json.MarshalIndent(cacheMeta{Schema: cacheSchema, Key: e.key, Build: b}, "", "  ")
	if err != nil {
		return fmt.Errorf("store index cache: %w", err)
	}
	return atomicfile.WriteFile(e.meta, mb, 0o644)
}

// codeVersion identifies the code of this binary for the index cache:
//
//   - a build from a clean VCS checkout: "vcs:<revision>";
//   - a build of a released module version: "module:<version>";
//   - anything else (uncommitted changes, go run, go test, no VCS
//     stamp): "build:<sha256 of the executable>", so a development build
//     reuses indexes only when it is byte for byte the same binary, and
//     any code change rebuilds them.
//
// An executable that cannot be read is an error: the cache is then not
// used at all.
var codeVersion = sync.OnceValues(func() (string, error) {
	info, ok := debug.ReadBuildInfo()
	if ok {
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" && modified == "false" {
			return "vcs:" + rev, nil
		}
		if v := info.Main.Version; rev == "" && v != "" && v != "(devel)" {
			return "module:" + v, nil
		}
	}
	return executableHash()
})

// executableHash returns "build:" and the SHA-256 of the running binary.
func executableHash() (string, error) {
	path, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("identify this build for the index cache: %w", err)
	}
	sum, err := fetch.SHA256File(path)
	if err != nil {
		return "", fmt.Errorf("identify this build for the index cache: %w", err)
	}
	return "build:" + sum, nil
}
