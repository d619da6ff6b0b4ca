package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/shard"
)

// sixGroups is a config with eight build groups over two small datasets.
const sixGroups = `datasets: [synthetic-2k-16, synthetic-3k-8]
trials: 1
algorithms:
  - name: flat
  - name: ivfflat
    index: [{nlist: 16}, {nlist: 32}]
    query: {nprobe: [1, 4]}
  - name: hnsw
    index: [{M: 8, ef_construction: 40, threads: 1}]
    query: {ef: [10, 40]}
cache: ''
`

func writeSixGroups(t *testing.T) (dir, cfg string) {
	t.Helper()
	dir = t.TempDir()
	cfg = filepath.Join(dir, "six.yaml")
	if err := os.WriteFile(cfg, []byte(sixGroups), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

// planJSON runs 'annbench plan --format json' and decodes it.
func planJSON(t *testing.T, cfg string, n string) []planEntry {
	t.Helper()
	out, errs, code := cli(t, "plan", cfg, "--shards", n, "--format", "json")
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errs)
	}
	var m struct {
		Include []planEntry `json:"include"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("plan JSON %q: %v", out, err)
	}
	return m.Include
}

// shardLine returns the groups a run's log says its shard runs.
func shardLine(t *testing.T, log string) (label, from string, groups []string) {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		if rest, ok := strings.CutPrefix(line, "shard "); ok {
			label, rest, _ = strings.Cut(rest, " (from ")
			from, rest, _ = strings.Cut(rest, "): ")
			_, list, _ := strings.Cut(rest, "build groups: ")
			if list != "" {
				groups = strings.Split(list, ", ")
			}
			return label, from, groups
		}
	}
	t.Fatalf("no shard line in:\n%s", log)
	return
}

// TestPlanPredictsShards checks that plan's JSON is a matrix of every
// shard, that each shard's run log names exactly the groups plan listed
// for it, and that every engine's environment picks shard 1/3 as --shard
// 1/3 does.
func TestPlanPredictsShards(t *testing.T) {
	dir, cfg := writeSixGroups(t)
	entries := planJSON(t, cfg, "3")
	if len(entries) != 3 {
		t.Fatalf("%d matrix entries, want 3", len(entries))
	}
	total := 0
	for i, e := range entries {
		if e.Shard != i || e.Shards != 3 || e.Label != (shard.Selection{Index: i, Count: 3}).Label() {
			t.Errorf("entry %d: %+v", i, e)
		}
		total += len(e.Groups)
	}
	if total < 6 {
		t.Fatalf("plan lists %d groups, want at least 6", total)
	}
	text, _, code := cli(t, "plan", cfg, "--shards", "3")
	if code != 0 || !strings.Contains(text, "8 build groups in 3 shards") || !strings.Contains(text, "shard 2/3") {
		t.Errorf("text plan (exit %d):\n%s", code, text)
	}
	for i, e := range entries {
		out := filepath.Join(dir, "out", e.Label[:1])
		_, errs, code := cli(t, "run", cfg, "--no-plots", "--data", filepath.Join(dir, "data"), "--shard", e.Label, "output="+out)
		if code != 0 {
			t.Fatalf("shard %s: exit %d:\n%s", e.Label, code, errs)
		}
		label, from, groups := shardLine(t, errs)
		if label != e.Label || from != "--shard "+e.Label || strings.Join(groups, " ") != strings.Join(e.Groups, " ") {
			t.Errorf("shard %d log says %s from %s: %q; plan said %q", i, label, from, groups, e.Groups)
		}
		ms, err := shard.ReadManifests(out)
		if err != nil || len(ms) != 1 || !ms[0].Complete || ms[0].Shard != i {
			t.Errorf("shard %d manifest: %+v, %v", i, ms, err)
		}
	}
	for _, env := range [][]string{
		{"SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "3"},
		{"JOB_COMPLETION_INDEX", "1", "ANNBENCH_SHARDS", "3"},
		{"AWS_BATCH_JOB_ARRAY_INDEX", "1", "AWS_BATCH_JOB_ARRAY_SIZE", "3"},
	} {
		t.Run(env[0], func(t *testing.T) {
			for i := 0; i < len(env); i += 2 {
				t.Setenv(env[i], env[i+1])
			}
			_, errs, code := cli(t, "run", cfg, "--no-plots", "--data", filepath.Join(dir, "data"), "output="+filepath.Join(dir, "env-"+env[0]))
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, errs)
			}
			label, from, groups := shardLine(t, errs)
			if label != "1/3" || !strings.Contains(from, env[0]+"=1") || strings.Join(groups, " ") != strings.Join(entries[1].Groups, " ") {
				t.Errorf("log says %s from %s: %q; want 1/3 with %q", label, from, groups, entries[1].Groups)
			}
		})
	}
	// Usage errors.
	for _, args := range [][]string{
		{"run", cfg, "--shard", "3/3"},
		{"run", cfg, "--shard", "1/3", "--shards", "4"},
		{"run", cfg, "--shards", "3"},
		{"plan", cfg, "--shards", "0"},
		{"plan", cfg, "--format", "yaml"},
	} {
		if _, errs, code := cli(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2:\n%s", args, code, errs)
		}
	}
}
