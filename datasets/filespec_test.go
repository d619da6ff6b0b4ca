package datasets

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// randomMatrix returns rows×dim seeded random values.
func randomMatrix(rows, dim int, seed uint64) vector.Matrix {
	r := rand.New(rand.NewPCG(seed, 1))
	m := vector.NewMatrix(rows, dim)
	for i := range m.Data {
		m.Data[i] = float32(r.NormFloat64())
	}
	return m
}

// writeNpyInts writes v as a 1-D little-endian int64 .npy file.
func writeNpyInts(t *testing.T, path string, v []int64) {
	t.Helper()
	var data []byte
	for _, x := range v {
		data = binary.LittleEndian.AppendUint64(data, uint64(x))
	}
	must(t, os.WriteFile(path, npyFile(1, npyDict("<i8", "("+strconv.Itoa(len(v))+",)"), data), 0o644))
}

func openSpec(t *testing.T, s FileSpec, opt Options) *Dataset {
	t.Helper()
	if opt.CacheDir == "" {
		opt.CacheDir = t.TempDir()
	}
	d, err := OpenFiles(context.Background(), s, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestOpenFilesHoldout(t *testing.T) {
	dir := t.TempDir()
	base := randomMatrix(1000, 8, 1)
	labels := make([]int64, 1000)
	attrs := make([]int64, 1000)
	for i := range labels {
		labels[i], attrs[i] = int64(i%10), int64(5000+i)
	}
	must(t, WriteNpy(filepath.Join(dir, "base.npy"), base))
	writeNpyInts(t, filepath.Join(dir, "labels.npy"), labels)
	writeNpyInts(t, filepath.Join(dir, "attrs.npy"), attrs)
	spec := FileSpec{Name: "mine", Base: "base.npy", Holdout: 50, Seed: 7, Metric: vector.L2,
		Labels: "labels.npy", Attributes: "attrs.npy"}.Resolve(dir)
	for _, threshold := range []int64{-1, 1 << 40} { // mapped and in memory
		old := MmapThreshold
		MmapThreshold = threshold
		d := openSpec(t, spec, Options{})
		MmapThreshold = old
		if d.Base.Rows != 950 || d.Query.Rows != 50 || len(d.BaseLabels) != 950 || len(d.QueryLabels) != 50 || len(d.Attributes) != 950 {
			t.Fatalf("shapes: base %d queries %d labels %d/%d attrs %d", d.Base.Rows, d.Query.Rows, len(d.BaseLabels), len(d.QueryLabels), len(d.Attributes))
		}
		h := d.Holdout
		if h == nil || h.Count != 50 || h.Seed != 7 || len(h.Rows) != 50 {
			t.Fatalf("holdout record %+v", h)
		}
		held := map[int]bool{}
		for i, r := range h.Rows {
			held[r] = true
			if !slices.Equal(d.Query.Row(i), base.Row(r)) || d.QueryLabels[i] != int32(labels[r]) {
				t.Fatalf("query %d is not base file row %d (or its label)", i, r)
			}
		}
		if len(held) != 50 {
			t.Fatalf("held-out rows repeat: %v", h.Rows)
		}
		if slices.IsSorted(h.Rows) {
			t.Error("queries are in file order; want a random order so that a query prefix is a random sample")
		}
		for id := 0; id < d.Base.Rows; id++ {
			r := h.BaseRow(id)
			if held[r] {
				t.Fatalf("base id %d is held-out row %d: a query would find itself", id, r)
			}
			if !slices.Equal(d.Base.Row(id), base.Row(r)) || d.BaseLabels[id] != int32(labels[r]) || d.Attributes[id] != attrs[r] {
				t.Fatalf("base id %d does not hold file row %d with its label and attribute", id, r)
			}
		}
	}
	a, b := openSpec(t, spec, Options{}), openSpec(t, spec, Options{})
	if !slices.Equal(a.Holdout.Rows, b.Holdout.Rows) || fp(t, a) != fp(t, b) {
		t.Error("the same seed held out different rows")
	}
	other := spec
	other.Seed = 8
	if c := openSpec(t, other, Options{}); slices.Equal(c.Holdout.Rows, a.Holdout.Rows) || fp(t, c) == fp(t, a) {
		t.Error("another seed held out the same rows or has the same fingerprint")
	}
	lim := openSpec(t, spec, Options{MaxBase: 500, MaxQueries: 20})
	if lim.Base.Rows != 450 || lim.Query.Rows != 20 || len(lim.QueryLabels) != 20 {
		t.Errorf("limited: base %d queries %d", lim.Base.Rows, lim.Query.Rows)
	}
	for _, r := range lim.Holdout.Rows {
		if r >= 500 {
			t.Errorf("held out row %d beyond the 500-row base limit", r)
		}
	}
}

// TestHoldoutRowsPinned pins the sampling, so that a seed keeps holding out
// the same rows across versions.
func TestHoldoutRowsPinned(t *testing.T) {
	got := holdoutRows(100, 5, 42)
	want := []int{74, 89, 55, 0, 12}
	if !slices.Equal(got, want) {
		t.Errorf("holdoutRows(100, 5, 42) = %v, pinned %v", got, want)
	}
	for n := 1; n < 40; n++ {
		for c := 0; c <= n; c++ {
			rows := holdoutRows(n, c, uint64(n*c))
			s := slices.Sorted(slices.Values(rows))
			if len(slices.Compact(s)) != c || (c > 0 && (s[0] < 0 || s[len(s)-1] >= n)) {
				t.Fatalf("holdoutRows(%d, %d) = %v", n, c, rows)
			}
		}
	}
}

func TestOpenFilesMixedFormats(t *testing.T) {
	dir := t.TempDir()
	base, q := randomMatrix(40, 6, 2), randomMatrix(5, 6, 3)
	must(t, WriteFvecs(filepath.Join(dir, "b.fvecs"), base))
	must(t, WriteNpy(filepath.Join(dir, "q.npy"), q))
	must(t, WriteIvecs(filepath.Join(dir, "labels.ivecs"), vector.IDMatrix{Data: make([]int32, 40), Rows: 40, Dim: 1, Stride: 1}))
	gt := vector.IDMatrix{Data: make([]int32, 15), Rows: 5, Dim: 3, Stride: 3}
	for i := range gt.Data {
		gt.Data[i] = int32(i)
	}
	must(t, WriteIbin(filepath.Join(dir, "gt.ibin"), gt))
	// No extension: told from the .npy magic.
	must(t, os.Rename(filepath.Join(dir, "q.npy"), filepath.Join(dir, "queries")))
	d := openSpec(t, FileSpec{Name: "mixed", Base: "b.fvecs", Queries: "queries", Metric: vector.Angular,
		Labels: "labels.ivecs", GroundTruth: "gt.ibin"}.Resolve(dir), Options{})
	if d.Base.Rows != 40 || d.Query.Rows != 5 || len(d.BaseLabels) != 40 || d.GroundTruth.Rows != 5 || d.GroundTruth.Row(4)[2] != 14 {
		t.Fatalf("base %d queries %d labels %d gt %d", d.Base.Rows, d.Query.Rows, len(d.BaseLabels), d.GroundTruth.Rows)
	}
	for i := 0; i < d.Base.Rows; i++ {
		var s float64
		for _, v := range d.Base.Row(i) {
			s += float64(v) * float64(v)
		}
		if math.Abs(s-1) > 1e-5 {
			t.Fatalf("angular base row %d has squared norm %v", i, s)
		}
	}
	if d.Dir != "" {
		t.Errorf("Dir = %q; own data must not get computed files written beside it", d.Dir)
	}
}

func TestOpenFilesHDF5(t *testing.T) {
	f := filepath.Join("hdf5", "testdata", "ann-chunked-gzip.hdf5")
	d := openSpec(t, FileSpec{Name: "h", Base: f + ":/train", Queries: f + ":/test", QueryLabels: f + ":/extra/labels",
		GroundTruth: f + ":/neighbors"}, Options{})
	if d.Metric != vector.Angular || d.Base.Rows != 100 || d.Base.Dim != 10 || d.Query.Rows != 15 || len(d.QueryLabels) != 15 || d.GroundTruth.Dim != 10 {
		t.Fatalf("metric %s base %d×%d queries %d labels %d gt dim %d", d.Metric, d.Base.Rows, d.Base.Dim, d.Query.Rows, len(d.QueryLabels), d.GroundTruth.Dim)
	}
	err := FileSpec{Name: "h", Base: f, Holdout: 5}.Check()
	if err == nil || !strings.Contains(err.Error(), f+":/<dataset>") {
		t.Errorf("HDF5 without a dataset path: %v", err)
	}
	err = FileSpec{Name: "h", Base: f + ":/train", Holdout: 5, Metric: vector.L2}.Check()
	if err == nil || !strings.Contains(err.Error(), "angular") {
		t.Errorf("metric contradicting the file: %v", err)
	}
}

func TestFileSpecErrors(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	must(t, WriteNpy(p("b.npy"), randomMatrix(30, 4, 1)))
	must(t, WriteNpy(p("q5.npy"), randomMatrix(3, 5, 1)))
	must(t, WriteNpy(p("q.npy"), randomMatrix(3, 4, 1)))
	writeNpyInts(t, p("l29.npy"), make([]int64, 29))
	must(t, os.WriteFile(p("lf.npy"), npyFile(1, npyDict("<f4", "(30,)"), make([]byte, 120)), 0o644))
	must(t, os.WriteFile(p("fortran.npy"), npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (30, 4), }", make([]byte, 480)), 0o644))
	must(t, os.WriteFile(p("i64.npy"), npyFile(1, npyDict("<i8", "(30, 4)"), make([]byte, 960)), 0o644))
	nan := randomMatrix(30, 4, 1)
	nan.Data[4*17+2] = float32(math.NaN())
	must(t, WriteNpy(p("nan.npy"), nan))
	must(t, WriteIvecs(p("ids.ivecs"), vector.IDMatrix{Data: make([]int32, 30), Rows: 30, Dim: 1, Stride: 1}))
	must(t, os.WriteFile(p("data.txt"), []byte("1 2 3\n"), 0o644))
	must(t, WriteIbin(p("gt.ibin"), vector.IDMatrix{Data: []int32{0, 1, 2, 3, 4, 99}, Rows: 3, Dim: 2, Stride: 2}))
	b, err := os.ReadFile(p("b.npy"))
	must(t, err)
	must(t, os.WriteFile(p("short.npy"), b[:len(b)-10], 0o644))
	ok := FileSpec{Name: "x", Base: p("b.npy"), Queries: p("q.npy"), Metric: vector.L2}
	with := func(change func(*FileSpec)) FileSpec { s := ok; change(&s); return s }
	cases := []struct {
		name string
		spec FileSpec
		want []string
	}{
		{"dimension mismatch", with(func(s *FileSpec) { s.Queries = p("q5.npy") }), []string{"queries", p("q5.npy"), "dimension 5", p("b.npy"), "4"}},
		{"label count", with(func(s *FileSpec) { s.Labels = p("l29.npy") }), []string{"labels", p("l29.npy"), "29 rows", "30 base vectors"}},
		{"float labels", with(func(s *FileSpec) { s.Labels = p("lf.npy") }), []string{"labels", p("lf.npy"), "holds float32 values, not integers"}},
		{"fortran", with(func(s *FileSpec) { s.Base = p("fortran.npy") }), []string{p("fortran.npy"), "Fortran"}},
		{"int64 vectors", with(func(s *FileSpec) { s.Base = p("i64.npy") }), []string{"base", p("i64.npy"), "holds int64 values, not vectors", "float32"}},
		{"truncated", with(func(s *FileSpec) { s.Base = p("short.npy") }), []string{p("short.npy"), "truncated"}},
		{"nan", with(func(s *FileSpec) { s.Base = p("nan.npy") }), []string{p("nan.npy"), "row 17, column 2", "NaN"}},
		{"missing", with(func(s *FileSpec) { s.Base = p("nope.npy") }), []string{"base", p("nope.npy"), "no such file"}},
		{"unknown format", with(func(s *FileSpec) { s.Base = p("data.txt") }), []string{p("data.txt"), "cannot tell the file format", ".npy"}},
		{"ids as vectors", with(func(s *FileSpec) { s.Base = p("ids.ivecs") }), []string{p("ids.ivecs"), "not vectors"}},
		{"vectors as labels", with(func(s *FileSpec) { s.Labels = p("q.npy") }), []string{"labels", p("q.npy"), "float32 values, not integers"}},
		{"gt id range", with(func(s *FileSpec) { s.GroundTruth = p("gt.ibin") }), []string{p("gt.ibin"), "id 99 outside [0,30)"}},
		{"gt rows", with(func(s *FileSpec) { s.GroundTruth = p("gt.ibin"); s.Queries = p("b.npy") }), []string{p("gt.ibin"), "3 rows", "30 queries"}},
		{"holdout too big", with(func(s *FileSpec) { s.Queries = ""; s.Holdout = 30 }), []string{"holdout 30", "30 rows"}},
		{"queries and holdout", with(func(s *FileSpec) { s.Holdout = 3 }), []string{"queries or holdout, not both"}},
		{"neither", with(func(s *FileSpec) { s.Queries = "" }), []string{"give queries", "holdout"}},
		{"no metric", with(func(s *FileSpec) { s.Metric = "" }), []string{"metric is required"}},
		{"bad metric", with(func(s *FileSpec) { s.Metric = "cosinus" }), []string{`unknown metric "cosinus"`}},
		{"bad name", with(func(s *FileSpec) { s.Name = "../x" }), []string{`"../x" must be`}},
		{"catalogue name", with(func(s *FileSpec) { s.Name = "siftsmall" }), []string{"catalogue dataset"}},
		{"synthetic name", with(func(s *FileSpec) { s.Name = "synthetic-1k-2" }), []string{"reserved"}},
		{"gt with holdout", with(func(s *FileSpec) { s.Queries = ""; s.Holdout = 2; s.GroundTruth = p("gt.ibin") }), []string{"ground_truth cannot be combined with holdout"}},
		{"query labels with holdout", with(func(s *FileSpec) { s.Queries = ""; s.Holdout = 2; s.QueryLabels = p("l29.npy") }), []string{"query_labels cannot be combined"}},
		{"no base", with(func(s *FileSpec) { s.Base = "" }), []string{"base is required"}},
	}
	for _, c := range cases {
		_, err := OpenFiles(context.Background(), c.spec, Options{CacheDir: t.TempDir()})
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
	if err := with(func(s *FileSpec) { s.Base = p("nan.npy") }).Check(); err != nil {
		t.Errorf("Check reads only headers, so NaN values pass it: %v", err)
	}
	for _, bad := range []FileSpec{with(func(s *FileSpec) { s.Queries = p("q5.npy") }), with(func(s *FileSpec) { s.Labels = p("lf.npy") }),
		with(func(s *FileSpec) { s.Base = p("i64.npy") }), with(func(s *FileSpec) { s.Base = p("fortran.npy") }), with(func(s *FileSpec) { s.Labels = p("l29.npy") })} {
		if err := bad.Check(); err == nil {
			t.Errorf("the header-only Check missed the problem with %+v", bad)
		}
	}
}

func TestFileSpecResolve(t *testing.T) {
	s := FileSpec{Base: "e/b.npy", Queries: "/abs/q.npy", Labels: "d.h5:/x/labels"}.Resolve("/cfg")
	if s.Base != "/cfg/e/b.npy" || s.Queries != "/abs/q.npy" || s.Labels != "/cfg/d.h5:/x/labels" || s.Train != "" {
		t.Errorf("resolved %+v", s)
	}
	if f, k := SplitHDF5Path("c:/data/x.npy"); f != "c:/data/x.npy" || k != "" {
		t.Errorf("non-HDF5 path split: %q %q", f, k)
	}
}

func TestOpenFilesTruncatedAfterOpen(t *testing.T) {
	old := MmapThreshold
	MmapThreshold = -1
	defer func() { MmapThreshold = old }()
	dir := t.TempDir()
	path := filepath.Join(dir, "b.npy")
	must(t, WriteNpy(path, randomMatrix(4096, 16, 1)))
	d2, err := OpenFiles(context.Background(), FileSpec{Name: "t", Base: path, Queries: path, Metric: vector.L2}, Options{CacheDir: t.TempDir()})
	must(t, err)
	defer d2.Close()
	must(t, os.Truncate(path, 4096))
	_, err = d2.Fingerprint()
	var fe *mapped.FaultError
	if !errors.As(err, &fe) || fe.Path != path {
		t.Fatalf("fingerprint after truncation: %v, want a FaultError naming %s", err, path)
	}
}

// FuzzProbeShape feeds arbitrary bytes to the header-only probe of every
// format: it must never panic, and where the full .npy parser accepts the
// file, the probe must report the same shape.
func FuzzProbeShape(f *testing.F) {
	var buf bytes.Buffer
	EncodeNpy(&buf, randomMatrix(3, 4, 1))
	f.Add(buf.Bytes())
	f.Add(npyFile(2, npyDict("<i8", "(5,)"), make([]byte, 40)))
	f.Add([]byte{2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0})                  // fvecs-like
	f.Add([]byte{1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})      // fbin-like
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 2, 7, 9})                        // IDX labels
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 255}) // IDX images
	path := filepath.Join(f.TempDir(), "x")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, format := range []Format{FormatNpy, FormatFvecs, FormatIvecs, FormatBvecs, FormatFbin, FormatIbin, FormatU8bin, FormatI8bin, FormatIDX} {
			sh, err := probeShape(path, format, "")
			if err != nil {
				continue
			}
			if sh.rows < 0 || sh.cols < 0 {
				t.Fatalf("%s: negative shape %+v", format, sh)
			}
			if format == FormatNpy {
				if m, err := ParseNpyVectors(b, 0); err == nil && (m.Rows != sh.rows || m.Dim != sh.cols) {
					t.Fatalf("probe says %d×%d, parser %d×%d", sh.rows, sh.cols, m.Rows, m.Dim)
				}
			}
		}
	})
}
