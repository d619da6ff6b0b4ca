package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

// testData returns $ANNBENCH_TESTDATA or skips the test.
func testData(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ANNBENCH_TESTDATA")
	if dir == "" {
		t.Skip("ANNBENCH_TESTDATA is not set; set it to a directory holding siftsmall/ and fashion-mnist/ (e.g. ../shared/datasets) to run the real-data tests")
	}
	return dir
}

// runFlat runs flat on one dataset with overrides and returns its point.
func runFlat(t *testing.T, dataset string, extra ...string) result.Point {
	t.Helper()
	t.Setenv("ANNBENCH_DATA", testData(t))
	dir := t.TempDir()
	args := append([]string{"run", "--no-plots", "datasets=[" + dataset + "]", "algorithms=[{name: flat}]",
		"output=" + filepath.Join(dir, "results"), "cache=" + filepath.Join(dir, "cache")}, extra...)
	_, errs, code := cli(t, args...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	r, err := onlyResult(t, filepath.Join(dir, "results", dataset, "flat"))
	if err != nil {
		t.Fatal(err)
	}
	return r.Points[0]
}

// TestFlatSiftsmallExact checks exact search against the shipped TEXMEX
// ground truth.
func TestFlatSiftsmallExact(t *testing.T) {
	p := runFlat(t, "siftsmall", "trials=1")
	if p.Recall != 1 || p.RecallAt1 != 1 {
		t.Errorf("siftsmall flat recall@10 = %.4f, recall@1 = %.4f; want 1.000 and 1.000", p.Recall, p.RecallAt1)
	}
}

// TestFlatFashionMNISTExact checks exact search on all 10,000 queries
// against the shipped ground truth, in batch mode on two threads.
func TestFlatFashionMNISTExact(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 10,000 exact queries over 60,000 vectors")
	}
	p := runFlat(t, "fashion-mnist", "trials=1", "mode=batch", "threads=2")
	if p.Recall != 1 {
		t.Errorf("fashion-mnist flat recall@10 = %.4f, want 1.000", p.Recall)
	}
	if p.RecallAt1 != 1 {
		t.Errorf("fashion-mnist flat recall@1 = %.4f, want 1.000", p.RecallAt1)
	}
}
