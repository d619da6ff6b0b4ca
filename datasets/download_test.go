package datasets

import (
	"context"
	"encoding/binary"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/annbench/annbench/datasets/vector"
)

// hdf5Fixture returns the bytes of a fixture written by
// hdf5/testdata/make_fixtures.py.
func hdf5Fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("hdf5", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureEntry describes a fixture as an ann-benchmarks catalogue entry.
func fixtureEntry(name string, dim int, m vector.Metric, base, query int) Entry {
	e := annBenchmarks(name, dim, m, base, query, "test fixture")
	return e
}

func TestOpenHDF5(t *testing.T) {
	tests := []struct {
		file             string
		metric           vector.Metric
		dim, base, query int
	}{
		{"ann-default", vector.L2, 12, 300, 20},
		{"ann-chunked-gzip", vector.Angular, 10, 100, 15},
		{"ann-latest", vector.IP, 6, 100, 12},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, tc.file), 0o755)
			os.WriteFile(filepath.Join(dir, tc.file, tc.file+".hdf5"), hdf5Fixture(t, tc.file+".hdf5"), 0o644)
			e := fixtureEntry(tc.file, tc.dim, tc.metric, tc.base, tc.query)
			d, err := e.Open(context.Background(), Options{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if d.Metric != tc.metric || d.Base.Rows != tc.base || d.Query.Rows != tc.query || d.Base.Dim != tc.dim {
				t.Fatalf("opened %s %d×%d / %d queries, want %s %d×%d / %d", d.Metric, d.Base.Rows, d.Base.Dim, d.Query.Rows, tc.metric, tc.base, tc.dim, tc.query)
			}
			if d.GroundTruth.Rows != tc.query || d.GroundTruth.Dim != 10 || d.GroundTruthDist.Rows != tc.query {
				t.Fatalf("ground truth %d×%d, distances %d rows", d.GroundTruth.Rows, d.GroundTruth.Dim, d.GroundTruthDist.Rows)
			}
			if tc.metric == vector.Angular {
				if n := vecNorm(d.Base.Row(0)); math.Abs(n-1) > 1e-5 {
					t.Errorf("angular base row 0 has norm %v, want 1", n)
				}
			}
			// Exact search agrees with the file's nearest neighbour.
			for q := 0; q < d.Query.Rows; q++ {
				best, bestD := -1, math.Inf(1)
				for i := 0; i < d.Base.Rows; i++ {
					if s := dissim(d.Metric, d.Query.Row(q), d.Base.Row(i)); s < bestD {
						best, bestD = i, s
					}
				}
				if int32(best) != d.GroundTruth.Row(q)[0] {
					t.Fatalf("query %d: exact nearest %d, file says %d", q, best, d.GroundTruth.Row(q)[0])
				}
			}
		})
	}
}

func vecNorm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func dissim(m vector.Metric, a, b []float32) float64 {
	var dot, l2 float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		l2 += (float64(a[i]) - float64(b[i])) * (float64(a[i]) - float64(b[i]))
	}
	if m == vector.L2 {
		return l2
	}
	return -dot
}

func TestOpenHDF5Errors(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "ann-default"), 0o755)
	good := hdf5Fixture(t, "ann-default.hdf5")
	os.WriteFile(filepath.Join(dir, "ann-default", "ann-default.hdf5"), good, 0o644)
	e := fixtureEntry("ann-default", 12, vector.Angular, 300, 20)
	if _, err := e.Open(context.Background(), Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "declares metric l2, the catalogue says angular") {
		t.Errorf("metric mismatch: %v", err)
	}
	e.Metric = ""
	d, err := e.Open(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatalf("metric from the file: %v", err)
	}
	if d.Metric != vector.L2 {
		t.Errorf("metric %s, want l2 from the distance attribute", d.Metric)
	}
	d.Close()
	e = fixtureEntry("ann-default", 12, vector.L2, 300, 20)
	e.Files[1].Key = "nope"
	if _, err := e.Open(context.Background(), Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), `"nope" not found (group has: distances, neighbors, test, train)`) {
		t.Errorf("missing key: %v", err)
	}
	// A truncated file names the file and what is missing.
	os.WriteFile(filepath.Join(dir, "ann-default", "ann-default.hdf5"), good[:7000], 0o644)
	e = fixtureEntry("ann-default", 12, vector.L2, 300, 20)
	_, err = e.Open(context.Background(), Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "ann-default.hdf5") || !strings.Contains(err.Error(), "beyond end of file") {
		t.Errorf("truncated file: %v", err)
	}
}

