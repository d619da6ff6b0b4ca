package groundtruth

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func openSynthetic(t *testing.T, name string, opt datasets.Options) *datasets.Dataset {
	t.Helper()
	if opt.DataDir == "" {
		opt.DataDir = t.TempDir()
	}
	d, err := datasets.Open(context.Background(), name, opt)
	must(t, err)
	t.Cleanup(func() { d.Close() })
	return d
}

// fakeGT builds k-long id lists (and distances) for d's queries.
func fakeGT(d *datasets.Dataset, k int, seed int32) (vector.IDMatrix, vector.Matrix) {
	ids := vector.IDMatrix{Data: make([]int32, d.Query.Rows*k), Rows: d.Query.Rows, Dim: k, Stride: k}
	dists := vector.NewMatrix(d.Query.Rows, k)
	for i := range ids.Data {
		ids.Data[i] = (int32(i) + seed) % int32(d.Base.Rows)
		dists.Data[i] = float32(i)
	}
	return ids, dists
}

func keyOf(t *testing.T, d *datasets.Dataset) Key {
	t.Helper()
	fp, err := d.Fingerprint()
	must(t, err)
	return Key{Dataset: d.Name, Fingerprint: fp, Queries: d.Query.Rows, Base: d.Base.Rows}
}

func TestComputeMatchesReference(t *testing.T) {
	for _, m := range vector.Metrics {
		name := map[vector.Metric]string{vector.L2: "synthetic-2k-8", vector.IP: "synthetic-ip-2k-8", vector.Angular: "synthetic-angular-2k-8"}[m]
		d := openSynthetic(t, name, datasets.Options{MaxQueries: 30})
		ids, dists, err := Compute(context.Background(), m, d.Base, d.Query, 10, 2)
		must(t, err)
		tr, err := score.New(m, d.Base, d.Query, ids, 10)
		must(t, err)
		for qi := 0; qi < d.Query.Rows; qi++ {
			// Every id is a true neighbour of the reference distance, and the
			// published distance is the reference one converted.
			best := math.Inf(1)
			for i := 0; i < d.Base.Rows; i++ {
				best = min(best, score.Distance(m, d.Query.Row(qi), d.Base.Row(i)))
			}
			ref := score.Distance(m, d.Query.Row(qi), d.Base.Row(int(ids.Row(qi)[0])))
			if ref > best+1e-5*math.Max(1, math.Abs(best)) {
				t.Fatalf("%s query %d: nearest at %v, brute force %v", m, qi, ref, best)
			}
			want := Published(m, float32(ref))
			if got := dists.Row(qi)[0]; math.Abs(float64(got-want)) > 1e-4*math.Max(1, math.Abs(float64(want))) {
				t.Fatalf("%s query %d: published distance %v, want %v", m, qi, got, want)
			}
		}
		s, err := tr.Score(rows(ids))
		must(t, err)
		if s.Recall != 1 {
			t.Errorf("%s: ground truth scores %v against itself", m, s.Recall)
		}
	}
}

func rows(m vector.IDMatrix) [][]int32 {
	out := make([][]int32, m.Rows)
	for i := range out {
		out[i] = m.Row(i)
	}
	return out
}

func TestPublished(t *testing.T) {
	if got := Published(vector.L2, 9); got != 3 {
		t.Errorf("l2 9 -> %v, want 3", got)
	}
	if got := Published(vector.L2, -1e-7); got != 0 {
		t.Errorf("l2 rounding below 0 -> %v, want 0", got)
	}
	if got := Published(vector.IP, -2.5); got != 2.5 {
		t.Errorf("ip -2.5 -> %v, want 2.5", got)
	}
	if got := Published(vector.Angular, -0.75); got != 0.25 {
		t.Errorf("angular -0.75 -> %v, want 0.25", got)
	}
}

