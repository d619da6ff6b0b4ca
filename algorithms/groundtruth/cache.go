package groundtruth

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// Cache stores computed ground truth under Dir as a pair of TEXMEX files
//
//	<Dir>/groundtruth/<dataset>/<fingerprint>_q<queries>_b<base>_k<k>.ivecs            (ids)
//	<Dir>/groundtruth/<dataset>/<fingerprint>_q<queries>_b<base>_k<k>_distances.fvecs  (distances)
//
// where fingerprint is the first 16 hex digits of the dataset's content
// fingerprint (datasets.Dataset.Fingerprint: metric, base, queries and the
// rest of its vectors), so lists computed for other data — an edited row, a
// query prefix, a base limit — are never picked up. It never writes beside
// a dataset's own files.
type Cache struct {
	// Dir is the cache root, e.g. the run's index cache directory.
	Dir string
}

// Key identifies the data a ground truth was computed for.
type Key struct {
	// Dataset is the dataset's name.
	Dataset string
	// Fingerprint is the dataset's content fingerprint ("sha256:<hex>").
	Fingerprint string
	// Queries and Base are the numbers of query and base vectors.
	Queries, Base int
}

// KeyOf returns the cache key of ds as it is now (its name, content
// fingerprint and query and base counts): the key Prepare looks cached
// ground truth up by and `annbench groundtruth` stores it under.
func KeyOf(ds *datasets.Dataset) (Key, error) {
	fp, err := ds.Fingerprint()
	if err != nil {
		return Key{}, fmt.Errorf("dataset %s: ground truth: %w", ds.Name, err)
	}
	return Key{Dataset: ds.Name, Fingerprint: fp, Queries: ds.Query.Rows, Base: ds.Base.Rows}, nil
}

// dir returns the directory the key's files live in.
func (c Cache) dir(key Key) string {
	return filepath.Join(c.Dir, "groundtruth", safeName(key.Dataset))
}

// prefix returns the file-name prefix shared by the key's files of any k.
func (key Key) prefix() string {
	fp := strings.TrimPrefix(key.Fingerprint, "sha256:")
	if len(fp) > 16 {
		fp = fp[:16]
	}
	return fmt.Sprintf("%s_q%d_b%d_k", safeName(fp), key.Queries, key.Base)
}

// paths returns the id and distance file paths for depth k.
func (c Cache) paths(key Key, k int) (ids, dists string) {
	base := filepath.Join(c.dir(key), fmt.Sprintf("%s%d", key.prefix(), k))
	return base + ".ivecs", base + "_distances.fvecs"
}

// safeName keeps a name usable as one path element.
func safeName(s string) string {
	if s == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			return r
		}
		return '_'
	}, strings.Trim(s, "."))
}

// Store writes ids (one row of k neighbour ids per query, nearest first)
// and dists (same shape, published convention; Rows == 0 to store ids
// only) for key, returning the id file's path. Distances are written first:
// Load only looks for them once the id file exists.
func (c Cache) Store(key Key, ids vector.IDMatrix, dists vector.Matrix) (string, error) {
	if c.Dir == "" {
		return "", errors.New("store ground truth: no cache directory")
	}
	if key.Fingerprint == "" {
		return "", fmt.Errorf("store ground truth for %s: no content fingerprint", key.Dataset)
	}
	if ids.Rows != key.Queries || ids.Dim <= 0 {
		return "", fmt.Errorf("store ground truth for %s: %d×%d ids for %d queries", key.Dataset, ids.Rows, ids.Dim, key.Queries)
	}
	if err := ids.CheckIDs(key.Base); err != nil {
		return "", fmt.Errorf("store ground truth for %s: %w", key.Dataset, err)
	}
	if dists.Rows != 0 && (dists.Rows != ids.Rows || dists.Dim != ids.Dim) {
		return "", fmt.Errorf("store ground truth for %s: distances are %d×%d but ids are %d×%d",
			key.Dataset, dists.Rows, dists.Dim, ids.Rows, ids.Dim)
	}
	idPath, distPath := c.paths(key, ids.Dim)
	if err := os.MkdirAll(filepath.Dir(idPath), 0o755); err != nil {
		return "", fmt.Errorf("store ground truth for %s: %w", key.Dataset, err)
	}
	if dists.Rows != 0 {
		if err := datasets.WriteFvecs(distPath, dists); err != nil {
			return "", fmt.Errorf("store ground truth for %s: %w", key.Dataset, err)
		}
	}
	if err := datasets.WriteIvecs(idPath, ids); err != nil {
		return "", fmt.Errorf("store ground truth for %s: %w", key.Dataset, err)
	}
	return idPath, nil
}

