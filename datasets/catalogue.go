package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/annbench/annbench/datasets/vector"
)

// Role says what a dataset file holds.
type Role string

// The roles a file can play in a dataset.
const (
	// RoleBase files hold the vectors to index.
	RoleBase Role = "base"
	// RoleQuery files hold the query vectors.
	RoleQuery Role = "query"
	// RoleGroundTruth files hold, per query, the ids of the nearest base
	// vectors, nearest first.
	RoleGroundTruth Role = "groundtruth"
	// RoleGroundTruthDistances files hold the distances matching RoleGroundTruth.
	RoleGroundTruthDistances Role = "groundtruth_distances"
	// RoleLearn files hold a training split (Dataset.Train).
	RoleLearn Role = "learn"
	// RoleBaseLabels files hold one class label per base vector.
	RoleBaseLabels Role = "base_labels"
	// RoleQueryLabels files hold one class label per query vector.
	RoleQueryLabels Role = "query_labels"
	// RoleAttributes files hold one integer attribute per base vector.
	RoleAttributes Role = "attributes"
)

// Format names how a file is encoded.
type Format string

// The file formats the readers understand, plus FormatSynthetic for built-in
// data that has no files.
const (
	// FormatFvecs is TEXMEX fvecs (per record: int32 d, d float32).
	FormatFvecs Format = "fvecs"
	// FormatIvecs is TEXMEX ivecs (per record: int32 d, d int32).
	FormatIvecs Format = "ivecs"
	// FormatBvecs is TEXMEX bvecs (per record: int32 d, d uint8).
	FormatBvecs Format = "bvecs"
	// FormatFbin is big-ann fbin (int32 n, int32 d, n·d float32).
	FormatFbin Format = "fbin"
	// FormatIbin is big-ann ibin (int32 n, int32 d, n·d int32).
	FormatIbin Format = "ibin"
	// FormatU8bin is big-ann u8bin (int32 n, int32 d, n·d uint8).
	FormatU8bin Format = "u8bin"
	// FormatI8bin is big-ann i8bin (int32 n, int32 d, n·d int8).
	FormatI8bin Format = "i8bin"
	// FormatIDX is the MNIST IDX format, raw or gzip-compressed.
	FormatIDX Format = "idx"
	// FormatHDF5 is an ann-benchmarks HDF5 file; File.Key names the HDF5
	// dataset (train, test, neighbors, distances).
	FormatHDF5 Format = "hdf5"
	// FormatSynthetic marks built-in generated data.
	FormatSynthetic Format = "synthetic"
)

// File describes one file of a catalogue entry.
type File struct {
	// Role says what the file holds.
	Role Role
	// Name is the file name relative to the dataset directory.
	Name string
	// Format is how the file is encoded.
	Format Format
	// Key names the part of a container file that plays Role (the HDF5
	// dataset name); empty for single-purpose files.
	Key string
	// URL is where the file (or the archive holding it) is downloaded from.
	URL string
	// Member is the path of the file inside the archive at URL, or empty
	// when URL serves the file itself.
	Member string
	// Size is the size of the file in bytes, or 0 when unknown.
	Size int64
	// SHA256 is the hex SHA-256 of the file, or empty when unknown.
	SHA256 string
	// Optional files may be missing; Open then leaves the matching Dataset
	// field empty (ground truth is then computed by the runner).
	Optional bool
	// Prefix, when positive, downloads only the first Prefix bytes of URL
	// (a ranged request), to take a subset of a very large file.
	Prefix int64
	// HeaderRows, when positive, rewrites the row count of a big-ann
	// header (little-endian int32 at offset 0) after a Prefix download.
	HeaderRows int
	// LocalChecksum says Size and SHA256 describe a known local copy (e.g.
	// a distribution package) rather than the bytes served at URL, so a
	// download records its own checksum instead of enforcing these.
	LocalChecksum bool
}

// Entry is one dataset of the catalogue.
type Entry struct {
	// Name is the name users type, e.g. "siftsmall".
	Name string
	// Dim is the vector dimension.
	Dim int
	// Metric is the distance the dataset is meant to be searched with.
	Metric vector.Metric
	// BaseCount and QueryCount are the numbers of base and query vectors.
	BaseCount, QueryCount int
	// Format is the format of the vector files (FormatSynthetic for built-in
	// data).
	Format Format
	// Dir is the directory under the data directory that holds the files;
	// empty means Name.
	Dir string
	// SystemDirs are further absolute directories searched for the files,
	// such as where a distribution package installs them.
	SystemDirs []string
	// Files lists the files; empty for built-in data.
	Files []File
	// Note says where the data comes from.
	Note string

	synth *syntheticSpec
}