func TestCacheStoreLoad(t *testing.T) {
	cache := Cache{Dir: t.TempDir()}
	d := openSynthetic(t, "synthetic-2k-8", datasets.Options{})
	key := keyOf(t, d)
	if s, err := cache.Load(key, 10); s != nil || err != nil {
		t.Fatalf("empty cache: %v, %v", s, err)
	}
	ids, dists := fakeGT(d, 10, 0)
	path, err := cache.Store(key, ids, dists)
	must(t, err)
	if !strings.HasPrefix(path, filepath.Join(cache.Dir, "groundtruth", "synthetic-2k-8")+string(filepath.Separator)) {
		t.Errorf("stored at %s, want under the cache", path)
	}
	s, err := cache.Load(key, 10)
	must(t, err)
	if s == nil || s.IDs.Rows != 200 || s.IDs.Dim != 10 || s.Dists.Dim != 10 || s.IDs.Row(3)[4] != ids.Row(3)[4] {
		t.Fatalf("reloaded %+v", s)
	}
	s.Close()
	// A longer list stored later wins; asking for more than any holds finds
	// none.
	long, _ := fakeGT(d, 100, 7)
	_, err = cache.Store(key, long, vector.Matrix{})
	must(t, err)
	s, err = cache.Load(key, 5)
	must(t, err)
	if s.IDs.Dim != 100 || s.Dists.Rows != 0 || s.IDs.Row(0)[0] != 7 {
		t.Fatalf("longer ground truth not preferred: %d, dist rows %d", s.IDs.Dim, s.Dists.Rows)
	}
	s.Close()
	if s, _ := cache.Load(key, 101); s != nil {
		t.Error("k=101 found lists of 100")
	}
	// Other content never matches: a base limit, a query prefix, an edited
	// base row.
	for name, opt := range map[string]datasets.Options{"base-limited": {MaxBase: 500}, "query-limited": {MaxQueries: 50}} {
		o := openSynthetic(t, "synthetic-2k-8", opt)
		if s, err := cache.Load(keyOf(t, o), 10); s != nil || err != nil {
			t.Errorf("%s open found the full data's lists (%v)", name, err)
		}
	}
}

// fileDataset writes base and queries as .fvecs files under dir and opens
// them as an own-data dataset named name.
func fileDataset(t *testing.T, dir, name string, base, queries vector.Matrix) *datasets.Dataset {
	t.Helper()
	bp, qp := filepath.Join(dir, "base.fvecs"), filepath.Join(dir, "queries.fvecs")
	must(t, datasets.WriteFvecs(bp, base))
	must(t, datasets.WriteFvecs(qp, queries))
	d, err := datasets.OpenFiles(context.Background(), datasets.FileSpec{Name: name, Base: bp, Queries: qp, Metric: vector.L2},
		datasets.Options{CacheDir: filepath.Join(dir, "cache")})
	must(t, err)
	t.Cleanup(func() { d.Close() })
	return d
}

// TestEditedFileRecomputes is issue 12's probe 7: edit one base row of a
// dataset's file and the ground truth cached for it is not reused.
func TestEditedFileRecomputes(t *testing.T) {
	ctx := context.Background()
	src := openSynthetic(t, "synthetic-2k-8", datasets.Options{MaxQueries: 50})
	dir := t.TempDir()
	var log bytes.Buffer
	opt := Options{K: 10, Cache: Cache{Dir: t.TempDir()}, Log: &log}
	d := fileDataset(t, dir, "mine", src.Base, src.Query)
	must(t, Prepare(ctx, d, opt))
	nearest := d.GroundTruth.Row(0)[0]
	log.Reset()
	must(t, Prepare(ctx, fileDataset(t, dir, "mine", src.Base, src.Query), opt))
	if !strings.Contains(log.String(), "ground truth from") {
		t.Fatalf("unchanged files did not reuse the cache: %q", log.String())
	}
	// Move query 0's nearest neighbour far away.
	edited := src.Base.Compact(true)
	for j := range edited.Row(int(nearest)) {
		edited.Row(int(nearest))[j] += 1000
	}
	log.Reset()
	d3 := fileDataset(t, dir, "mine", edited, src.Query)
	must(t, Prepare(ctx, d3, opt))
	if !strings.Contains(log.String(), "computing exact ground truth") || d3.GroundTruth.Row(0)[0] == nearest {
		t.Fatalf("edited base reused the old ground truth: %q", log.String())
	}
}

