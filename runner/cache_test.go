package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// cacheRun runs the flat job on ds into a fresh output directory with
// cfg's cache and returns the log and the point measured.
func cacheRun(t *testing.T, cfg *config.Config, ds *datasets.Dataset, force bool) (string, result.Point) {
	t.Helper()
	c := *cfg
	c.Output = filepath.Join(t.TempDir(), "results")
	plan := &config.Plan{Config: &c, Jobs: []config.Job{flatJob(1)}}
	var log strings.Builder
	paths, err := Run(context.Background(), plan, Options{Open: opener(ds), Log: &log, Force: force})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	r, err := result.Read(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	return log.String(), r.Points[0]
}

// cacheFiles lists the files under the cache directory, relative to it.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func built(log string) bool  { return strings.Contains(log, "building") }
func loaded(log string) bool { return strings.Contains(log, "loaded from cache") }

func TestIndexCacheReuseAndLayout(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(300, 20, 8, vector.L2)
	if log, _ := cacheRun(t, cfg, ds, false); !built(log) {
		t.Fatalf("first run did not build:\n%s", log)
	}
	log, p := cacheRun(t, cfg, ds, false)
	if !loaded(log) {
		t.Fatalf("second run did not load the cached index:\n%s", log)
	}
	if p.Recall != 1 {
		t.Errorf("flat loaded from the cache: recall %v, want 1", p.Recall)
	}
	files := cacheFiles(t, cfg.Cache)
	var idx, meta int
	for _, f := range files {
		if !strings.HasPrefix(f, filepath.Join(IndexCacheSubdir, "test", "flat", "default-")) {
			t.Errorf("cache file %s is outside %s/<dataset>/<algorithm>", f, IndexCacheSubdir)
		}
		switch {
		case strings.HasSuffix(f, ".cache.json"):
			meta++
		case strings.HasSuffix(f, ".idx"):
			idx++
		default:
			t.Errorf("cache file %s is neither .idx nor .cache.json", f)
		}
	}
	if idx != 1 || meta != 1 {
		t.Errorf("cache holds %v, want one .idx and one .cache.json", files)
	}
}

// TestIndexCacheKeying changes, one at a time, each thing a cached index
// depends on: every change must rebuild, and the old entry must stay.
func TestIndexCacheKeying(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(300, 20, 8, vector.L2)
	cacheRun(t, cfg, ds, false)

	// One base value changed, same shape and name.
	edited := *ds
	edited.Base = vector.NewMatrix(ds.Base.Rows, ds.Base.Dim)
	copy(edited.Base.Data, ds.Base.Data)
	edited.Base.Data[len(edited.Base.Data)/2] += 0.5
	if log, p := cacheRun(t, cfg, &edited, false); !built(log) || loaded(log) || p.Recall != 1 {
		t.Fatalf("edited base row: want a rebuild with recall 1, got recall %v:\n%s", p.Recall, log)
	}
	// Another build of annbench.
	defer func(f func() (string, error)) { codeVersion = f }(codeVersion)
	codeVersion = func() (string, error) { return "vcs:0123456789abcdef", nil }
	if log, _ := cacheRun(t, cfg, ds, false); !built(log) {
		t.Fatalf("other code version: want a rebuild:\n%s", log)
	}
	if log, _ := cacheRun(t, cfg, ds, false); !loaded(log) {
		t.Fatalf("same code version again: want a load:\n%s", log)
	}
	// --force rebuilds.
	if log, _ := cacheRun(t, cfg, ds, true); !built(log) || loaded(log) {
		t.Fatalf("--force: want a rebuild:\n%s", log)
	}
	// A build that cannot be identified does not use the cache.
	codeVersion = func() (string, error) { return "", os.ErrNotExist }
	if log, _ := cacheRun(t, cfg, ds, false); !built(log) || !strings.Contains(log, "index cache not used") {
		t.Fatalf("unknown code version: want a rebuild and a warning:\n%s", log)
	}
	if n := len(cacheFiles(t, cfg.Cache)); n != 6 {
		t.Errorf("cache holds %d files, want 6 (three keys, .idx and .cache.json each)", n)
	}
}

func TestCacheKeyFields(t *testing.T) {
	base := cacheKey{Format: binfmt.FormatVersion, Code: "vcs:a", Dataset: "d", Fingerprint: "sha256:1",
		Algorithm: "hnsw", IndexParams: map[string]any{"M": 16}}
	variants := map[string]func(*cacheKey){
		"format":      func(k *cacheKey) { k.Format-- },
		"code":        func(k *cacheKey) { k.Code = "vcs:b" },
		"dataset":     func(k *cacheKey) { k.Dataset = "e" },
		"fingerprint": func(k *cacheKey) { k.Fingerprint = "sha256:2" },
		"algorithm":   func(k *cacheKey) { k.Algorithm = "flat" },
		"params":      func(k *cacheKey) { k.IndexParams = map[string]any{"M": 8} },
	}
	for name, change := range variants {
		k := base
		change(&k)
		if k.hash() == base.hash() || sameKey(k, base) {
			t.Errorf("%s: changed key has the same hash or compares equal", name)
		}
	}
	if !sameKey(base, base) {
		t.Error("a key differs from itself")
	}
}

// TestCorruptCachedIndexRebuilds damages the cached index in ways a
// checksum catches: each is reported, rebuilt and replaced.
func TestCorruptCachedIndexRebuilds(t *testing.T) {
	cfg := testConfig(t, config.ModeSingle, 1)
	ds := testDataset(300, 20, 8, vector.L2)
	cacheRun(t, cfg, ds, false)
	var idxPath string
	for _, f := range cacheFiles(t, cfg.Cache) {
		if strings.HasSuffix(f, ".idx") {
			idxPath = filepath.Join(cfg.Cache, f)
		}
	}
	good, err := os.ReadFile(idxPath)
	if err != nil {
		t.Fatal(err)
	}
	damage := map[string]func([]byte) []byte{
		"64 flipped bytes": func(b []byte) []byte {
			for i := 0; i < 64; i++ {
				b[(i*7919)%len(b)] ^= 0x5a
			}
			return b
		},
		"truncated":      func(b []byte) []byte { return b[:len(b)/2] },
		"older layout":   func(b []byte) []byte { b[8] = 1; return binfmt.Reseal(b) },
		"trailing bytes": func(b []byte) []byte { return append(b, 1, 2, 3) },
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(idxPath, fn(append([]byte(nil), good...)), 0o644); err != nil {
				t.Fatal(err)
			}
			log, p := cacheRun(t, cfg, ds, false)
			if !strings.Contains(log, "ignoring index cache, rebuilding") || !strings.Contains(log, idxPath) || !built(log) {
				t.Fatalf("want a warning naming %s and a rebuild:\n%s", idxPath, log)
			}
			if p.Recall != 1 {
				t.Errorf("recall %v after rebuilding, want 1", p.Recall)
			}
			if log, _ := cacheRun(t, cfg, ds, false); !loaded(log) {
				t.Errorf("the rebuilt index did not replace the damaged one:\n%s", log)
			}
		})
	}
}