// clone returns a copy of e that shares no slices with the table, so
// callers cannot change the catalogue by accident.
func (e Entry) clone() Entry {
	e.Files = slices.Clone(e.Files)
	e.SystemDirs = slices.Clone(e.SystemDirs)
	return e
}

// Builtin reports whether the entry is generated rather than read from files.
func (e Entry) Builtin() bool { return e.synth != nil }

// dirName is the entry's directory under the data directory.
func (e Entry) dirName() string {
	if e.Dir != "" {
		return e.Dir
	}
	return e.Name
}

// SearchDirs returns the directories Open looks in, in order: the entry's
// directory under dataDir, then its SystemDirs.
func (e Entry) SearchDirs(dataDir string) []string {
	if e.Builtin() {
		return nil
	}
	return append([]string{filepath.Join(dataDir, e.dirName())}, e.SystemDirs...)
}

// Locate returns the first search directory that holds every required file.
// When none does, it returns the files missing from the first directory.
func (e Entry) Locate(dataDir string) (dir string, missing []string) {
	dirs := e.SearchDirs(dataDir)
	for i, d := range dirs {
		var miss []string
		for _, f := range e.Files {
			if f.Optional {
				continue
			}
			if st, err := os.Stat(filepath.Join(d, f.Name)); err != nil || !st.Mode().IsRegular() {
				miss = append(miss, f.Name)
			}
		}
		if len(miss) == 0 {
			return d, nil
		}
		if i == 0 {
			missing = miss
		}
	}
	return "", missing
}

// Present reports whether every required file of the entry is on disk (in
// dataDir or a system directory). Built-in entries are always present.
func (e Entry) Present(dataDir string) bool {
	if e.Builtin() {
		return true
	}
	dir, _ := e.Locate(dataDir)
	return dir != ""
}

// SizeOnDisk returns the total size in bytes of the entry's files found in
// the directory Locate picks (0 when absent or built-in).
func (e Entry) SizeOnDisk(dataDir string) int64 {
	dir, _ := e.Locate(dataDir)
	if dir == "" {
		return 0
	}
	var total int64
	seen := map[string]bool{}
	for _, f := range e.Files {
		if seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		if st, err := os.Stat(filepath.Join(dir, f.Name)); err == nil {
			total += st.Size()
		}
	}
	return total
}

// DefaultDataDir returns the directory datasets are looked for in and
// downloaded to: $ANNBENCH_DATA when set, otherwise "data" (relative to the
// working directory).
func DefaultDataDir() string {
	if d := os.Getenv("ANNBENCH_DATA"); d != "" {
		return d
	}
	return "data"
}

// Catalogue returns every named dataset: the file-based entries followed by
// example built-in synthetic ones. Synthetic datasets of any size are
// available by name (see Lookup) even though only examples are listed.
func Catalogue() []Entry {
	out := make([]Entry, 0, len(catalogue)+len(syntheticExamples))
	for _, e := range catalogue {
		out = append(out, e.clone())
	}
	for _, name := range syntheticExamples {
		e, err := syntheticEntry(name)
		if err != nil {
			panic("datasets: bad synthetic example " + name + ": " + err.Error())
		}
		out = append(out, e)
	}
	return out
}

// byName indexes catalogue by name.
var byName = func() map[string]int {
	m := make(map[string]int, len(catalogue))
	for i, e := range catalogue {
		if _, dup := m[e.Name]; dup {
			panic("datasets: duplicate catalogue entry " + e.Name)
		}
		m[e.Name] = i
	}
	return m
}()

// Lookup returns the catalogue entry called name, or the built-in synthetic
// entry that name describes.
func Lookup(name string) (Entry, error) {
	if i, ok := byName[name]; ok {
		return catalogue[i].clone(), nil
	}
	if strings.HasPrefix(name, "synthetic-") {
		e, err := syntheticEntry(name)
		if err != nil {
			return Entry{}, fmt.Errorf("dataset %q: %w", name, err)
		}
		return e, nil
	}
	names := make([]string, 0, len(catalogue))
	for _, e := range catalogue {
		names = append(names, e.Name)
	}
	sort.Strings(names)
	return Entry{}, fmt.Errorf("unknown dataset %q (valid: %s; or built-in synthetic data named %s)",
		name, strings.Join(names, ", "), syntheticNaming)
}