func TestCacheErrors(t *testing.T) {
	d := openSynthetic(t, "synthetic-1k-4", datasets.Options{})
	key := keyOf(t, d)
	ids, dists := fakeGT(d, 3, 0)
	bad := ids
	bad.Data = append([]int32{}, ids.Data...)
	bad.Data[5] = 1000
	nofp := key
	nofp.Fingerprint = ""
	tests := []struct {
		name  string
		key   Key
		ids   vector.IDMatrix
		dists vector.Matrix
		dir   string
		want  string
	}{
		{"row mismatch", key, vector.IDMatrix{Data: ids.Data[:30], Rows: 10, Dim: 3, Stride: 3}, vector.Matrix{}, t.TempDir(), "10×3 ids for 100 queries"},
		{"id range", key, bad, dists, t.TempDir(), "id 1000 outside [0,1000)"},
		{"dist shape", key, ids, vector.NewMatrix(100, 2), t.TempDir(), "distances are 100×2"},
		{"no cache", key, ids, dists, "", "no cache directory"},
		{"no fingerprint", nofp, ids, dists, t.TempDir(), "no content fingerprint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Cache{Dir: tt.dir}.Store(tt.key, tt.ids, tt.dists)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCacheCorrupt(t *testing.T) {
	cache := Cache{Dir: t.TempDir()}
	d := openSynthetic(t, "synthetic-1k-4", datasets.Options{})
	key := keyOf(t, d)
	idPath, _ := cache.paths(key, 10)
	must(t, os.MkdirAll(filepath.Dir(idPath), 0o755))
	must(t, datasets.WriteIvecs(idPath, vector.IDMatrix{Data: make([]int32, 100*9), Rows: 100, Dim: 9, Stride: 9}))
	if _, err := cache.Load(key, 10); err == nil || !strings.Contains(err.Error(), "its name says 100×10") || !strings.Contains(err.Error(), idPath) {
		t.Fatalf("error %v", err)
	}
	// Files that only look like ours are ignored.
	must(t, os.Remove(idPath))
	for _, f := range []string{filepath.Base(idPath) + ".tmp", strings.Replace(filepath.Base(idPath), "_k10", "_k010", 1), strings.Replace(filepath.Base(idPath), "_k10", "_kx", 1)} {
		must(t, os.WriteFile(filepath.Join(filepath.Dir(idPath), f), []byte("junk"), 0o644))
	}
	if s, err := cache.Load(key, 1); s != nil || err != nil {
		t.Fatalf("look-alike files: %v, %v", s, err)
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{"siftsmall": "siftsmall", "../x": "_x", "a/b c": "a_b_c", "": "_"} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// shifted returns gt with row i holding row i+1 (the last row the first),
// issue 12's misaligned file.
func shifted(gt vector.IDMatrix, rows int) vector.IDMatrix {
	out := vector.IDMatrix{Data: make([]int32, rows*gt.Dim), Rows: rows, Dim: gt.Dim, Stride: gt.Dim}
	for i := 0; i < rows; i++ {
		copy(out.Row(i), gt.Row((i+1)%rows))
	}
	return out
}

func TestSpotCheck(t *testing.T) {
	d := openSynthetic(t, "synthetic-5k-16", datasets.Options{})
	ids, _, err := Compute(context.Background(), d.Metric, d.Base, d.Query, 20, 0)
	must(t, err)
	ctx := context.Background()
	if err := SpotCheck(ctx, d.Metric, d.Base, d.Query, ids, 20, 0, 0); err != nil {
		t.Fatalf("exact ground truth: %v", err)
	}
	// Ties are not mismatches: swap the 10th id for a duplicate of the
	// query's nearest neighbour appended to the base.
	base := vector.NewMatrix(d.Base.Rows+1, d.Base.Dim)
	for i := 0; i < d.Base.Rows; i++ {
		copy(base.Row(i), d.Base.Row(i))
	}
	copy(base.Row(d.Base.Rows), d.Base.Row(int(ids.Row(0)[9])))
	tied := vector.IDMatrix{Data: append([]int32(nil), ids.Data...), Rows: ids.Rows, Dim: ids.Dim, Stride: ids.Stride}
	tied.Row(0)[9] = int32(d.Base.Rows)
	if err := SpotCheck(ctx, d.Metric, base, d.Query, tied, 10, d.Query.Rows, 0); err != nil {
		t.Fatalf("a tie: %v", err)
	}
	var m *MismatchError
	err = SpotCheck(ctx, d.Metric, d.Base, d.Query, shifted(ids, d.Query.Rows), 10, 0, 0)
	if !errors.As(err, &m) || m.Checked != SpotCheckQueries || m.Bad != SpotCheckQueries || m.K != 10 {
		t.Fatalf("shifted rows: %v", err)
	}
	// One wrong id in one row is caught when that row is sampled.
	one := vector.IDMatrix{Data: append([]int32(nil), ids.Data...), Rows: ids.Rows, Dim: ids.Dim, Stride: ids.Stride}
	one.Row(7)[3] = ids.Row(7)[19] // the 20th is farther than the 10th
	err = SpotCheck(ctx, d.Metric, d.Base, d.Query, one, 10, d.Query.Rows, 0)
	if !errors.As(err, &m) || m.Query != 7 || m.Wrong != 1 || m.Bad != 1 || m.ID != ids.Row(7)[19] {
		t.Fatalf("one wrong id: %v", err)
	}
	if !strings.Contains(err.Error(), "query 7: 1 of its first 10 ids") {
		t.Errorf("message %q", err)
	}
	// Out-of-range ids are named.
	one.Row(7)[3] = 1 << 30
	if err := SpotCheck(ctx, d.Metric, d.Base, d.Query, one, 10, d.Query.Rows, 0); !errors.As(err, &m) || m.ID != 1<<30 {
		t.Fatalf("out of range: %v", err)
	}
	if err := SpotCheck(ctx, d.Metric, d.Base, d.Query, vector.IDMatrix{Rows: 3, Dim: 10}, 10, 0, 0); err == nil {
		t.Error("3 rows for 200 queries: no error")
	}
}

// TestPrepare covers the policy on synthetic data: computed once and
// cached, found again, recomputed after a base row changes; shipped lists
// spot-checked, a shifted file refused with its name and the way out.
func TestPrepare(t *testing.T) {
	ctx := context.Background()
	cache := Cache{Dir: t.TempDir()}
	var log bytes.Buffer
	opt := Options{K: 10, Cache: cache, Log: &log}
	d := openSynthetic(t, "synthetic-2k-8", datasets.Options{})
	must(t, Prepare(ctx, d, opt))
	if d.GroundTruth.Rows != d.Query.Rows || d.GroundTruth.Dim != 100 || d.GroundTruthDist.Dim != 100 {
		t.Fatalf("computed %d×%d", d.GroundTruth.Rows, d.GroundTruth.Dim)
	}
	if !strings.Contains(log.String(), "computing exact ground truth") || !strings.Contains(log.String(), "cached in") {
		t.Errorf("log %q", log.String())
	}
	want := d.GroundTruth.Row(5)[7]
	log.Reset()
	d2 := openSynthetic(t, "synthetic-2k-8", datasets.Options{})
	must(t, Prepare(ctx, d2, opt))
	if !strings.Contains(log.String(), "ground truth from") || d2.GroundTruth.Row(5)[7] != want {
		t.Fatalf("second open did not use the cache: %q", log.String())
	}
	// Shipped ground truth: correct lists pass, shifted ones are refused
	// with the source and how to recompute, and Recompute ignores them.
	d4 := openSynthetic(t, "synthetic-2k-8", datasets.Options{})
	good := d.GroundTruth
	d4.GroundTruth = good
	must(t, Prepare(ctx, d4, Options{K: 10}))
	d4.GroundTruth = shifted(good, d4.Query.Rows)
	err := Prepare(ctx, d4, Options{K: 10})
	var m *MismatchError
	if !errors.As(err, &m) || !strings.Contains(err.Error(), "dataset synthetic-2k-8: ground truth shipped with the dataset") || !strings.Contains(err.Error(), "--recompute-ground-truth") {
		t.Fatalf("shifted shipped ground truth: %v", err)
	}
	log.Reset()
	must(t, Prepare(ctx, d4, Options{K: 10, Cache: cache, Recompute: true, Log: &log}))
	if d4.GroundTruth.Row(5)[7] != want || !strings.Contains(log.String(), "ground truth from") {
		t.Fatalf("recompute: %q", log.String())
	}
	// Shipped ids outside the base are named.
	d4.GroundTruth = vector.IDMatrix{Data: append([]int32(nil), good.Data...), Rows: good.Rows, Dim: good.Dim, Stride: good.Stride}
	d4.GroundTruth.Row(3)[50] = 5000
	if err := Prepare(ctx, d4, Options{K: 10}); err == nil || !strings.Contains(err.Error(), "row 3, column 50: id 5000 outside [0,2000)") {
		t.Fatalf("out-of-range shipped id: %v", err)
	}
	// A corrupted cache entry is caught by the spot check.
	cached, err := cache.Load(keyOf(t, d), 10)
	must(t, err)
	path := cached.Path
	cached.Close()
	must(t, datasets.WriteIvecs(path, shifted(good, good.Rows)))
	d5 := openSynthetic(t, "synthetic-2k-8", datasets.Options{})
	if err := Prepare(ctx, d5, opt); !errors.As(err, &m) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("corrupt cache: %v", err)
	}
	if err := Prepare(ctx, d5, Options{}); err == nil {
		t.Error("k=0: no error")
	}
}

// TestSpotCheckRandomRows: a file whose rows belong to other queries fails
// however it is permuted.
func TestSpotCheckRandomRows(t *testing.T) {
	d := openSynthetic(t, "synthetic-ip-5k-16", datasets.Options{})
	ids, _, err := Compute(context.Background(), d.Metric, d.Base, d.Query, 10, 0)
	must(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	perm := rng.Perm(ids.Rows)
	p := vector.IDMatrix{Data: make([]int32, len(ids.Data)), Rows: ids.Rows, Dim: ids.Dim, Stride: ids.Stride}
	for i, j := range perm {
		copy(p.Row(i), ids.Row(j))
	}
	var m *MismatchError
	if err := SpotCheck(context.Background(), d.Metric, d.Base, d.Query, p, 10, 0, 0); !errors.As(err, &m) || m.Bad < SpotCheckQueries-2 {
		t.Fatalf("permuted rows: %v", err)
	}
}

// countProgress records what a computation reports.
type countProgress struct {
	stage string
	total int64
	done  int64
	calls int
}

func (c *countProgress) Stage(name string, total int64) { c.stage, c.total = name, total }
func (c *countProgress) Done(n int64)                   { c.done += n; c.calls++ }

// TestComputeProgress: computing in slices for progress gives the same
// lists as one call and reports every query once.
func TestComputeProgress(t *testing.T) {
	d := openSynthetic(t, "synthetic-2k-8", datasets.Options{})
	q := vector.NewMatrix(700, d.Base.Dim)
	for i := 0; i < q.Rows; i++ {
		copy(q.Row(i), d.Query.Row(i%d.Query.Rows))
		q.Row(i)[0] += float32(i) * 1e-3
	}
	want, wantD, err := Compute(context.Background(), d.Metric, d.Base, q, 10, 2)
	must(t, err)
	var p countProgress
	got, gotD, err := computeProgress(context.Background(), d.Metric, d.Base, q, 10, 2, &p)
	must(t, err)
	if p.stage != "queries" || p.total != 700 || p.done != 700 || p.calls != 3 {
		t.Errorf("progress %+v, want 700 queries in 3 slices", p)
	}
	for i := range want.Data {
		if got.Data[i] != want.Data[i] || gotD.Data[i] != wantD.Data[i] {
			t.Fatalf("element %d: %d/%v, one call gives %d/%v", i, got.Data[i], gotD.Data[i], want.Data[i], wantD.Data[i])
		}
	}
}

// TestFiltered: the exact neighbours among allowed rows, padded with -1
// where fewer than k rows are allowed.
func TestFiltered(t *testing.T) {
	d := openSynthetic(t, "synthetic-2k-8", datasets.Options{MaxQueries: 20})
	allow := make([]*algorithms.Allow, d.Query.Rows)
	for i := range allow {
		allow[i] = algorithms.AllowRange(d.Base.Rows, 100*i, 100*i+50)
	}
	allow[3] = algorithms.AllowRange(d.Base.Rows, 7, 11) // 4 rows for k=10
	gt, err := Filtered(context.Background(), d.Metric, d.Base, d.Query, allow, 10, 2)
	must(t, err)
	for qi := 0; qi < d.Query.Rows; qi++ {
		var ids []int32
		allow[qi].Each(func(id int32) { ids = append(ids, id) })
		q := d.Query.Row(qi)
		slices.SortStableFunc(ids, func(a, b int32) int {
			return cmp.Compare(score.Distance(d.Metric, q, d.Base.Row(int(a))), score.Distance(d.Metric, q, d.Base.Row(int(b))))
		})
		want := make([]int32, 10)
		for j := range want {
			want[j] = -1
			if j < len(ids) {
				want[j] = ids[j]
			}
		}
		if !slices.Equal(gt.Row(qi), want) {
			t.Fatalf("query %d: %v, want %v", qi, gt.Row(qi), want)
		}
	}
	if _, err := Filtered(context.Background(), d.Metric, d.Base, d.Query, allow[:3], 10, 1); err == nil || !strings.Contains(err.Error(), "3 allow-sets for 20 queries") {
		t.Errorf("short allow list: %v", err)
	}
}

func TestCacheDir(t *testing.T) {
	if got := CacheDir("idx", "data"); got != "idx" {
		t.Errorf("CacheDir with an index cache = %q, want idx", got)
	}
	if got := CacheDir("", "data"); got != filepath.Join("data", "cache") {
		t.Errorf("CacheDir without an index cache = %q, want data/cache", got)
	}
	if got := CacheDir("", ""); got != filepath.Join(datasets.DefaultDataDir(), "cache") {
		t.Errorf("CacheDir with defaults = %q, want <default data dir>/cache", got)
	}
}
