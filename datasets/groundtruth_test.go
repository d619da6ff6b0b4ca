package datasets

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

// fakeGT builds k-long id lists (and distances) for d's queries.
func fakeGT(d *Dataset, k int, seed int32) (vector.IDMatrix, vector.Matrix) {
	ids := vector.IDMatrix{Data: make([]int32, d.Query.Rows*k), Rows: d.Query.Rows, Dim: k, Stride: k}
	dists := vector.NewMatrix(d.Query.Rows, k)
	for i := range ids.Data {
		ids.Data[i] = (int32(i) + seed) % int32(d.Base.Rows)
		dists.Data[i] = float32(i)
	}
	return ids, dists
}

func TestStoreGroundTruthBuiltin(t *testing.T) {
	data, cache := t.TempDir(), t.TempDir()
	opt := Options{DataDir: data, CacheDir: cache}
	d, err := Open(context.Background(), "synthetic-2k-8", opt)
	must(t, err)
	if d.GroundTruth.Rows != 0 {
		t.Fatal("fresh synthetic data has ground truth")
	}
	ids, dists := fakeGT(d, 10, 0)
	must(t, d.StoreGroundTruth(10, ids, dists, cache))
	if d.GroundTruth.Dim != 10 {
		t.Fatal("StoreGroundTruth did not install the lists")
	}
	idName, distName := gtFileNames("synthetic-2k-8", 10, 200, 2000)
	for _, f := range []string{idName, distName} {
		if !exists(filepath.Join(cache, "synthetic-2k-8", f)) {
			t.Fatalf("%s not written under the cache", f)
		}
	}
	// A reopen finds it; a longer one stored later wins.
	d2, err := Open(context.Background(), "synthetic-2k-8", opt)
	must(t, err)
	if d2.GroundTruth.Rows != 200 || d2.GroundTruth.Dim != 10 || d2.GroundTruthDist.Dim != 10 || d2.GroundTruth.Row(3)[4] != ids.Row(3)[4] {
		t.Fatalf("reopened ground truth %d×%d", d2.GroundTruth.Rows, d2.GroundTruth.Dim)
	}
	long, _ := fakeGT(d2, 100, 7)
	must(t, d2.StoreGroundTruth(100, long, vector.Matrix{}, cache))
	d3, err := Open(context.Background(), "synthetic-2k-8", opt)
	must(t, err)
	if d3.GroundTruth.Dim != 100 || d3.GroundTruthDist.Rows != 0 || d3.GroundTruth.Row(0)[0] != 7 {
		t.Fatalf("longer ground truth not preferred: %d, dist rows %d", d3.GroundTruth.Dim, d3.GroundTruthDist.Rows)
	}
	// A query-limited open reuses the full lists; a base-limited one does not.
	d4, err := Open(context.Background(), "synthetic-2k-8", Options{DataDir: data, CacheDir: cache, MaxQueries: 50})
	must(t, err)
	if d4.GroundTruth.Rows != 50 || d4.GroundTruth.Dim != 100 {
		t.Fatalf("query-limited: %d×%d", d4.GroundTruth.Rows, d4.GroundTruth.Dim)
	}
	d5, err := Open(context.Background(), "synthetic-2k-8", Options{DataDir: data, CacheDir: cache, MaxBase: 500})
	must(t, err)
	if d5.GroundTruth.Rows != 0 {
		t.Fatal("base-limited open used ground truth of the full base")
	}
}

func TestStoreGroundTruthBesideData(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	e := writeTiny(t, dir)
	d, err := e.Open(context.Background(), Options{DataDir: dir, CacheDir: cache})
	must(t, err)
	ids, dists := fakeGT(d, 5, 1)
	must(t, d.StoreGroundTruth(5, ids, dists, cache))
	idName, _ := gtFileNames("tiny", 5, 3, 20)
	if !exists(filepath.Join(dir, "tiny", idName)) {
		t.Fatal("not stored beside the data")
	}
	d2, err := e.Open(context.Background(), Options{DataDir: dir, CacheDir: cache})
	must(t, err)
	if d2.GroundTruth.Dim != 5 {
		t.Fatalf("stored k=5 not preferred over shipped k=2: %d", d2.GroundTruth.Dim)
	}
	// Shorter stored lists do not replace the shipped ones.
	short, _ := fakeGT(d, 1, 0)
	must(t, d.StoreGroundTruth(1, short, vector.Matrix{}, cache))
	if d.GroundTruth.Dim != 5 {
		t.Fatalf("shorter lists replaced longer ones in memory")
	}
}

