package datasets

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

var fingerprintRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func fp(t *testing.T, d *Dataset) string {
	t.Helper()
	s, err := d.Fingerprint()
	must(t, err)
	if !fingerprintRE.MatchString(s) {
		t.Fatalf("fingerprint %q does not have the form sha256:<64 hex>", s)
	}
	return s
}

func handBuilt() *Dataset {
	base := vector.NewMatrix(30, 5)
	for i := range base.Data {
		base.Data[i] = float32(i%11) * 0.5
	}
	q := vector.NewMatrix(4, 5)
	for i := range q.Data {
		q.Data[i] = float32(i)
	}
	return &Dataset{Name: "hand", Metric: vector.L2, Base: base, Query: q}
}

func TestFingerprintContent(t *testing.T) {
	a := fp(t, handBuilt())
	if again := fp(t, handBuilt()); again != a {
		t.Fatalf("same content, different fingerprints %s %s", a, again)
	}
	seen := map[string]string{a: "original"}
	variants := map[string]func(d *Dataset){
		"one base value":  func(d *Dataset) { d.Base.Data[77] += 1e-6 },
		"last query bit":  func(d *Dataset) { d.Query.Data[len(d.Query.Data)-1] = -d.Query.Data[len(d.Query.Data)-1] - 1 },
		"metric":          func(d *Dataset) { d.Metric = vector.IP },
		"query prefix":    func(d *Dataset) { d.Query = d.Query.Slice(0, 3) },
		"base labels":     func(d *Dataset) { d.BaseLabels = make([]int32, 30) },
		"attributes":      func(d *Dataset) { d.Attributes = make([]int64, 30) },
		"train split":     func(d *Dataset) { d.Train = d.Base.Slice(0, 10) },
		"reshaped base":   func(d *Dataset) { d.Base = vector.Matrix{Data: d.Base.Data, Rows: 15, Dim: 10, Stride: 10} },
		"query as labels": func(d *Dataset) { d.QueryLabels = []int32{0, 0, 0, 0} },
	}
	for name, change := range variants {
		d := handBuilt()
		change(d)
		got := fp(t, d)
		if prev, dup := seen[got]; dup {
			t.Errorf("%s: fingerprint equals that of %s", name, prev)
		}
		seen[got] = name
	}
	// Ground truth is keyed by the fingerprint, not part of it.
	d := handBuilt()
	d.GroundTruth = vector.IDMatrix{Data: []int32{1, 2, 3, 4}, Rows: 4, Dim: 1, Stride: 1}
	if fp(t, d) != a {
		t.Error("ground truth changed the fingerprint")
	}
}

func TestIndexFingerprint(t *testing.T) {
	d := handBuilt()
	full, err := d.IndexFingerprint()
	must(t, err)
	whole := fp(t, d)
	d.Query = d.Query.Slice(0, 2)
	d.QueryLabels = []int32{1, 2}
	if got, _ := d.IndexFingerprint(); got != full {
		t.Error("index fingerprint changed with the queries")
	}
	if fp(t, d) == whole {
		t.Error("fingerprint did not change with the queries")
	}
	d.Base.Data[0]++
	e := handBuilt()
	e.Base.Data[0]++
	if got, _ := e.IndexFingerprint(); got == full {
		t.Error("index fingerprint did not change with the base")
	}
}

// writeFormats writes the same vectors as fvecs and as fbin and returns
// two entries reading them.
func writeFormats(t *testing.T, dir string) (fvecs, fbin Entry) {
	d := handBuilt()
	must(t, os.MkdirAll(filepath.Join(dir, "a"), 0o755))
	must(t, os.MkdirAll(filepath.Join(dir, "b"), 0o755))
	must(t, WriteFvecs(filepath.Join(dir, "a", "base.fvecs"), d.Base))
	must(t, WriteFvecs(filepath.Join(dir, "a", "query.fvecs"), d.Query))
	must(t, WriteFbin(filepath.Join(dir, "b", "base.fbin"), d.Base))
	must(t, WriteFbin(filepath.Join(dir, "b", "query.fbin"), d.Query))
	fvecs = Entry{Name: "a", Metric: vector.L2, Files: []File{
		{Role: RoleBase, Name: "base.fvecs", Format: FormatFvecs},
		{Role: RoleQuery, Name: "query.fvecs", Format: FormatFvecs}}}
	fbin = Entry{Name: "b", Metric: vector.L2, Files: []File{
		{Role: RoleBase, Name: "base.fbin", Format: FormatFbin},
		{Role: RoleQuery, Name: "query.fbin", Format: FormatFbin}}}
	return fvecs, fbin
}

