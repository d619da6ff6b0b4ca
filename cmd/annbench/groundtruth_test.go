package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets"
)

func TestGroundTruthCommand(t *testing.T) {
	dir := t.TempDir()
	dir = filepath.Join(dir, "new", "sub") // --out creates missing directories
	out, errs, code := cli(t, "groundtruth", "synthetic-2k-8", "-k", "20", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	ids, closer, err := datasets.ReadIvecs(filepath.Join(dir, "synthetic-2k-8_groundtruth.ivecs"), 0)
	if err != nil {
		t.Fatalf("%v\nstdout: %s", err, out)
	}
	defer closer.Close()
	if ids.Dim != 20 || ids.Rows == 0 {
		t.Fatalf("ground truth is %d×%d, want 20 columns", ids.Rows, ids.Dim)
	}
	ds, err := datasets.Open(t.Context(), "synthetic-2k-8", datasets.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	// The first neighbour of every query must be its exact nearest vector.
	for qi := 0; qi < ids.Rows; qi++ {
		q := ds.Query.Row(qi)
		best, bestD := -1, float32(0)
		for i := 0; i < ds.Base.Rows; i++ {
			var d float32
			for j, v := range ds.Base.Row(i) {
				d += (v - q[j]) * (v - q[j])
			}
			if best < 0 || d < bestD {
				best, bestD = i, d
			}
		}
		got := ids.Row(qi)[0]
		var gd float32
		for j, v := range ds.Base.Row(int(got)) {
			gd += (v - q[j]) * (v - q[j])
		}
		if gd > bestD*(1+1e-5) {
			t.Fatalf("query %d: first neighbour %d at %g, exact %d at %g", qi, got, gd, best, bestD)
		}
	}
	if _, _, code := cli(t, "groundtruth", "synthetic-2k-8", "-k", "0"); code != 2 {
		t.Errorf("-k 0: exit %d, want 2", code)
	}
}

// TestGroundTruthNeverOverwrites is issue 12's probe 9: --out never
// replaces files without --force, and never writes into the dataset's own
// directory; without --out the lists go to the cache.
func TestGroundTruthNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	args := []string{"groundtruth", "synthetic-2k-8", "-k", "5", "--queries", "10", "--out", dir}
	if _, errs, code := cli(t, args...); code != 0 {
		t.Fatalf("first write: exit %d: %s", code, errs)
	}
	if _, errs, code := cli(t, args...); code != 2 || !strings.Contains(errs, "synthetic-2k-8_groundtruth.ivecs exists; pass --force") {
		t.Fatalf("second write: exit %d: %s", code, errs)
	}
	if _, errs, code := cli(t, append(args, "--force")...); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errs)
	}
	cache := t.TempDir()
	out, errs, code := cli(t, "groundtruth", "synthetic-2k-8", "-k", "5", "--queries", "10", "--cache", cache)
	if code != 0 || !strings.Contains(out, filepath.Join(cache, "groundtruth", "synthetic-2k-8")) {
		t.Fatalf("cache write: exit %d: %s %s", code, out, errs)
	}

	src := os.Getenv("ANNBENCH_TESTDATA")
	if src == "" {
		t.Skip("ANNBENCH_TESTDATA is not set; the dataset-directory case needs siftsmall")
	}
	// A private data directory whose siftsmall files link to the shared ones.
	data := t.TempDir()
	own := filepath.Join(data, "siftsmall")
	if err := os.Mkdir(own, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"siftsmall_base.fvecs", "siftsmall_query.fvecs", "siftsmall_groundtruth.ivecs"} {
		if err := os.Symlink(filepath.Join(src, "siftsmall", f), filepath.Join(own, f)); err != nil {
			t.Fatal(err)
		}
	}
	_, errs, code = cli(t, "groundtruth", "siftsmall", "--data", data, "--cache", cache, "--out", own, "--force")
	if code != 2 || !strings.Contains(errs, "is the dataset's own directory") {
		t.Fatalf("--out into the dataset directory: exit %d: %s", code, errs)
	}
	if fi, err := os.Lstat(filepath.Join(own, "siftsmall_groundtruth.ivecs")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the publisher's file was touched: %v", err)
	}
}