func TestStoreGroundTruthReadOnlyDir(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	e := writeTiny(t, dir)
	must(t, os.Chmod(filepath.Join(dir, "tiny"), 0o555))
	defer os.Chmod(filepath.Join(dir, "tiny"), 0o755)
	d, err := e.Open(context.Background(), Options{DataDir: dir, CacheDir: cache})
	must(t, err)
	ids, dists := fakeGT(d, 4, 0)
	must(t, d.StoreGroundTruth(4, ids, dists, cache))
	idName, _ := gtFileNames("tiny", 4, 3, 20)
	if !exists(filepath.Join(cache, "tiny", idName)) {
		t.Fatal("read-only data dir: not stored in the cache")
	}
	d2, err := e.Open(context.Background(), Options{DataDir: dir, CacheDir: cache})
	must(t, err)
	if d2.GroundTruth.Dim != 4 {
		t.Fatalf("cached lists not found: k=%d", d2.GroundTruth.Dim)
	}
}

func TestStoreGroundTruthErrors(t *testing.T) {
	d, err := Open(context.Background(), "synthetic-1k-4", Options{DataDir: t.TempDir()})
	must(t, err)
	ids, dists := fakeGT(d, 3, 0)
	bad := ids
	bad.Data = append([]int32{}, ids.Data...)
	bad.Data[5] = 1000
	tests := []struct {
		name  string
		k     int
		ids   vector.IDMatrix
		dists vector.Matrix
		cache string
		want  string
	}{
		{"k mismatch", 4, ids, dists, t.TempDir(), "k=4 but the id lists have 3 entries"},
		{"row mismatch", 3, vector.IDMatrix{Data: ids.Data[:30], Rows: 10, Dim: 3, Stride: 3}, vector.Matrix{}, t.TempDir(), "10 id lists for 100 queries"},
		{"id range", 3, bad, dists, t.TempDir(), "id 1000 is outside"},
		{"dist shape", 3, ids, vector.NewMatrix(100, 2), t.TempDir(), "distances are 100×2"},
		{"no cache", 3, ids, dists, "", "no directory to write to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := d.StoreGroundTruth(tt.k, tt.ids, tt.dists, tt.cache)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestStoredGroundTruthCorrupt(t *testing.T) {
	cache := t.TempDir()
	opt := Options{DataDir: t.TempDir(), CacheDir: cache}
	d, err := Open(context.Background(), "synthetic-1k-4", opt)
	must(t, err)
	idName, _ := gtFileNames(d.Name, 10, 100, 1000)
	must(t, os.MkdirAll(filepath.Join(cache, d.Name), 0o755))
	must(t, WriteIvecs(filepath.Join(cache, d.Name, idName), vector.IDMatrix{Data: make([]int32, 100*9), Rows: 100, Dim: 9, Stride: 9}))
	if _, err := Open(context.Background(), "synthetic-1k-4", opt); err == nil || !strings.Contains(err.Error(), "its name says 100×10") || !strings.Contains(err.Error(), idName) {
		t.Fatalf("error %v", err)
	}
}

func TestParseGTName(t *testing.T) {
	ids, dists := gtFileNames("synthetic-ip-20k-64", 100, 1000, 20000)
	if ids != "synthetic-ip-20k-64_groundtruth_k100_q1000_b20000.ivecs" || dists != "synthetic-ip-20k-64_groundtruth_distances_k100_q1000_b20000.fvecs" {
		t.Fatalf("names %s %s", ids, dists)
	}
	if k, q, b, ok := parseGTName("synthetic-ip-20k-64", ids); !ok || k != 100 || q != 1000 || b != 20000 {
		t.Fatalf("parse %d %d %d %v", k, q, b, ok)
	}
	for _, f := range []string{dists, "synthetic-ip-20k-64_groundtruth.ivecs", "synthetic-ip-20k-64_groundtruth_k100_q1000_b20000x.ivecs",
		"synthetic-ip-20k-64_groundtruth_k1_q1_b1.ivecs.tmp", "other_groundtruth_k1_q1_b1.ivecs"} {
		if _, _, _, ok := parseGTName("synthetic-ip-20k-64", f); ok {
			t.Errorf("%s accepted", f)
		}
	}
}