func TestFingerprintFilesAndCache(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	ea, eb := writeFormats(t, dir)
	open := func(e Entry) *Dataset {
		d, err := e.Open(context.Background(), Options{DataDir: dir, CacheDir: cache})
		must(t, err)
		t.Cleanup(func() { d.Close() })
		return d
	}
	want := fp(t, handBuilt())
	if got := fp(t, open(ea)); got != want {
		t.Errorf("fvecs file: fingerprint %s, in-memory %s", got, want)
	}
	if got := fp(t, open(eb)); got != want {
		t.Errorf("fbin file: fingerprint %s, in-memory %s (format must not matter)", got, want)
	}
	entries, err := filepath.Glob(filepath.Join(cache, "fingerprints", "*.json"))
	must(t, err)
	if len(entries) != 4 {
		t.Fatalf("%d cache entries, want 4 (base and queries of two datasets)", len(entries))
	}
	// The cache is used: a planted hash shows through.
	for _, path := range entries {
		b, err := os.ReadFile(path)
		must(t, err)
		var e fingerprintCacheEntry
		must(t, json.Unmarshal(b, &e))
		if !strings.Contains(e.Key, filepath.Join(dir, "a", "base.fvecs")) {
			continue
		}
		e.SHA256 = strings.Repeat("ab", 32)
		b, _ = json.Marshal(e)
		must(t, os.WriteFile(path, b, 0o644))
	}
	if got := fp(t, open(ea)); got == want {
		t.Fatal("a planted cache entry was not used: the cache is not read")
	}
	// Editing the file (same size) gives a new identity and a true hash.
	base := handBuilt().Base
	base.Data[3] = 42
	path := filepath.Join(dir, "a", "base.fvecs")
	must(t, WriteFvecs(path, base))
	future := time.Now().Add(time.Hour)
	must(t, os.Chtimes(path, future, future))
	edited := handBuilt()
	edited.Base.Data[3] = 42
	if got, wantEdited := fp(t, open(ea)), fp(t, edited); got != wantEdited {
		t.Errorf("after editing the base file: %s, want %s", got, wantEdited)
	}
	// An unwritable cache directory costs a rehash, not an error.
	if got := fp(t, func() *Dataset {
		d, err := eb.Open(context.Background(), Options{DataDir: dir, CacheDir: filepath.Join(path, "not-a-dir")})
		must(t, err)
		return d
	}()); got != want {
		t.Errorf("without a usable cache: %s, want %s", got, want)
	}
}

func TestFingerprintAngularNormalized(t *testing.T) {
	dir := t.TempDir()
	ea, _ := writeFormats(t, dir)
	ea.Metric = vector.Angular
	d, err := ea.Open(context.Background(), Options{DataDir: dir, CacheDir: filepath.Join(dir, "cache")})
	must(t, err)
	defer d.Close()
	want := handBuilt()
	want.Metric = vector.Angular
	Normalize(want.Base)
	Normalize(want.Query)
	if got, w := fp(t, d), fp(t, want); got != w {
		t.Errorf("angular: %s, want the fingerprint of the normalized vectors %s", got, w)
	}
}

func TestFingerprintSynthetic(t *testing.T) {
	open := func(name string, opt Options) *Dataset {
		d, err := Open(context.Background(), name, opt)
		must(t, err)
		return d
	}
	a := fp(t, open("synthetic-1000-8", Options{}))
	if fp(t, open("synthetic-1000-8", Options{})) != a {
		t.Error("synthetic fingerprint not stable")
	}
	for _, other := range []*Dataset{open("synthetic-1000-9", Options{}), open("synthetic-ip-1000-8", Options{}),
		open("synthetic-1000-8", Options{MaxQueries: 50}), open("synthetic-1000-8", Options{MaxBase: 500})} {
		if fp(t, other) == a {
			t.Errorf("%s (%d base, %d queries) has the fingerprint of synthetic-1000-8", other.Name, other.Base.Rows, other.Query.Rows)
		}
	}
}

// TestSyntheticGeneratorPinned pins the generator's output: synthetic
// fingerprints are derived from the generator version instead of hashing,
// so any change in generated values must come with a version bump.
func TestSyntheticGeneratorPinned(t *testing.T) {
	d, err := Open(context.Background(), "synthetic-angular-2000-16", Options{})
	must(t, err)
	content := &Dataset{Metric: d.Metric, Base: d.Base, Query: d.Query, Train: d.Train,
		BaseLabels: d.BaseLabels, QueryLabels: d.QueryLabels, Attributes: d.Attributes}
	const pinned = "sha256:79a066df40e2dfe3a9eae71b840c8db1d5f5e71b6cdea2eea348f5be256a85c5"
	const pinnedVersion = 2
	if got := fp(t, content); got != pinned || syntheticGeneratorVersion != pinnedVersion {
		t.Errorf("generated content hashes to %s (pinned %s at generator version %d, now %d): when the generator output changes on purpose, bump syntheticGeneratorVersion and update both constants here",
			got, pinned, pinnedVersion, syntheticGeneratorVersion)
	}
}

func TestFingerprintTruncatedMapping(t *testing.T) {
	dir := t.TempDir()
	old := MmapThreshold
	MmapThreshold = -1
	defer func() { MmapThreshold = old }()
	base := vector.NewMatrix(4096, 16) // 256 KiB: many pages
	for i := range base.Data {
		base.Data[i] = float32(i)
	}
	must(t, os.MkdirAll(filepath.Join(dir, "m"), 0o755))
	path := filepath.Join(dir, "m", "base.fbin")
	must(t, WriteFbin(path, base))
	must(t, WriteFbin(filepath.Join(dir, "m", "query.fbin"), base.Slice(0, 2)))
	e := Entry{Name: "m", Metric: vector.L2, Files: []File{
		{Role: RoleBase, Name: "base.fbin", Format: FormatFbin},
		{Role: RoleQuery, Name: "query.fbin", Format: FormatFbin}}}
	d, err := e.Open(context.Background(), Options{DataDir: dir, CacheDir: filepath.Join(dir, "cache")})
	must(t, err)
	defer d.Close()
	must(t, d.CheckFiles())
	must(t, os.Truncate(path, 100))
	if err := d.CheckFiles(); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "truncated to 100 bytes") {
		t.Errorf("CheckFiles after truncation: %v", err)
	}
	_, err = d.Fingerprint()
	var fe *mapped.FaultError
	if !errors.As(err, &fe) || fe.Path != path || !strings.Contains(err.Error(), path) {
		t.Fatalf("fingerprint of a truncated mapped file: %v, want a FaultError naming %s", err, path)
	}
}