// mirror serves files under <host>/<path> as a mirror would.
func mirror(t *testing.T, files map[string][]byte) (url string, requests *int) {
	t.Helper()
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(string(b)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// TestDownloadThenOpen is the mirror flow: `annbench download` of an
// ann-benchmarks-layout file from a local mirror, then Open.
func TestDownloadThenOpen(t *testing.T) {
	fixture := hdf5Fixture(t, "ann-default.hdf5")
	url, requests := mirror(t, map[string][]byte{"/ann-benchmarks.com/ann-default.hdf5": fixture})
	dir := t.TempDir()
	e := fixtureEntry("ann-default", 12, vector.L2, 300, 20)
	opt := DownloadOptions{DataDir: dir, Mirror: url, Backoff: time.Millisecond}
	plan, err := e.DownloadPlan(context.Background(), opt, true)
	if err != nil || len(plan) != 1 || plan[0].Present || plan[0].Size != int64(len(fixture)) {
		t.Fatalf("plan %+v, %v; want one absent file of %d bytes", plan, err, len(fixture))
	}
	if err := e.Download(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	d, err := e.Open(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Base.Rows != 300 || d.Query.Rows != 20 || d.GroundTruth.Rows != 20 || d.GroundTruth.Dim != 10 {
		t.Fatalf("shapes %d/%d/%d×%d after download", d.Base.Rows, d.Query.Rows, d.GroundTruth.Rows, d.GroundTruth.Dim)
	}
	if _, err := os.Stat(filepath.Join(dir, "annbench.lock")); err != nil {
		t.Errorf("no lock file: %v", err)
	}
	n := *requests
	if err := e.Ensure(context.Background(), opt); err != nil || *requests != n {
		t.Errorf("Ensure on a present dataset: %v, %d requests", err, *requests-n)
	}
	if plan, _ := e.DownloadPlan(context.Background(), opt, false); !plan[0].Present {
		t.Errorf("plan after download says absent")
	}
}

// TestDownloadBigannPrefix exercises the ranged prefix + header rewrite of
// a big-ann subset end to end, on a small stand-in for base.1B.u8bin.
func TestDownloadBigannPrefix(t *testing.T) {
	const full, keep, dim = 500, 120, 8
	base := make([]byte, 8+full*dim)
	binary.LittleEndian.PutUint32(base, full)
	binary.LittleEndian.PutUint32(base[4:], dim)
	for i := range base[8:] {
		base[8+i] = byte(i % 251)
	}
	query := make([]byte, 8+5*dim)
	binary.LittleEndian.PutUint32(query, 5)
	binary.LittleEndian.PutUint32(query[4:], dim)
	url, _ := mirror(t, map[string][]byte{
		"/example.org/bigann/base.1B.u8bin":          base,
		"/example.org/bigann/query.public.10K.u8bin": query,
	})
	size := int64(8 + keep*dim)
	e := Entry{Name: "tiny-bigann", Dim: dim, Metric: vector.L2, BaseCount: keep, QueryCount: 5, Format: FormatU8bin, Note: "test",
		Files: []File{
			{Role: RoleBase, Name: "base.u8bin", Format: FormatU8bin, URL: "https://example.org/bigann/base.1B.u8bin", Prefix: size, HeaderRows: keep, Size: size},
			{Role: RoleQuery, Name: "query.u8bin", Format: FormatU8bin, URL: "https://example.org/bigann/query.public.10K.u8bin"},
		}}
	dir := t.TempDir()
	if err := e.Download(context.Background(), DownloadOptions{DataDir: dir, Mirror: url}); err != nil {
		t.Fatal(err)
	}
	d, err := e.Open(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Base.Rows != keep || d.Base.Dim != dim || d.Base.Row(keep - 1)[dim-1] != float32((keep*dim-1)%251) {
		t.Fatalf("prefix base %d×%d, last value %v", d.Base.Rows, d.Base.Dim, d.Base.Row(keep - 1)[dim-1])
	}
}

func TestFetchItems(t *testing.T) {
	items := func(name string) int {
		e, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		its, err := e.fetchItems()
		if err != nil {
			t.Fatal(err)
		}
		return len(its)
	}
	e, _ := Lookup("sift1m")
	its, _ := e.fetchItems()
	if len(its) != 1 || len(its[0].Members) != 4 || its[0].Path != "sift1m/sift.tar.gz" || its[0].Members[0].Name != "sift/sift_base.fvecs" {
		t.Errorf("sift1m items %+v", its)
	}
	if n := items("glove-100-angular"); n != 1 {
		t.Errorf("an HDF5 entry gives %d downloads, want 1", n)
	}
	e, _ = Lookup("bigann-10m")
	its, _ = e.fetchItems()
	if len(its) != 3 || its[0].Prefix != 8+10000000*128 || len(its[0].Patches) != 1 ||
		binary.LittleEndian.Uint32(its[0].Patches[0].Data) != 10000000 || its[2].Prefix != 8+10000*100*4 {
		t.Errorf("bigann-10m items %+v", its)
	}
	e, _ = Lookup("fashion-mnist")
	its, _ = e.fetchItems()
	if len(its) != 4 || its[0].SHA256 != "" || its[0].Size != 0 {
		t.Errorf("fashion-mnist downloads should not enforce Debian's checksums: %+v", its[0])
	}
	e, _ = Lookup("deep1m")
	its, _ = e.fetchItems()
	if len(its) != 3 || len(its[2].Members) != 1 || its[0].Path != "deep-1m/base.1M.fbin" {
		t.Errorf("deep1m items %+v", its)
	}
}

func TestRegister(t *testing.T) {
	e := fixtureEntry("registered-fixture", 12, vector.L2, 300, 20)
	if err := Register(e); err != nil {
		t.Fatal(err)
	}
	if got, err := Lookup("registered-fixture"); err != nil || got.Dim != 12 {
		t.Fatalf("Lookup after Register: %+v, %v", got, err)
	}
	for _, bad := range []Entry{e, {Name: ""}, {Name: "synthetic-x", Files: e.Files}, {Name: "nofiles"}} {
		if err := Register(bad); err == nil {
			t.Errorf("Register(%q) succeeded", bad.Name)
		}
	}
}
