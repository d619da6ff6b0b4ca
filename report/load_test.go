package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

func TestLoad(t *testing.T) {
	rs := fixture(t, "base")
	if len(rs) != 6 {
		t.Fatalf("loaded %d results, want 6", len(rs))
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.Dataset+"/"+r.Algorithm+"/"+result.ParamKey(r.IndexParams))
	}
	want := []string{
		"synthetic-2k-16/flat/", "synthetic-2k-16/hnsw/M=8,ef_construction=100",
		"synthetic-2k-16/hnsw/M=16,ef_construction=200", "synthetic-2k-16/ivf/nlist=32",
		"tiny-angular/flat/", "tiny-angular/ivf/nlist=8",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order:\n got %v\nwant %v", got, want)
	}
}

func TestLoadSkipsOtherSchemas(t *testing.T) {
	var warn bytes.Buffer
	rs, err := LoadWarn(filepath.Join("testdata", "mixed"), &warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("loaded %d results, want 1", len(rs))
	}
	w := warn.String()
	for _, s := range []string{"notes.json: not an annbench result file", `future.json: not an annbench result file: schema "annbench/result/v9" is not supported`} {
		if !strings.Contains(w, s) {
			t.Errorf("warnings lack %q:\n%s", s, w)
		}
	}
	if strings.Contains(w, "README.txt") {
		t.Errorf("a non-JSON file was read: %s", w)
	}
}

func TestLoadErrors(t *testing.T) {
	dup := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "mixed", "ds", "flat", "default.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dup, "ds", "flat"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"default.json", "copy.json"} {
		if err := os.WriteFile(filepath.Join(dup, "ds", "flat", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		dir  string
		want []string
	}{
		{"malformed", filepath.Join("testdata", "malformed"), []string{"bad-recall.json", "points[1] (nprobe=2): recall 1.7 outside [0, 1]"}},
		{"missing", filepath.Join("testdata", "no-such-dir"), []string{"no-such-dir"}},
		{"empty", t.TempDir(), []string{"no annbench result files under"}},
		{"file not dir", filepath.Join("testdata", "mixed", "ds", "flat", "notes.json"), []string{"is not a directory"}},
		{"same parameters twice", dup, []string{"default.json", "copy.json", "both hold flat - on ds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadWarn(tt.dir, nil)
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestLoadIgnoresNestedRuns(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "mixed", "ds", "flat", "default.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"ds/flat", "baseline/ds/flat", "ds/flat/old"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, sub, "default.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var warn bytes.Buffer
	rs, err := LoadWarn(dir, &warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || warn.Len() != 0 {
		t.Errorf("loaded %d results with warnings %q; want only <dir>/ds/flat/default.json", len(rs), warn.String())
	}
}

func FuzzDecodeResult(f *testing.F) {
	for _, p := range []string{"base/synthetic-2k-16/ivf/nlist=32.json", "malformed/ds/flat/bad-recall.json", "mixed/ds/flat/notes.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 1e999}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := result.Decode(data)
		if err != nil {
			return
		}
		// Whatever decodes must be safe to report on.
		var buf bytes.Buffer
		rs := []result.Result{r}
		if err := WriteSummary(&buf, rs, nil); err != nil {
			t.Fatal(err)
		}
		Compare(rs, rs, CompareOptions{})
		if err := WriteCSV(&buf, rs); err != nil {
			t.Fatal(err)
		}
		if err := WriteBenchfmt(&buf, rs); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLoadKeepsSetupsApart writes results that differ only in k, mode or
// filter workload into one directory: Load keeps every one, and the report
// groups them per setup, each with its own figure directory.
func TestLoadKeepsSetupsApart(t *testing.T) {
	dir := t.TempDir()
	base := result.Result{Schema: result.Schema, Dataset: "ds", Algorithm: "flat", K: 10, Mode: "single", Threads: 1, Queries: 100,
		Points: []result.Point{{Recall: 1, QPS: 100}}}
	variants := []func(*result.Result){
		func(r *result.Result) {},
		func(r *result.Result) { r.K = 5 },
		func(r *result.Result) { r.Mode, r.Threads = "batch", 2 },
		func(r *result.Result) { r.Filter = &result.Filter{ID: "range=0.01", Kind: "range", Selectivity: 0.01} },
		func(r *result.Result) { r.Filter = &result.Filter{ID: "label=query", Kind: "label", Selectivity: 0.1} },
	}
	for _, v := range variants {
		r := base
		v(&r)
		p, err := r.Identity().Path(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := result.Write(p, &r); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := LoadWarn(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(variants) {
		t.Fatalf("loaded %d results, want %d", len(rs), len(variants))
	}
	groups := byDataset(rs)
	dirs := map[string]bool{}
	for _, g := range groups {
		if len(g.Results) != 1 || !strings.HasPrefix(g.Name, "ds (k=") || dirs[g.Dir] {
			t.Errorf("group %q (dir %s) with %d results", g.Name, g.Dir, len(g.Results))
		}
		dirs[g.Dir] = true
	}
	if len(groups) != len(variants) {
		t.Fatalf("%d groups, want one per setup", len(groups))
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	for _, want := range []string{"filter=range=0.01", "filter=label=query", "k=5 single", "k=10 batch threads=2"} {
		if !strings.Contains(strings.Join(names, "|"), want) {
			t.Errorf("no group named with %q in %q", want, names)
		}
	}
}
