package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/annbench/annbench/datasets/vector"
)

// touch creates the files (relative to dir) and returns dir.
func touch(t *testing.T, dir string, names ...string) string {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("data of "+n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadErr loads text as a config file in dir and returns the error text.
func loadErr(t *testing.T, dir, text string, overrides ...string) string {
	t.Helper()
	name := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(name, overrides)
	if err == nil {
		t.Fatalf("Load succeeded, want an error for:\n%s %q", text, overrides)
	}
	return err.Error()
}

// TestOwnDatasets checks datasets defined by their files: paths from the
// file are relative to it, paths from overrides to the current directory,
// and catalogue names still work beside them.
func TestOwnDatasets(t *testing.T) {
	withFakes(t, fstest.MapFS{})
	dir := touch(t, t.TempDir(), "emb/base.npy", "emb/q.npy", "emb/labels.npy", "emb/qlabels.npy", "emb/attr.npy", "emb/gt.ivecs", "p.npy")
	name := filepath.Join(dir, "run.yaml")
	text := `datasets:
  - synthetic-2k-8
  - name: products
    base: emb/base.npy
    queries: emb/q.npy
    metric: angular
    labels: emb/labels.npy
    queries_labels: emb/qlabels.npy
    attributes: emb/attr.npy
    ground_truth: emb/gt.ivecs
  - {name: held, base: emb/base.npy, holdout: 100, seed: 7, metric: l2}
algorithms: [fakehnsw]
`
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	emb := filepath.Join(dir, "emb")
	want := []DatasetSpec{
		{Name: "synthetic-2k-8"},
		{Name: "products", Base: filepath.Join(emb, "base.npy"), Queries: filepath.Join(emb, "q.npy"), Metric: vector.Angular,
			Labels: filepath.Join(emb, "labels.npy"), QueriesLabels: filepath.Join(emb, "qlabels.npy"),
			Attributes: filepath.Join(emb, "attr.npy"), GroundTruth: filepath.Join(emb, "gt.ivecs")},
		{Name: "held", Base: filepath.Join(emb, "base.npy"), Holdout: 100, Seed: 7, Metric: vector.L2},
	}
	if !reflect.DeepEqual(c.Datasets, want) {
		t.Errorf("datasets\n%+v\nwant\n%+v", c.Datasets, want)
	}
	if s, ok := c.Dataset("held"); !ok || !s.Own() || s.Holdout != 100 {
		t.Errorf("Dataset(held) = %+v, %v", s, ok)
	}
	if s, ok := c.Dataset("synthetic-2k-8"); !ok || s.Own() {
		t.Errorf("Dataset(synthetic-2k-8) = %+v, %v", s, ok)
	}
	p, err := c.Expand()
	if err != nil {
		t.Fatal(err)
	}
	// fakehnsw supports l2 and angular: one job per dataset.
	var got []string
	for _, j := range p.Jobs {
		got = append(got, j.Dataset)
	}
	if !reflect.DeepEqual(got, []string{"synthetic-2k-8", "products", "held"}) {
		t.Errorf("jobs for %q", got)
	}

	// The override form, with a path relative to the current directory.
	t.Chdir(dir)
	c, err = Load(name, []string{"datasets=[{name: p, base: p.npy, holdout: 500, metric: angular}]"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []DatasetSpec{{Name: "p", Base: "p.npy", Holdout: 500, Metric: vector.Angular}}; !reflect.DeepEqual(c.Datasets, want) {
		t.Errorf("override datasets %+v, want %+v", c.Datasets, want)
	}
	// An item addressed by name.
	c, err = Load(name, []string{"datasets.held.holdout=50"})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := c.Dataset("held"); s.Holdout != 50 {
		t.Errorf("datasets.held.holdout=50 gave %+v", s)
	}
}

// TestOwnDatasetErrors checks that every mistake in a dataset definition
// is reported at its line with what was expected.
func TestOwnDatasetErrors(t *testing.T) {
	withFakes(t, fstest.MapFS{})
	dir := touch(t, t.TempDir(), "b.npy", "q.npy", "l.npy")
	got := loadErr(t, dir, `datasets:
  - name: a
    base: b.npy
    holdot: 10
    metric: cosine
  - name: siftsmall
    base: b.npy
    queries: q.npy
    holdout: 3
    metric: l2
  - {name: c, base: missing.npy, queries: q.npy, metric: l2, seed: 3}
  - {name: d, base: b.npy, holdout: 5, metric: ip, ground_truth: q.npy, queries_labels: l.npy}
  - {base: b.npy, holdout: 5, metric: ip}
  - {name: e, base: b.npy, holdout: -1, metric: l2}
  - {name: "x/y", queries: q.npy, metric: l2}
  - {name: f, base: b.npy, queries: q.npy}
  - {name: g, base: ., queries: q.npy, metric: l2}
  - {name: h, base: [b.npy], queries: q.npy, metric: l2}
algorithms: [flat]
`)
	for _, w := range []string{
		`run.yaml:4: datasets[0].holdot: unknown key (did you mean "holdout"?); valid keys: name, base, queries, holdout, seed, metric, labels, queries_labels, attributes, ground_truth`,
		`run.yaml:2: datasets[0]: missing queries; want queries: FILE, or holdout: N`,
		`run.yaml:5: datasets[0].metric: unknown metric "cosine"; valid: l2, ip, angular`,
		`run.yaml:6: datasets[1].name: "siftsmall" is a catalogue dataset; give your own data another name`,
		`run.yaml:9: datasets[1].holdout: give queries or holdout, not both`,
		`run.yaml:11: datasets[2].seed: seed only chooses held-out queries; it needs holdout: N`,
		`run.yaml:11: datasets[2].base: file ` + filepath.Join(dir, "missing.npy") + ` not found`,
		`run.yaml:12: datasets[3].queries_labels: held-out queries take their labels from labels`,
		`run.yaml:12: datasets[3].ground_truth: ground truth for held-out queries is computed`,
		`run.yaml:12: datasets[3].queries_labels: queries_labels needs labels for the base rows`,
		`run.yaml:13: datasets[4]: missing name; a dataset definition needs name: NAME`,
		`run.yaml:14: datasets[5].holdout: want a positive number of held-out queries, got -1`,
		`run.yaml:15: datasets[6].name: name "x/y" cannot be part of a file name`,
		`run.yaml:15: datasets[6]: missing base; a dataset definition needs base: FILE`,
		`run.yaml:16: datasets[7]: missing metric; want metric: l2 | ip | angular`,
		`run.yaml:17: datasets[8].base: ` + dir + ` is a directory; want a data file`,
		`run.yaml:18: datasets[9].base: want a file path, got a list`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("error lacks %q; got:\n%s", w, got)
		}
	}
	// Overrides are located by override.
	got = loadErr(t, dir, "datasets: [synthetic-2k-8]\nalgorithms: [flat]\n", "datasets=[{name: p, base: nope.npy, holdout: 5, metric: angular}]")
	if w := `override 'datasets=[{name: p, base: nope.npy, holdout: 5, metric: angular}]': datasets[0].base: file nope.npy not found`; !strings.Contains(got, w) {
		t.Errorf("error lacks %q; got:\n%s", w, got)
	}
	got = loadErr(t, dir, "datasets: [synthetic-2k-8, {name: x, base: b.npy, holdout: 5, metric: l2}, {name: x, base: b.npy, holdout: 5, metric: l2}]\nalgorithms: [flat]\n")
	if w := `run.yaml:1: datasets[2]: dataset "x" is listed twice (also datasets[1])`; !strings.Contains(got, w) {
		t.Errorf("error lacks %q; got:\n%s", w, got)
	}
}

// TestFilters checks the filter workloads and their identities.
func TestFilters(t *testing.T) {
	withFakes(t, fstest.MapFS{})
	dir := touch(t, t.TempDir(), "sub set.npy", "b.npy", "l.npy")
	name := filepath.Join(dir, "run.yaml")
	text := "datasets: [synthetic-2k-8]\nalgorithms: [flat]\nfilter: [none, {label: query}, {range: 0.01}, {range: 1}, {ids: sub set.npy}]\n"
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range c.Workloads() {
		ids = append(ids, f.ID())
	}
	// sha256("data of sub set.npy") starts with these digits.
	want := []string{"", "label=query", "range=0.01", "range=1", "ids=sub_set-" + c.Filters[4].IDsHash}
	if !reflect.DeepEqual(ids, want) || len(c.Filters[4].IDsHash) != 8 {
		t.Errorf("workload ids %q, want %q", ids, want)
	}
	if c.Filters[4].IDs != filepath.Join(dir, "sub set.npy") {
		t.Errorf("ids path %q", c.Filters[4].IDs)
	}
	// Editing the allow-list changes the identity.
	before := c.Filters[4].ID()
	if err := os.WriteFile(filepath.Join(dir, "sub set.npy"), []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Load(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Filters[4].ID() == before {
		t.Errorf("identity %s did not change with the file's content", before)
	}
	// A single filter, and the default.
	c, err = Load(name, []string{"filter={range: 0.5}"})
	if err != nil || len(c.Workloads()) != 1 || c.Workloads()[0].ID() != "range=0.5" {
		t.Errorf("filter={range: 0.5}: %v, %+v", err, c)
	}
	c, err = Load(name, []string{"filter=none"})
	if err != nil || len(c.Workloads()) != 1 || c.Workloads()[0].Kind != FilterNone {
		t.Errorf("filter=none: %v, %+v", err, c)
	}

	got := loadErr(t, dir, `datasets: [synthetic-2k-8, {name: own, base: b.npy, holdout: 5, metric: l2}]
algorithms: [flat]
filter:
  - nothing
  - {label: querry}
  - {range: 0}
  - {range: 2}
  - {range: fast}
  - {ids: missing.npy}
  - {label: query, range: 0.1}
  - {rnage: 0.1}
  - {range: 0.01}
  - {range: 0.010}
  - {}
  - {label: query}
`)
	for _, w := range []string{
		`run.yaml:4: filter[0]: want none, {label: query}, {range: FRACTION} or {ids: FILE}, got string "nothing"`,
		`run.yaml:5: filter[1].label: want query (each query searches the base rows with its own label), got string "querry" (did you mean "query"?)`,
		`run.yaml:6: filter[2].range: want the share of the base each query may search, a number in (0, 1] such as 0.01, got 0`,
		`run.yaml:7: filter[3].range: want the share of the base each query may search, a number in (0, 1] such as 0.01, got 2`,
		`run.yaml:8: filter[4].range: want a number, got string "fast"`,
		`run.yaml:9: filter[5]: file ` + filepath.Join(dir, "missing.npy") + ` not found`,
		`run.yaml:10: filter[6].range: a filter has one key (label, range or ids)`,
		`run.yaml:11: filter[7].rnage: unknown key (did you mean "range"?); valid keys: label, range, ids`,
		`run.yaml:13: filter[9]: filter range=0.01 is listed twice (also filter[8])`,
		`run.yaml:14: filter[10]: empty filter; want none, {label: query}, {range: FRACTION} or {ids: FILE}`,
		`run.yaml:15: filter[11]: a label filter needs labels for the base rows and the queries; dataset own has no labels`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("error lacks %q; got:\n%s", w, got)
		}
	}
}

// TestOutputAndCacheDistinct checks that results and the index cache
// cannot share a directory.
func TestOutputAndCacheDistinct(t *testing.T) {
	withFakes(t, fstest.MapFS{})
	dir := t.TempDir()
	for _, tt := range []struct {
		overrides []string
		want      string
	}{
		{[]string{"output=o", "cache=o/"}, `override 'cache=o/': cache: cache is the output directory o; give the index cache its own directory`},
		{[]string{"output=o", "cache=o/c"}, `override 'cache=o/c': cache: cache o/c is inside the output directory o`},
		{[]string{"output=c/o", "cache=c"}, `override 'output=c/o': output: output c/o is inside the index cache c`},
	} {
		got := loadErr(t, dir, "datasets: [synthetic-2k-8]\nalgorithms: [flat]\n", tt.overrides...)
		if !strings.Contains(got, tt.want) {
			t.Errorf("%q: error lacks %q; got:\n%s", tt.overrides, tt.want, got)
		}
	}
	for _, ov := range [][]string{{"output=o", "cache=oo"}, {"output=o", "cache="}} {
		name := filepath.Join(dir, "run.yaml")
		if _, err := Load(name, ov); err != nil {
			t.Errorf("%q: %v", ov, err)
		}
	}
}

// TestYAMLQuirks checks that a second document is an error and that
// syntax errors name the line of the mistake.
func TestYAMLQuirks(t *testing.T) {
	withFakes(t, fstest.MapFS{})
	dir := t.TempDir()
	for _, tt := range []struct{ text, want string }{
		{"datasets: [synthetic-2k-8]\nalgorithms: [flat]\n---\nk: 5\n", "run.yaml:3: a second YAML document starts here; a config file holds one document"},
		{"datasets: [synthetic-2k-8]\nalgorithms: [flat]\n---\n", "run.yaml:3: a second YAML document starts here"},
		{"datasets: [synthetic-2k-8]\nalgorithms:\n  - name: flat\n   index: [{}]\n", "run.yaml:4: invalid YAML: did not find expected '-' indicator"},
		{"k: 1\ndatasets: [synthetic-2k-8,\nalgorithms: [flat]\n", "run.yaml:3: invalid YAML: did not find expected ',' or ']'"},
		{"k: 1\nalgorithms:\n  flat: 1\n bad: 2\n", "run.yaml:4: invalid YAML: did not find expected key"},
		{"k: 1\n  trials: 2\n", "run.yaml:2: invalid YAML: mapping values are not allowed in this context"},
		{"k: 1\nalgorithms:\n\t- flat\n", "run.yaml:3: invalid YAML: found character that cannot start any token"},
		{"datasets: [synthetic-2k-8]\nalgorithms: [flat]\n---\nk: [\n", "run.yaml:4: invalid YAML:"},
	} {
		if got := loadErr(t, dir, tt.text); !strings.Contains(got, tt.want) {
			t.Errorf("%q: error lacks %q; got:\n%s", tt.text, tt.want, got)
		}
	}
	// A leading '---' or a closing '...' is still one document.
	name := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(name, []byte("---\ndatasets: [synthetic-2k-8]\nalgorithms: [flat]\n...\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(name, nil); err != nil {
		t.Errorf("one document with markers: %v", err)
	}
}