// Stored is ground truth read from the cache.
type Stored struct {
	// IDs and Dists are the lists; Dists has Rows == 0 when only ids were
	// stored. Both may be memory-mapped: Close releases them.
	IDs   vector.IDMatrix
	Dists vector.Matrix
	// Path is the id file's path.
	Path    string
	closers []io.Closer
}

// Close releases the files' mappings.
func (s *Stored) Close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c.Close())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// Load returns the stored lists for key with the most neighbours per query
// among those with at least k, or nil when there are none. A stored file
// whose shape or ids disagree with its name is an error naming it.
func (c Cache) Load(key Key, k int) (*Stored, error) {
	if c.Dir == "" || key.Fingerprint == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(c.dir(key))
	if err != nil {
		return nil, nil // no cache yet
	}
	best := 0
	pre := key.prefix()
	for _, de := range entries {
		rest, ok := strings.CutPrefix(de.Name(), pre)
		if !ok {
			continue
		}
		rest, ok = strings.CutSuffix(rest, ".ivecs")
		kk, err := strconv.Atoi(rest)
		if !ok || err != nil || strconv.Itoa(kk) != rest || kk < k || kk <= best {
			continue // not ours, or too short
		}
		best = kk
	}
	if best == 0 {
		return nil, nil
	}
	idPath, distPath := c.paths(key, best)
	s := &Stored{Path: idPath}
	ids, cl, err := datasets.ReadIvecs(idPath, 0)
	if err != nil {
		return nil, fmt.Errorf("cached ground truth: %w (delete it to recompute)", err)
	}
	s.closers = append(s.closers, cl)
	if ids.Rows != key.Queries || ids.Dim != best {
		s.Close()
		return nil, fmt.Errorf("cached ground truth %s holds %d×%d ids, its name says %d×%d (delete it to recompute)",
			idPath, ids.Rows, ids.Dim, key.Queries, best)
	}
	if err := ids.CheckIDs(key.Base); err != nil {
		s.Close()
		return nil, fmt.Errorf("cached ground truth %s: %w (delete it to recompute)", idPath, err)
	}
	s.IDs = ids
	if _, err := os.Stat(distPath); err == nil {
		m, cl, err := datasets.ReadFvecs(distPath, 0)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("cached ground truth: %w (delete it to recompute)", err)
		}
		s.closers = append(s.closers, cl)
		if m.Rows != ids.Rows || m.Dim != ids.Dim {
			s.Close()
			return nil, fmt.Errorf("cached ground-truth distances %s are %d×%d, ids are %d×%d (delete both to recompute)",
				distPath, m.Rows, m.Dim, ids.Rows, ids.Dim)
		}
		s.Dists = m
	}
	return s, nil
}

// CacheDir is where a run keeps the ground truth it computes: in the
// run's index cache directory indexCache, or under <dataDir>/cache when
// the index cache is off ("" ; dataDir "" means datasets.DefaultDataDir()).
func CacheDir(indexCache, dataDir string) string {
	if indexCache != "" {
		return indexCache
	}
	if dataDir == "" {
		dataDir = datasets.DefaultDataDir()
	}
	return filepath.Join(dataDir, "cache")
}
