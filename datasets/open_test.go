package datasets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

// writeTiny writes a small TEXMEX dataset (base 20×4, queries 3×4, ground
// truth 3×2) into dir and returns an entry describing it.
func writeTiny(t *testing.T, dir string) Entry {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "tiny"), 0o755); err != nil {
		t.Fatal(err)
	}
	base := vector.NewMatrix(20, 4)
	for i := range base.Data {
		base.Data[i] = float32(i % 7)
	}
	query := vector.NewMatrix(3, 4)
	for i := range query.Data {
		query.Data[i] = float32(i)
	}
	gt := vector.IDMatrix{Data: []int32{1, 2, 3, 4, 5, 6}, Rows: 3, Dim: 2, Stride: 2}
	must(t, WriteFvecs(filepath.Join(dir, "tiny", "base.fvecs"), base))
	must(t, WriteFvecs(filepath.Join(dir, "tiny", "query.fvecs"), query))
	must(t, WriteIvecs(filepath.Join(dir, "tiny", "gt.ivecs"), gt))
	return Entry{Name: "tiny", Dim: 4, Metric: vector.L2, BaseCount: 20, QueryCount: 3, Format: FormatFvecs,
		Files: []File{
			{Role: RoleBase, Name: "base.fvecs", Format: FormatFvecs},
			{Role: RoleQuery, Name: "query.fvecs", Format: FormatFvecs},
			{Role: RoleGroundTruth, Name: "gt.ivecs", Format: FormatIvecs, Optional: true},
			{Role: RoleLearn, Name: "learn.fvecs", Format: FormatFvecs, Optional: true},
		}}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEntryOpen(t *testing.T) {
	dir := t.TempDir()
	e := writeTiny(t, dir)
	d, err := e.Open(context.Background(), Options{DataDir: dir})
	must(t, err)
	defer d.Close()
	if d.Base.Rows != 20 || d.Query.Rows != 3 || d.GroundTruth.Rows != 3 || d.GroundTruth.Dim != 2 || d.Train.Rows != 0 {
		t.Fatalf("got base %d query %d gt %d×%d train %d", d.Base.Rows, d.Query.Rows, d.GroundTruth.Rows, d.GroundTruth.Dim, d.Train.Rows)
	}
	if d.Dir != filepath.Join(dir, "tiny") || d.Name != "tiny" {
		t.Errorf("dir %q name %q", d.Dir, d.Name)
	}
	if !e.Present(dir) || e.SizeOnDisk(dir) != 20*20+3*20+3*12 {
		t.Errorf("present %v size %d", e.Present(dir), e.SizeOnDisk(dir))
	}
	lim, err := e.Open(context.Background(), Options{DataDir: dir, MaxQueries: 2, MaxBase: 10})
	must(t, err)
	if lim.Query.Rows != 2 || lim.Base.Rows != 10 || lim.GroundTruth.Rows != 0 {
		t.Errorf("limited: query %d base %d gt %d (ground truth of the full base must be dropped)", lim.Query.Rows, lim.Base.Rows, lim.GroundTruth.Rows)
	}
	lim, err = e.Open(context.Background(), Options{DataDir: dir, MaxQueries: 2})
	must(t, err)
	if lim.Query.Rows != 2 || lim.GroundTruth.Rows != 2 || lim.GroundTruth.Row(1)[1] != 4 {
		t.Errorf("query-limited: query %d gt %d", lim.Query.Rows, lim.GroundTruth.Rows)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Open(ctx, Options{DataDir: dir}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled open: %v", err)
	}
}

// TestEntryOpenLimitsAttributes checks that a base limit keeps as many
// attributes as base vectors, as it does for own data.
func TestEntryOpenLimitsAttributes(t *testing.T) {
	dir := t.TempDir()
	e := writeTiny(t, dir)
	attrs := make([]int64, 20)
	for i := range attrs {
		attrs[i] = int64(100 + i)
	}
	writeNpyInts(t, filepath.Join(dir, "tiny", "attrs.npy"), attrs)
	e.Files = append(e.Files, File{Role: RoleAttributes, Name: "attrs.npy", Format: FormatNpy})
	d, err := e.Open(context.Background(), Options{DataDir: dir, MaxBase: 10})
	must(t, err)
	defer d.Close()
	if d.Base.Rows != 10 || len(d.Attributes) != 10 || d.Attributes[9] != 109 {
		t.Fatalf("base %d rows, attributes %v", d.Base.Rows, d.Attributes)
	}
}

func TestEntryOpenAngularCopiesMappedData(t *testing.T) {
	dir := t.TempDir()
	e := writeTiny(t, dir)
	e.Metric = vector.Angular
	old := MmapThreshold
	MmapThreshold = -1 // map everything
	defer func() { MmapThreshold = old }()
	d, err := e.Open(context.Background(), Options{DataDir: dir})
	must(t, err)
	defer d.Close()
	for i := 1; i < d.Base.Rows; i++ {
		if n := norm(d.Base.Row(i)); n < 0.99999 || n > 1.00001 {
			t.Fatalf("row %d norm %v", i, n)
		}
	}
	// The file itself is untouched.
	again, err := readFvecsCopy(filepath.Join(dir, "tiny", "base.fvecs"))
	must(t, err)
	if again.Row(1)[0] != 4 {
		t.Fatalf("file changed: %v", again.Row(1))
	}
}

// readFvecsCopy reads a file through the plain-memory path.
func readFvecsCopy(path string) (vector.Matrix, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return vector.Matrix{}, err
	}
	return ParseFvecs(b, 0)
}

func TestEntryOpenErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string, e *Entry)
		want  []string
	}{
		{"missing file", func(t *testing.T, dir string, e *Entry) {
			os.Remove(filepath.Join(dir, "tiny", "query.fvecs"))
		}, []string{"dataset tiny: missing query.fvecs", filepath.Join("tiny"), "annbench download tiny", "ANNBENCH_DATA"}},
		{"wrong dim", func(t *testing.T, dir string, e *Entry) { e.Dim = 5 }, []string{"base.fvecs", "dimension 4, the catalogue says 5"}},
		{"wrong count", func(t *testing.T, dir string, e *Entry) { e.BaseCount = 21 }, []string{"holds 20 vectors, the catalogue says 21"}},
		{"query dim", func(t *testing.T, dir string, e *Entry) {
			must(t, WriteFvecs(filepath.Join(dir, "tiny", "query.fvecs"), vector.NewMatrix(3, 5)))
		}, []string{"query.fvecs", "queries have dimension 5 but base vectors have 4"}},
		{"gt rows", func(t *testing.T, dir string, e *Entry) {
			must(t, WriteIvecs(filepath.Join(dir, "tiny", "gt.ivecs"), vector.IDMatrix{Data: []int32{1, 2}, Rows: 1, Dim: 2, Stride: 2}))
		}, []string{"gt.ivecs", "holds 1 neighbour lists for 3 queries"}},
		{"gt id range", func(t *testing.T, dir string, e *Entry) {
			must(t, WriteIvecs(filepath.Join(dir, "tiny", "gt.ivecs"), vector.IDMatrix{Data: []int32{1, 2, 3, 20, 0, 0}, Rows: 3, Dim: 2, Stride: 2}))
		}, []string{"gt.ivecs", "row 1, column 1: id 20 outside [0,20)"}},
		{"corrupt base", func(t *testing.T, dir string, e *Entry) {
			must(t, os.WriteFile(filepath.Join(dir, "tiny", "base.fvecs"), []byte{4, 0, 0, 0, 1, 2}, 0o644))
		}, []string{"base.fvecs", "not a whole number"}},
		{"no reader", func(t *testing.T, dir string, e *Entry) { e.Files[0].Format = "parquet" }, []string{"no reader for format \"parquet\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			e := writeTiny(t, dir)
			tt.setup(t, dir, &e)
			_, err := e.Open(context.Background(), Options{DataDir: dir})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestSystemDirFallback(t *testing.T) {
	data, sys := t.TempDir(), t.TempDir()
	e := writeTiny(t, sys)
	e.Dir = "elsewhere"
	e.SystemDirs = []string{filepath.Join(sys, "tiny")}
	// Register the entry as the catalogue would hold it.
	catalogue = append(catalogue, e)
	byName[e.Name] = len(catalogue) - 1
	defer func() {
		catalogue = catalogue[:len(catalogue)-1]
		delete(byName, e.Name)
	}()
	cache := t.TempDir()
	d, err := Open(context.Background(), "tiny", Options{DataDir: data, CacheDir: cache})
	must(t, err)
	if d.Dir != filepath.Join(sys, "tiny") {
		t.Errorf("dir %q", d.Dir)
	}
}

func TestLookup(t *testing.T) {
	_, err := Lookup("sift-small")
	if err == nil {
		t.Fatal("unknown name accepted")
	}
	for _, w := range []string{`unknown dataset "sift-small"`, "siftsmall", "fashion-mnist-angular", "synthetic-[ip-|angular-]<n>-<d>"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	e, err := Lookup("fashion-mnist-angular")
	if err != nil || e.Metric != vector.Angular || e.dirName() != "fashion-mnist" {
		t.Fatalf("%v %+v", err, e)
	}
	for _, f := range e.Files {
		if f.Role == RoleGroundTruth || f.Role == RoleGroundTruthDistances {
			t.Errorf("angular variant lists l2 ground truth file %s", f.Name)
		}
	}
}

func TestCatalogueConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Catalogue() {
		if seen[e.Name] {
			t.Errorf("duplicate %s", e.Name)
		}
		seen[e.Name] = true
		if e.Dim <= 0 || !e.Metric.Valid() || e.BaseCount <= 0 || e.QueryCount <= 0 || e.Note == "" {
			t.Errorf("%s: incomplete entry %+v", e.Name, e)
		}
		if got, err := Lookup(e.Name); err != nil || got.Name != e.Name {
			t.Errorf("%s: lookup %v", e.Name, err)
		}
		if e.Builtin() {
			continue
		}
		roles := map[Role]bool{}
		for _, f := range e.Files {
			roles[f.Role] = true
			if _, ok := fileReaders[f.Format]; !ok {
				t.Errorf("%s: file %s has format %q without a reader", e.Name, f.Name, f.Format)
			}
			if f.Name == "" || filepath.IsAbs(f.Name) || strings.Contains(f.Name, "..") {
				t.Errorf("%s: bad file name %q", e.Name, f.Name)
			}
			if f.SHA256 != "" && len(f.SHA256) != 64 {
				t.Errorf("%s: %s: sha256 %q is not 64 hex digits", e.Name, f.Name, f.SHA256)
			}
		}
		if !roles[RoleBase] || !roles[RoleQuery] {
			t.Errorf("%s: needs base and query files", e.Name)
		}
	}
	if !seen["siftsmall"] || !seen["fashion-mnist"] || !seen["synthetic-20k-64"] {
		t.Errorf("catalogue lacks a required entry: %v", seen)
	}
}

func TestDefaultDataDir(t *testing.T) {
	t.Setenv("ANNBENCH_DATA", "")
	if DefaultDataDir() != "data" {
		t.Errorf("default %q", DefaultDataDir())
	}
	t.Setenv("ANNBENCH_DATA", "/x/y")
	if DefaultDataDir() != "/x/y" {
		t.Errorf("env %q", DefaultDataDir())
	}
	if o := (Options{}).withDefaults(); o.DataDir != "/x/y" || o.CacheDir != filepath.Join("/x/y", "cache") {
		t.Errorf("defaults %+v", o)
	}
}

func TestCatalogueIsNotAliased(t *testing.T) {
	e, err := Lookup("siftsmall")
	must(t, err)
	e.Files[0].Name = "changed"
	for _, c := range Catalogue() {
		if c.Name == "siftsmall" {
			c.Files[0].Name = "changed too"
		}
	}
	if again, _ := Lookup("siftsmall"); again.Files[0].Name != "siftsmall_base.fvecs" {
		t.Fatalf("catalogue changed through a returned entry: %s", again.Files[0].Name)
	}
}
