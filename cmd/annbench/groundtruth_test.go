package main

import (
	"path/filepath"
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
