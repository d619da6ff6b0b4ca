package config

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/annbench/annbench/algorithms/registry"
	"github.com/annbench/annbench/configs"
)

// summary renders a plan's jobs as "dataset algorithm index-slug:
// query-slug query-slug ..." lines for compact comparisons.
func summary(p *Plan) []string {
	var out []string
	for _, j := range p.Jobs {
		qs := make([]string, len(j.Queries))
		for i, q := range j.Queries {
			qs[i] = q.Slug()
		}
		out = append(out, j.Dataset+" "+j.Algorithm.Name+" "+j.Index.Slug()+": "+strings.Join(qs, " "))
	}
	return out
}

// mustPlan loads and expands a config, failing the test on any error.
func mustPlan(t *testing.T, file string, overrides ...string) (*Config, *Plan) {
	t.Helper()
	c, err := Load(file, overrides)
	if err != nil {
		t.Fatalf("Load(%q, %q): %v", file, overrides, err)
	}
	p, err := c.Expand()
	if err != nil {
		t.Fatalf("Expand: %v", err)
	}
	return c, p
}

func checkSummary(t *testing.T, p *Plan, want []string) {
	t.Helper()
	if got := summary(p); !reflect.DeepEqual(got, want) {
		t.Errorf("jobs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "run.yaml")
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestEmbeddedQuickstart loads the embedded default run with the real
// registry and catalogue, as `annbench run` without a file does.
func TestEmbeddedQuickstart(t *testing.T) {
	c, p := mustPlan(t, "")
	if c.Source != "" || c.ConfigDir != "" {
		t.Errorf("Source %q, ConfigDir %q; want both empty for the embedded config", c.Source, c.ConfigDir)
	}
	if c.K != 10 || c.Trials != 6 || c.MinPassSeconds != 0.1 || c.Mode != "single" || c.Threads != 1 || c.Output != "results" || c.Cache != "interim" {
		t.Errorf("quickstart settings: %+v", c)
	}
	if len(c.Datasets) == 0 || !strings.HasPrefix(c.Datasets[0].Name, "synthetic-") {
		t.Errorf("quickstart datasets %q, want a built-in synthetic dataset", c.DatasetNames())
	}
	var flat bool
	for _, j := range p.Jobs {
		flat = flat || j.Algorithm.Name == "flat"
		if len(j.Queries) == 0 {
			t.Errorf("job %s/%s has no query settings", j.Dataset, j.Algorithm.Name)
		}
	}
	if !flat {
		t.Errorf("quickstart has no flat job: %q", summary(p))
	}
	// The file in the tree is the same run.
	_, p2 := mustPlan(t, filepath.Join("..", "..", "configs", "quickstart.yaml"))
	if !reflect.DeepEqual(summary(p), summary(p2)) {
		t.Errorf("embedded and on-disk quickstart differ:\n%q\n%q", summary(p), summary(p2))
	}
}

// TestShippedParameterFiles expands every embedded per-algorithm and
// per-dataset file with the real registry, so a file with a typo or a
// parameter its algorithm lacks fails here rather than in a user's run.
func TestShippedParameterFiles(t *testing.T) {
	for _, dir := range []string{"algorithms", "specialized"} {
		entries, err := fs.ReadDir(configs.FS, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".yaml") {
				continue
			}
			t.Run(path.Join(dir, name), func(t *testing.T) {
				stem := strings.TrimSuffix(name, ".yaml")
				dataset, alg := "synthetic-20k-64", stem
				if dir == "specialized" {
					alg = ""
					for _, a := range registry.Names() {
						if strings.HasSuffix(stem, "_"+a) && len(a) > len(alg) {
							alg = a
						}
					}
					if alg == "" {
						t.Fatalf("specialization %s is not named <dataset>_<algorithm>.yaml for a registered algorithm (%s)", name, strings.Join(registry.Names(), ", "))
					}
					dataset = strings.TrimSuffix(stem, "_"+alg)
				}
				if _, err := registry.Lookup(alg); err != nil {
					t.Fatalf("%s is for an algorithm that is not registered: %v", name, err)
				}
				c := &Config{Datasets: []DatasetSpec{{Name: dataset}}, K: 10, Trials: 1, Mode: "single", Threads: 1, Output: "results",
					Algorithms: []AlgorithmConfig{{Name: alg}}}
				p, err := c.Expand()
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Jobs) == 0 {
					t.Fatalf("no jobs")
				}
			})
		}
	}
}

// TestDefaultsAndSpecialization checks where index sets and query sweeps
// come from: the entry, the specialization for the dataset, the
// per-algorithm file next to the config, or the parameter defaults.
func TestDefaultsAndSpecialization(t *testing.T) {
	withFakes(t, fstest.MapFS{})
	_, p := mustPlan(t, filepath.Join("testdata", "config", "defaults", "run.yaml"))
	checkSummary(t, p, []string{
		// algorithms/fakehnsw.yaml: two index sets and an ef sweep.
		"synthetic-2k-8 fakehnsw M=12_ef_construction=200: ef=10 ef=20 ef=40",
		"synthetic-2k-8 fakehnsw M=24_ef_construction=100: ef=10 ef=20 ef=40",
		// The entry's query replaces the file's; the index sets come from it.
		"synthetic-2k-8 fakeivf nlist=16_quantizer=flat: alpha=1_nprobe=4_reorder=false",
		"synthetic-2k-8 fakeivf nlist=32_quantizer=pq: alpha=1_nprobe=4_reorder=false",
		// The specialization gives the index sets, the defaults file the sweep.
		"synthetic-4k-8 fakehnsw M=48_ef_construction=200: ef=10 ef=20 ef=40",
		"synthetic-4k-8 fakeivf nlist=16_quantizer=flat: alpha=1_nprobe=4_reorder=false",
		"synthetic-4k-8 fakeivf nlist=32_quantizer=pq: alpha=1_nprobe=4_reorder=false",
	})

	// <config dir>/configs/algorithms is searched too.
	_, p = mustPlan(t, filepath.Join("testdata", "config", "nested", "run.yaml"))
	checkSummary(t, p, []string{"synthetic-2k-8 fakeivf nlist=7_quantizer=flat: alpha=1_nprobe=3_reorder=false"})
}

// TestEmbeddedDefaults checks that the embedded files are used when there
// is none next to the config, and that a specialization only applies to
// its dataset.
func TestEmbeddedDefaults(t *testing.T) {
	withFakes(t, fstest.MapFS{
		"algorithms/fakehnsw.yaml":            {Data: []byte("index: [{M: 8}]\nquery: {ef: [1, 2]}\n")},
		"specialized/siftsmall_fakehnsw.yaml": {Data: []byte("query: {ef: 300}\n")},
	})
	file := writeConfig(t, "datasets: [synthetic-2k-8, siftsmall]\nalgorithms: [fakehnsw, fakeivf]\n")
	_, p := mustPlan(t, file)
	checkSummary(t, p, []string{
		"synthetic-2k-8 fakehnsw M=8_ef_construction=200: ef=1 ef=2",
		"synthetic-2k-8 fakeivf nlist=100_quantizer=flat: alpha=1_nprobe=1_reorder=false",
		"siftsmall fakehnsw M=8_ef_construction=200: ef=300",
		"siftsmall fakeivf nlist=100_quantizer=flat: alpha=1_nprobe=1_reorder=false",
	})

	// A broken embedded file is reported with its name and line.
	withFakes(t, fstest.MapFS{"algorithms/fakehnsw.yaml": {Data: []byte("index: [{M: 8}]\nqeury: {ef: [1]}\n")}})
	_, err := Load(file, nil)
	if err == nil || !strings.Contains(err.Error(), "configs/algorithms/fakehnsw.yaml (embedded):2: qeury: unknown key") {
		t.Errorf("broken embedded defaults: got %v", err)
	}
}

// TestExpandOrderAndValues covers the sweep order, scalar values as
// one-element lists, a single index map, duplicate index sets and
// defaults filled in.
func TestExpandOrderAndValues(t *testing.T) {
	withFakes(t, fstest.MapFS{})
	tests := []struct {
		name, config string
		want         []string
	}{
		{
			name: "product, first name slowest",
			config: `
datasets: [synthetic-2k-8]
algorithms:
  - name: fakeivf
    index: {nlist: 4}
    query: {reorder: [true, false], nprobe: [3, 1, 2]}`,
			want: []string{"synthetic-2k-8 fakeivf nlist=4_quantizer=flat: " +
				"alpha=1_nprobe=3_reorder=true alpha=1_nprobe=3_reorder=false " +
				"alpha=1_nprobe=1_reorder=true alpha=1_nprobe=1_reorder=false " +
				"alpha=1_nprobe=2_reorder=true alpha=1_nprobe=2_reorder=false"},
		},
		{
			name: "scalar query value, integer for a float, duplicate index sets",
			config: `
datasets: [synthetic-2k-8]
algorithms:
  - name: fakeivf
    index: [{nlist: 4}, {nlist: 4, quantizer: flat}, {nlist: 5}]
    query: {alpha: 2}`,
			want: []string{
				"synthetic-2k-8 fakeivf nlist=4_quantizer=flat: alpha=2_nprobe=1_reorder=false",
				"synthetic-2k-8 fakeivf nlist=5_quantizer=flat: alpha=2_nprobe=1_reorder=false",
			},
		},
		{
			name: "dataset-major, config order, bare names, no parameters",
			config: `
datasets: [synthetic-4k-8, synthetic-2k-8]
algorithms: [flat, fakehnsw]`,
			want: []string{
				"synthetic-4k-8 flat default: default",
				"synthetic-4k-8 fakehnsw M=16_ef_construction=200: ef=10",
				"synthetic-2k-8 flat default: default",
				"synthetic-2k-8 fakehnsw M=16_ef_construction=200: ef=10",
			},
		},
		{
			name: "YAML anchors and merge keys",
			config: `
datasets: [synthetic-2k-8]
algorithms:
  - name: fakehnsw
    index:
      - &base {M: 8, ef_construction: 40}
      - {<<: *base, M: 12}
      - {<<: [*base, {M: 99}], ef_construction: 60}
    query: {ef: &efs [1, 2]}
  - name: fakeivf
    index: {nlist: 3}
    query: {nprobe: *efs}`,
			want: []string{
				"synthetic-2k-8 fakehnsw M=8_ef_construction=40: ef=1 ef=2",
				"synthetic-2k-8 fakehnsw M=12_ef_construction=40: ef=1 ef=2",
				"synthetic-2k-8 fakehnsw M=8_ef_construction=60: ef=1 ef=2",
				"synthetic-2k-8 fakeivf nlist=3_quantizer=flat: alpha=1_nprobe=1_reorder=false alpha=1_nprobe=2_reorder=false",
			},
		},
		{
			name:   "canonical synthetic name",
			config: "datasets: [synthetic-l2-2000-8]\nalgorithms: flat",
			want:   []string{"synthetic-2k-8 flat default: default"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, p := mustPlan(t, writeConfig(t, tt.config))
			checkSummary(t, p, tt.want)
		})
	}
}

// TestConfigDefaults checks the defaults of absent keys and the forcing
// of one thread in single mode.
func TestConfigDefaults(t *testing.T) {
	withFakes(t, nil)
	c, _ := mustPlan(t, writeConfig(t, "datasets: [synthetic-2k-8]\nalgorithms: [flat]\nthreads: 4\n"))
	want := Config{Datasets: []DatasetSpec{{Name: "synthetic-2k-8"}}, K: DefaultK, Trials: DefaultTrials, Mode: DefaultMode,
		Threads: 1, Output: DefaultOutput, Cache: DefaultCache}
	if c.K != want.K || c.Trials != want.Trials || c.Mode != want.Mode || c.Threads != want.Threads ||
		c.Output != want.Output || c.Cache != want.Cache || c.Queries != 0 {
		t.Errorf("defaults: got %+v, want %+v", *c, want)
	}
	c, _ = mustPlan(t, writeConfig(t, "datasets: [synthetic-2k-8]\nalgorithms: [flat]\nmode: parallel\nthreads: 4\ncache:\nqueries: 100\n"))
	if c.Threads != 4 || c.Cache != "" || c.Queries != 100 {
		t.Errorf("parallel: threads %d, cache %q, queries %d; want 4, \"\", 100", c.Threads, c.Cache, c.Queries)
	}
	c, _ = mustPlan(t, writeConfig(t, "datasets: [synthetic-l2-2000-8]\nalgorithms: [flat]\ncache: \"\"\n"))
	if c.Cache != "" {
		t.Errorf(`cache: "" gave %q`, c.Cache)
	}
	if !reflect.DeepEqual(c.DatasetNames(), []string{"synthetic-2k-8"}) {
		t.Errorf("datasets %q, want the catalogue spelling synthetic-2k-8", c.DatasetNames())
	}
}

// TestExpandBuiltInCode checks Expand on a Config made in code (no file
// positions): it works, and problems still name the key.
func TestExpandBuiltInCode(t *testing.T) {
	withFakes(t, nil)
	c := &Config{Datasets: []DatasetSpec{{Name: "synthetic-2k-8"}}, K: 5, Trials: 1, Mode: "batch", Threads: 2, Output: "out",
		Algorithms: []AlgorithmConfig{{Name: "fakehnsw", Index: []map[string]any{{"M": 4}}, Query: map[string][]any{"ef": {7, 9}}}}}
	p, err := c.Expand()
	if err != nil {
		t.Fatal(err)
	}
	checkSummary(t, p, []string{"synthetic-2k-8 fakehnsw M=4_ef_construction=200: ef=7 ef=9"})
	if p.Config != c {
		t.Errorf("plan.Config is not the config")
	}
	c.K = 0
	c.Algorithms[0].Index[0]["M"] = "x"
	_, err = c.Expand()
	want := "k: want at least 1 neighbour, got 0\nalgorithms.fakehnsw.index[0].M: want an integer, got string x"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want:\n%s", err, want)
	}
}

// TestRealLookups checks the production wiring to the dataset catalogue
// and the algorithm registry.
func TestRealLookups(t *testing.T) {
	file := writeConfig(t, "datasets: [siftsmal]\nalgorithms: [flat, nosuchalgo]\n")
	_, err := Load(file, nil)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, w := range []string{
		file + `:1: datasets[0]: unknown dataset "siftsmal" (valid: `,
		`(did you mean "siftsmall"?)`,
		file + `:2: algorithms.nosuchalgo: unknown algorithm "nosuchalgo" (valid: `,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

// TestPeerConfigs plans every run under configs/peers (the side of the
// native-peer comparisons the README reports) with the real registry and
// catalogue, so that they keep matching the parameters they name.
func TestPeerConfigs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "configs", "peers", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configs/peers/*.yaml (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c, p := mustPlan(t, f)
			if c.Mode != "single" || c.Threads != 1 || len(p.Jobs) != 1 || len(p.Jobs[0].Queries) != 24 {
				t.Errorf("%s: mode %s, threads %d, %d jobs; want one single-thread job of 24 query settings", f, c.Mode, c.Threads, len(p.Jobs))
			}
		})
	}
}
