package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update-config", false, "rewrite the testdata/config/*.err golden files")

// TestLoadConfigErrors checks the full error output of bad configs and
// overrides against golden files, and that the key facts (location, valid
// choices) are in it.
func TestLoadConfigErrors(t *testing.T) {
	withFakes(t, nil)
	tests := []struct {
		name      string
		file      string
		overrides []string
		// want lists substrings the message must contain, whatever the
		// golden file says.
		want []string
	}{
		{name: "typo", file: "typo.yaml", want: []string{
			`testdata/config/typo.yaml:2: trails: unknown key (did you mean "trials"?); valid keys: datasets, k, trials, min_pass_seconds, warmup_seconds, settle_seconds, mode, threads, queries, filter, algorithms, output, cache`,
			`testdata/config/typo.yaml:5: algorithms.fakehnsw.qeury: unknown key (did you mean "query"?); valid keys: name, index, query, adapter`,
			`typo.yaml:7: algorithms.flat.idnex: unknown key (did you mean "index"?)`,
		}},
		{name: "unknown_algorithm", file: "unknown_algorithm.yaml", want: []string{
			`testdata/config/unknown_algorithm.yaml:3: algorithms.fakehsnw.name: unknown algorithm "fakehsnw"`,
			`(did you mean "fakehnsw"?)`,
			`unknown_algorithm.yaml:5: algorithms.nope: unknown algorithm "nope" (valid: `,
		}},
		{name: "unknown_param", file: "unknown_param.yaml", want: []string{
			`unknown_param.yaml:5: algorithms.fakehnsw.index[0].efc: unknown index parameter of fakehnsw; valid: M, ef_construction`,
			`unknown_param.yaml:6: algorithms.fakehnsw.index[1].ef: ef is a query parameter of fakehnsw; set it under query`,
			`unknown_param.yaml:8: algorithms.fakehnsw.query.eff: unknown query parameter of fakehnsw (did you mean "ef"?); valid: ef`,
			`unknown_param.yaml:9: algorithms.fakehnsw.query.M: M is an index parameter of fakehnsw; set it under index`,
		}},
		{name: "wrong_type", file: "wrong_type.yaml", want: []string{
			`wrong_type.yaml:2: trials: want an integer, got string "five"`,
			`wrong_type.yaml:3: k: want an integer, got a list`,
			`wrong_type.yaml:4: threads: want an integer, got number 1.5`,
			`wrong_type.yaml:5: output: want a directory name, got a list`,
			`wrong_type.yaml:9: algorithms.fakehnsw.index[0].M: want an integer, got string sixteen`,
			`wrong_type.yaml:10: algorithms.fakehnsw.index[1].M: 1 is outside [2, 1024]`,
			`wrong_type.yaml:11: algorithms.fakehnsw.index[2]: want a map of parameter values such as {M: 16}, got a list`,
			`wrong_type.yaml:12: algorithms.fakehnsw.query.ef[1]: want an integer, got string 20`,
			`wrong_type.yaml:12: algorithms.fakehnsw.query.ef[2]: want an integer, got 2.5`,
			`wrong_type.yaml:12: algorithms.fakehnsw.query.ef[3]: want a single value (number, string or boolean), got a list`,
			`wrong_type.yaml:14: algorithms.fakeivf.index[0].quantizer: "opq" is not one of flat, pq`,
			`wrong_type.yaml:15: algorithms.fakeivf.query.reorder[0]: want true or false, got string maybe`,
			`wrong_type.yaml:15: algorithms.fakeivf.query.alpha[1]: want a number, got string fast`,
			`wrong_type.yaml:15: algorithms.fakeivf.query.nprobe: want a list of values such as [10, 20, 40], got a map`,
		}},
		{name: "unknown_dataset", file: "unknown_dataset.yaml", want: []string{
			`unknown_dataset.yaml:2: datasets[0]: unknown dataset "siftsmal" (test catalogue: siftsmall, synthetic-<n>-<d>) (did you mean "siftsmall"?)`,
			`unknown_dataset.yaml:4: datasets[2]: unknown dataset "synthetic-2kk-8"`,
		}},
		{name: "many", file: "many.yaml", want: []string{
			`many.yaml:2: datasets: no datasets; list at least one`,
			`many.yaml:3: k: want at least 1 neighbour, got 0`,
			`many.yaml:5: trials: key given twice (first at line 4)`,
			`many.yaml:6: mode: unknown mode "fast"; valid modes: single, batch, parallel`,
			`many.yaml:7: output: want a directory for results, got an empty name`,
			`many.yaml:10: algorithms.flat.name: algorithm "flat" is listed twice (also algorithms[0])`,
			`many.yaml:11: algorithms[2]: missing name; every entry needs name: <algorithm>`,
			`many.yaml:13: algorithms.fakehnsw.index: empty list; omit the key to use the default index parameters`,
			`many.yaml:14: algorithms.fakehnsw.query.ef: empty list; give at least one value`,
			`many.yaml:15: algorithms.fakehnsw.extra: unknown key; valid keys: name, index, query, adapter`,
		}},
		{name: "invalid_yaml", file: "invalid_yaml.yaml", want: []string{
			`testdata/config/invalid_yaml.yaml:4: invalid YAML: did not find expected '-' indicator`,
		}},
		{name: "not_a_map", file: "not_a_map.yaml", want: []string{
			`not_a_map.yaml:1: want a map with keys datasets, k, trials`,
		}},
		{name: "metric", file: "metric.yaml", want: []string{
			`metric.yaml:3: algorithms.fakeivf.name: fakeivf does not support metric ip of dataset synthetic-ip-2k-8 (supported: l2)`,
		}},
		{name: "bad_defaults", file: "bad_defaults/run.yaml", want: []string{
			`testdata/config/bad_defaults/algorithms/fakehnsw.yaml:2: index[0].M: want an integer, got string x`,
			`testdata/config/bad_defaults/algorithms/fakehnsw.yaml:3: queyr: unknown key (did you mean "query"?); valid keys: index, query`,
			`testdata/config/bad_defaults/specialized/synthetic-2k-8_fakeivf.yaml:4: query.ef: unknown query parameter of fakeivf; valid: nprobe, reorder, alpha`,
		}},
		{name: "missing_file", file: "no_such_file.yaml", want: []string{
			`testdata/config/no_such_file.yaml: cannot read config: no such file or directory`,
		}},
		{name: "bad_timing", file: "ok.yaml", overrides: []string{
			"min_pass_seconds=-0.1", "warmup_seconds=fast", "settle_seconds=.nan",
		}, want: []string{
			`override 'min_pass_seconds=-0.1': min_pass_seconds: want seconds in [0, 60], got -0.1`,
			`override 'warmup_seconds=fast': warmup_seconds: want a number, got string "fast"`,
			`override 'settle_seconds=.nan': settle_seconds: want seconds in [0, 10], got NaN`,
		}},
		{name: "bad_overrides", file: "ok.yaml", overrides: []string{
			"trials",
			"=3",
			"trials=x",
			"trials={a",
			"trails=3",
			"k..x=1",
			"k.x=1",
			"nosuch.key=1",
			"algorithms.fakehnsw.index.M.x=3",
			"algorithms.9.name=flat",
			"datasets.foo=x",
			"algorithms.fakehnsw=[1]",
			"algorithms.fakehnsw={name: flat}",
			"algorithms.fakehnsw.query.ef=[a]",
			"algorithms.fakehnsw.query.ef=[]",
			"algorithms.fakehnsw.index.ef=5",
			"algorithms.fakehnsw.index.M=[16]",
			"algorithms.flat.index=[{M:16}]",
			"algorithms.nosuch.query.ef=[1]",
			"datasets=[synthetic-2k-8,siftsmal]",
			"mode=sngle",
			"algorithms.fakeivf=null",
		}, want: []string{
			`override 'algorithms.fakeivf=null': algorithms.fakeivf: the config lists no algorithm "fakeivf" to remove`,
			`override 'trials': want key=value`,
			`override '=3': missing key before '='`,
			`override 'trials=x': trials: want an integer, got string "x"`,
			`override 'trials={a': value is not valid YAML`,
			`override 'trails=3': trails: unknown key (did you mean "trials"?); valid keys: `,
			`override 'k..x=1': malformed key "k..x"`,
			`override 'k.x=1': k.x: k is integer 10, not a map or a list, so it has no key "x"`,
			`override 'nosuch.key=1': nosuch: unknown key; valid keys: `,
			`override 'algorithms.fakehnsw.index.M.x=3': algorithms.fakehnsw.index.M.x: too many keys after algorithms.fakehnsw.index`,
			`override 'algorithms.9.name=flat': algorithms.9.name: algorithms: no item 9 (the list has 2)`,
			`override 'datasets.foo=x': datasets.foo: datasets: no item named "foo"; address items of this list by position`,
			`override 'algorithms.fakehnsw=[1]': algorithms.fakehnsw: want an algorithm entry such as {index: [...], query: {...}}, got a list`,
			`override 'algorithms.fakehnsw={name: flat}': algorithms.fakehnsw: entry addressed as "fakehnsw" has name "flat"`,
			`override 'algorithms.fakehnsw.query.ef=[a]': algorithms.fakehnsw.query.ef[0]: want an integer, got string a`,
			`override 'algorithms.fakehnsw.query.ef=[]': algorithms.fakehnsw.query.ef: empty list; give at least one value`,
			`override 'algorithms.fakehnsw.index.ef=5': algorithms.fakehnsw.index.ef: ef is a query parameter of fakehnsw; set it under query`,
			`override 'algorithms.fakehnsw.index.M=[16]': algorithms.fakehnsw.index.M: want a single value (number, string or boolean), got a list`,
			`override 'algorithms.flat.index=[{M:16}]': algorithms.flat.index[0].M:16: key contains ':' and has no value; write a space after the colon`,
			`override 'algorithms.nosuch.query.ef=[1]': algorithms.nosuch.name: unknown algorithm "nosuch"`,
			`override 'datasets=[synthetic-2k-8,siftsmal]': datasets[1]: unknown dataset "siftsmal"`,
			`override 'mode=sngle': mode: unknown mode "sngle" (did you mean "single"?)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(filepath.Join("testdata", "config", tt.file), tt.overrides)
			if err == nil {
				t.Fatalf("Load succeeded (%+v), want an error", cfg)
			}
			var ce interface{ ConfigError() bool }
			if !errors.As(err, &ce) || !ce.ConfigError() {
				t.Fatalf("error %T is not a config error: %v", err, err)
			}
			got := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("error lacks %q; got:\n%s", w, got)
				}
			}
			golden := filepath.Join("testdata", "config", tt.name+".err")
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, rerr := os.ReadFile(golden)
			if rerr != nil {
				t.Fatalf("read golden file (run go test -run TestLoadConfigErrors -update-config to create it): %v", rerr)
			}
			if got+"\n" != string(want) {
				t.Errorf("error differs from %s; got:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}
