package main

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/result"
)

// TestRunOwnNpyHoldout runs a config naming a float32 .npy file with
// held-out angular queries end to end through flat and hnsw: flat must
// reach recall 1, and no query may find itself in the base. The suite
// uses 6,000 × 48 vectors; ANNBENCH_LARGE_TESTS=1 runs the 100,000 × 384
// case with 1,000 held-out queries.
func TestRunOwnNpyHoldout(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	rows, dim, holdout := 6000, 48, 300
	if os.Getenv("ANNBENCH_LARGE_TESTS") == "1" {
		rows, dim, holdout = 100000, 384, 1000
	}
	dir := t.TempDir()
	emb := filepath.Join(dir, "embeddings")
	if err := os.MkdirAll(emb, 0o755); err != nil {
		t.Fatal(err)
	}
	// Clustered data, like embeddings: 50 centres plus noise.
	r := rand.New(rand.NewPCG(1, 2))
	centres := make([][]float32, 50)
	for i := range centres {
		centres[i] = make([]float32, dim)
		for j := range centres[i] {
			centres[i][j] = float32(r.NormFloat64())
		}
	}
	base := vector.NewMatrix(rows, dim)
	for i := 0; i < rows; i++ {
		c := centres[r.IntN(len(centres))]
		for j, v := range c {
			base.Row(i)[j] = v + 0.3*float32(r.NormFloat64())
		}
	}
	if err := datasets.WriteNpy(filepath.Join(emb, "products.npy"), base); err != nil {
		t.Fatal(err)
	}
	config := `datasets:
  - name: products
    base: embeddings/products.npy
    holdout: ` + strconv.Itoa(holdout) + `
    metric: angular
algorithms:
  - name: flat
  - name: hnsw
    index: [{M: 16, ef_construction: 100}]
    query: {ef: [10, 80]}
k: 10
trials: 1
output: ` + filepath.Join(dir, "out") + `
cache: ` + filepath.Join(dir, "cache") + `
`
	cfgPath := filepath.Join(dir, "own.yaml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := cli(t, "run", "--no-plots", "--data", filepath.Join(dir, "data"), cfgPath)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "out", "products", "*", "*.json"))
	algos := map[string]bool{}
	for _, f := range files {
		res, err := result.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		algos[res.Algorithm] = true
		for _, p := range res.Points {
			if res.Algorithm == "flat" && p.Recall != 1 {
				t.Errorf("flat recall %v, want 1", p.Recall)
			}
			if res.Algorithm == "hnsw" && p.Recall < 0.5 {
				t.Errorf("hnsw %v recall %v: implausibly low", p.QueryParams, p.Recall)
			}
		}
	}
	if !algos["flat"] || !algos["hnsw"] {
		t.Fatalf("results for %v in %v; stderr:\n%s", algos, files, errs)
	}
	// The run held out the rows this spec holds out (the seed makes it
	// deterministic): none of them is still in the base.
	d, err := datasets.OpenFiles(context.Background(), datasets.FileSpec{Name: "products",
		Base: filepath.Join(emb, "products.npy"), Holdout: holdout, Metric: vector.Angular}, datasets.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Query.Rows != holdout || d.Base.Rows != rows-holdout {
		t.Fatalf("queries %d base %d", d.Query.Rows, d.Base.Rows)
	}
	for _, f := range files {
		res, err := result.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		if h := res.Holdout; h == nil || h.Count != holdout || h.Seed != 0 || h.RowsSHA256 != d.Holdout.RowsSHA256() {
			t.Errorf("%s records holdout %+v, want %d rows with hash %s", f, h, holdout, d.Holdout.RowsSHA256())
		}
	}
	for qi := 0; qi < d.Query.Rows; qi++ {
		q := d.Query.Row(qi)
		best := math.Inf(-1)
		for bi := 0; bi < d.Base.Rows; bi++ {
			var dot float64
			for j, v := range d.Base.Row(bi) {
				dot += float64(v) * float64(q[j])
			}
			best = math.Max(best, dot)
		}
		if best > 1-1e-6 {
			t.Fatalf("query %d (base file row %d) finds a base vector with cosine %v: itself", qi, d.Holdout.Rows[qi], best)
		}
	}
	if !strings.Contains(errs, "products") {
		t.Errorf("log does not name the dataset:\n%s", errs)
	}
}

// TestRunOwnDataPreflight checks that files that do not fit together
// (queries of another dimension) stop a run before any work, naming both
// files.
func TestRunOwnDataPreflight(t *testing.T) {
	dir := t.TempDir()
	b, q := filepath.Join(dir, "b.npy"), filepath.Join(dir, "q.npy")
	if err := datasets.WriteNpy(b, vector.NewMatrix(50, 8)); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteNpy(q, vector.NewMatrix(5, 9)); err != nil {
		t.Fatal(err)
	}
	_, errs, code := cli(t, "run", "--no-plots", "datasets=[synthetic-2k-8, {name: mine, base: "+b+", queries: "+q+", metric: l2}]",
		"algorithms=[flat]", "trials=1", "output="+filepath.Join(dir, "out"), "cache="+filepath.Join(dir, "cache"))
	if code == 0 {
		t.Fatalf("run succeeded:\n%s", errs)
	}
	for _, w := range []string{"pre-flight", "dataset mine", "queries " + q, "dimension 9", b} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	if strings.Contains(errs, "building") || strings.Contains(errs, "ground truth") {
		t.Errorf("work started before the pre-flight failed:\n%s", errs)
	}
}
