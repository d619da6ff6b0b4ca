package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// fixtureName is an ann-benchmarks-layout HDF5 test fixture registered in
// the catalogue for the download tests.
const fixtureName = "ann-default"

var registerFixture sync.Once

// serveFixture registers the fixture entry and starts a mirror holding
// it at <mirror>/ann-benchmarks.com/ann-default.hdf5.
func serveFixture(t *testing.T) string {
	t.Helper()
	registerFixture.Do(func() {
		url := "https://ann-benchmarks.com/" + fixtureName + ".hdf5"
		err := datasets.Register(datasets.Entry{
			Name: fixtureName, Dim: 12, Metric: vector.L2, BaseCount: 300, QueryCount: 20,
			Format: datasets.FormatHDF5, Note: "h5py test fixture in ann-benchmarks layout",
			Files: []datasets.File{
				{Role: datasets.RoleBase, Name: fixtureName + ".hdf5", Format: datasets.FormatHDF5, Key: "train", URL: url},
				{Role: datasets.RoleQuery, Name: fixtureName + ".hdf5", Format: datasets.FormatHDF5, Key: "test", URL: url},
				{Role: datasets.RoleGroundTruth, Name: fixtureName + ".hdf5", Format: datasets.FormatHDF5, Key: "neighbors", URL: url},
				{Role: datasets.RoleGroundTruthDistances, Name: fixtureName + ".hdf5", Format: datasets.FormatHDF5, Key: "distances", URL: url},
			},
		})
		if err != nil {
			panic(err)
		}
	})
	b, err := os.ReadFile("../../datasets/hdf5/testdata/ann-default.hdf5")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ann-benchmarks.com/"+fixtureName+".hdf5" {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(string(b)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestDownloadCommand(t *testing.T) {
	mirror := serveFixture(t)
	dir := t.TempDir()

	out, errOut, code := cli(t, "download", "--data", dir, "--mirror", mirror, "--dry-run", fixtureName)
	if code != 0 || !strings.Contains(out, "fetch  27.2 KiB  "+mirror+"/ann-benchmarks.com/ann-default.hdf5") ||
		!strings.Contains(out, "would download 27.2 KiB") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, fixtureName)); err == nil {
		t.Error("dry run created the dataset directory")
	}

	t.Setenv("ANNBENCH_MIRROR", mirror) // the environment works like --mirror
	out, errOut, code = cli(t, "download", "--data", dir, fixtureName)
	if code != 0 || !strings.Contains(out, "ann-default: ready in "+filepath.Join(dir, fixtureName)) {
		t.Fatalf("download: exit %d\n%s%s", code, out, errOut)
	}
	d, err := datasets.Open(context.Background(), fixtureName, datasets.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Base.Rows != 300 || d.Base.Dim != 12 || d.Query.Rows != 20 || d.GroundTruth.Rows != 20 || d.GroundTruth.Dim != 10 {
		t.Errorf("downloaded dataset has base %d×%d, %d queries, ground truth %d×%d",
			d.Base.Rows, d.Base.Dim, d.Query.Rows, d.GroundTruth.Rows, d.GroundTruth.Dim)
	}
	out, _, code = cli(t, "download", "--data", dir, "--dry-run", fixtureName)
	if code != 0 || !strings.Contains(out, "present") || !strings.Contains(out, "would download 0 B") {
		t.Errorf("dry run after download: exit %d\n%s", code, out)
	}
	out, errOut, code = cli(t, "download", "--data", dir, "--verify", fixtureName)
	if code != 0 || !strings.Contains(errOut, "present:") {
		t.Errorf("verify: exit %d\n%s%s", code, out, errOut)
	}
}

// TestDownloadThenRunFlat is the acceptance check: download an
// ann-benchmarks-layout file from a mirror, then run flat on it; exact
// search must reproduce the file's own neighbors.
func TestDownloadThenRunFlat(t *testing.T) {
	mirror := serveFixture(t)
	dir := t.TempDir()
	if _, errOut, code := cli(t, "download", "--data", dir, "--mirror", mirror, fixtureName); code != 0 {
		t.Fatalf("download: exit %d\n%s", code, errOut)
	}
	t.Setenv("ANNBENCH_DATA", dir)
	out := t.TempDir()
	_, errOut, code := cli(t, "run", "--no-plots", "datasets=["+fixtureName+"]", "algorithms=[{name: flat}]", "trials=1",
		"output="+filepath.Join(out, "results"), "cache="+filepath.Join(out, "cache"))
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut)
	}
	r, err := onlyResult(t, filepath.Join(out, "results", fixtureName, "flat"))
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Points[0]; p.Recall != 1 || p.RecallAt1 != 1 {
		t.Errorf("flat on the downloaded HDF5: recall@10 = %.4f, recall@1 = %.4f; want 1.000 and 1.000", p.Recall, p.RecallAt1)
	}
}

func TestDownloadCommandErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"download"}, 2, "name at least one dataset"},
		{[]string{"download", "no-such-set"}, 2, `unknown dataset "no-such-set" (valid: `},
		{[]string{"download", "--frobnicate", "sift1m"}, 2, "unknown flag: --frobnicate"},
		{[]string{"download", "synthetic-20k-64"}, 0, "synthetic-20k-64: built in, nothing to download"},
	}
	for _, tc := range tests {
		out, errOut, code := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: exit %d, output\n%s%s\nwant exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
	// A failing mirror gives exit 1 and names the URL.
	dir := t.TempDir()
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, errOut, code := cli(t, "download", "--data", dir, "--mirror", srv.URL, "glove-25-angular")
	if code != 1 || !strings.Contains(errOut, "HTTP 404 Not Found from "+srv.URL+"/ann-benchmarks.com/glove-25-angular.hdf5") {
		t.Errorf("404 mirror: exit %d\n%s", code, errOut)
	}
}
