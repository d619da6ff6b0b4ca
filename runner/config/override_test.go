package config

import (
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
)

// TestOverrides checks overrides that succeed, each against the jobs and
// settings they produce.
func TestOverrides(t *testing.T) {
	withFakes(t, fstest.MapFS{})
	ok := filepath.Join("testdata", "config", "ok.yaml")
	defaults := filepath.Join("testdata", "config", "defaults", "run.yaml")
	tests := []struct {
		name      string
		file      string
		overrides []string
		want      []string
		check     func(t *testing.T, c *Config)
	}{
		{name: "none", file: ok, want: []string{
			"synthetic-2k-8 fakehnsw M=8_ef_construction=50: ef=10 ef=20",
			"synthetic-2k-8 fakehnsw M=16_ef_construction=50: ef=10 ef=20",
			"synthetic-2k-8 flat default: default",
		}},
		{name: "query by name", file: ok, overrides: []string{"algorithms.fakehnsw.query.ef=[10,40,160]"}, want: []string{
			"synthetic-2k-8 fakehnsw M=8_ef_construction=50: ef=10 ef=40 ef=160",
			"synthetic-2k-8 fakehnsw M=16_ef_construction=50: ef=10 ef=40 ef=160",
			"synthetic-2k-8 flat default: default",
		}},
		{name: "whole index list", file: ok, overrides: []string{"algorithms.fakehnsw.index=[{M: 16, ef_construction: 100}]"}, want: []string{
			"synthetic-2k-8 fakehnsw M=16_ef_construction=100: ef=10 ef=20",
			"synthetic-2k-8 flat default: default",
		}},
		{name: "one index parameter in every set", file: ok, overrides: []string{"algorithms.fakehnsw.index.M=32"}, want: []string{
			"synthetic-2k-8 fakehnsw M=32_ef_construction=50: ef=10 ef=20",
			"synthetic-2k-8 flat default: default",
		}},
		{name: "datasets list and scalar query value", file: ok, overrides: []string{"datasets=[synthetic-4k-8,siftsmall]", "algorithms.fakehnsw.query.ef=7"}, want: []string{
			"synthetic-4k-8 fakehnsw M=8_ef_construction=50: ef=7",
			"synthetic-4k-8 fakehnsw M=16_ef_construction=50: ef=7",
			"synthetic-4k-8 flat default: default",
			"siftsmall fakehnsw M=8_ef_construction=50: ef=7",
			"siftsmall fakehnsw M=16_ef_construction=50: ef=7",
			"siftsmall flat default: default",
		}},
		{name: "single dataset name", file: ok, overrides: []string{"datasets=synthetic-4k-8", "algorithms=[flat]"}, want: []string{
			"synthetic-4k-8 flat default: default",
		}},
		{name: "algorithm not in the file is appended", file: ok, overrides: []string{"algorithms.fakeivf.query.nprobe=[1,2]", "algorithms.fakeivf.index.nlist=8"}, want: []string{
			"synthetic-2k-8 fakehnsw M=8_ef_construction=50: ef=10 ef=20",
			"synthetic-2k-8 fakehnsw M=16_ef_construction=50: ef=10 ef=20",
			"synthetic-2k-8 flat default: default",
			"synthetic-2k-8 fakeivf nlist=8_quantizer=flat: alpha=1_nprobe=1_reorder=false alpha=1_nprobe=2_reorder=false",
		}},
		{name: "by position and bracket syntax", file: ok, overrides: []string{"algorithms.0.query.ef=[5]", "algorithms[0].index[1].M=20"}, want: []string{
			"synthetic-2k-8 fakehnsw M=8_ef_construction=50: ef=5",
			"synthetic-2k-8 fakehnsw M=20_ef_construction=50: ef=5",
			"synthetic-2k-8 flat default: default",
		}},
		{name: "replace an entry", file: ok, overrides: []string{"algorithms.fakehnsw={query: {ef: [3]}}"}, want: []string{
			"synthetic-2k-8 fakehnsw M=16_ef_construction=200: ef=3",
			"synthetic-2k-8 flat default: default",
		}},
		{name: "drop an algorithm", file: ok, overrides: []string{"algorithms.fakehnsw=null"}, want: []string{
			"synthetic-2k-8 flat default: default",
		}},
		{name: "replace the list", file: ok, overrides: []string{"algorithms=[{name: fakeivf, index: [{nlist: 2}]}]"}, want: []string{
			"synthetic-2k-8 fakeivf nlist=2_quantizer=flat: alpha=1_nprobe=1_reorder=false",
		}},
		{name: "parameter overrides on top of defaults files", file: defaults, overrides: []string{
			"datasets=[synthetic-2k-8]", "algorithms.fakehnsw.index.M=32", "algorithms.fakeivf.query.reorder=[true]", "algorithms.fakeivf.index.quantizer=pq",
		}, want: []string{
			"synthetic-2k-8 fakehnsw M=32_ef_construction=200: ef=10 ef=20 ef=40",
			"synthetic-2k-8 fakehnsw M=32_ef_construction=100: ef=10 ef=20 ef=40",
			"synthetic-2k-8 fakeivf nlist=16_quantizer=pq: alpha=1_nprobe=4_reorder=true",
			"synthetic-2k-8 fakeivf nlist=32_quantizer=pq: alpha=1_nprobe=4_reorder=true",
		}},
		{name: "scalar settings, later wins", file: ok, overrides: []string{
			"trials=1", "trials=7", "k=1", "mode=parallel", "threads=4", "output=out", "cache=", "queries=50",
		}, want: []string{
			"synthetic-2k-8 fakehnsw M=8_ef_construction=50: ef=10 ef=20",
			"synthetic-2k-8 fakehnsw M=16_ef_construction=50: ef=10 ef=20",
			"synthetic-2k-8 flat default: default",
		}, check: func(t *testing.T, c *Config) {
			got := [...]any{c.Trials, c.K, c.Mode, c.Threads, c.Output, c.Cache, c.Queries}
			want := [...]any{7, 1, "parallel", 4, "out", "", 50}
			if got != want {
				t.Errorf("settings %v, want %v", got, want)
			}
		}},
		{name: "mode single forces one thread", file: ok, overrides: []string{"threads=8", "mode=single"}, want: []string{
			"synthetic-2k-8 fakehnsw M=8_ef_construction=50: ef=10 ef=20",
			"synthetic-2k-8 fakehnsw M=16_ef_construction=50: ef=10 ef=20",
			"synthetic-2k-8 flat default: default",
		}, check: func(t *testing.T, c *Config) {
			if c.Threads != 1 {
				t.Errorf("threads %d, want 1", c.Threads)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, p := mustPlan(t, tt.file, tt.overrides...)
			checkSummary(t, p, tt.want)
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

// TestOverridesBuildAConfig checks that overrides alone can make a run
// from an empty file, and from a file whose algorithms are bare names.
func TestOverridesBuildAConfig(t *testing.T) {
	withFakes(t, fstest.MapFS{})
	_, p := mustPlan(t, writeConfig(t, "# nothing here\n"), "datasets=[synthetic-2k-8]", "algorithms.fakehnsw.query.ef=[1,2]")
	checkSummary(t, p, []string{"synthetic-2k-8 fakehnsw M=16_ef_construction=200: ef=1 ef=2"})

	_, p = mustPlan(t, writeConfig(t, "datasets: [synthetic-2k-8]\nalgorithms: fakehnsw\n"), "algorithms.fakehnsw.index=[{M: 4}]", "algorithms.flat={}")
	checkSummary(t, p, []string{
		"synthetic-2k-8 fakehnsw M=4_ef_construction=200: ef=10",
		"synthetic-2k-8 flat default: default",
	})
}

// TestParseOverride checks the splitting of key=value.
func TestParseOverride(t *testing.T) {
	tests := []struct {
		text    string
		keys    []string
		value   string
		wantErr bool
	}{
		{text: "trials=5", keys: []string{"trials"}, value: "5"},
		{text: "a.b.c=x=y", keys: []string{"a", "b", "c"}, value: "x=y"},
		{text: "algorithms[2].index[0].M=4", keys: []string{"algorithms", "2", "index", "0", "M"}, value: "4"},
		{text: " k =3", keys: []string{"k"}, value: "3"},
		{text: "cache=", keys: []string{"cache"}, value: ""},
		{text: "trials", wantErr: true},
		{text: "=1", wantErr: true},
		{text: "a..b=1", wantErr: true},
		{text: "a. b=1", wantErr: true},
		{text: "a=[1", wantErr: true},
	}
	for _, tt := range tests {
		o, err := parseOverride(tt.text)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseOverride(%q) error %v, want error %v", tt.text, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if !reflect.DeepEqual(o.keys, tt.keys) || o.value.Value != tt.value {
			t.Errorf("parseOverride(%q) = %q %q, want %q %q", tt.text, o.keys, o.value.Value, tt.keys, tt.value)
		}
	}
}
