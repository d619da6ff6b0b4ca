package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

// pointSet lists the points of a result tree as "dataset algorithm
// index-params query-params recall" lines, sorted.
func pointSet(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*.json"))
	var out []string
	for _, f := range files {
		r, err := result.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.Points {
			out = append(out, fmt.Sprintf("%s %s %s %s %s recall=%.6f", r.Dataset, r.Algorithm, result.ParamKey(r.IndexParams),
				r.Identity().Setup(), result.ParamKey(p.QueryParams), p.Recall))
		}
	}
	sort.Strings(out)
	return out
}

// copyTree copies a directory tree.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// editJSON rewrites every JSON file under dir whose name matches glob
// with fn applied to its decoded content.
func editJSON(t *testing.T, pattern string, fn func(map[string]any)) {
	t.Helper()
	files, _ := filepath.Glob(pattern)
	if len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		fn(m)
		data, _ = json.MarshalIndent(m, "", "  ")
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestShardedRunMergesToTheUnshardedPoints runs a config of eight build
// groups unsharded and as three shards, merges the shards and compares the
// points; then checks merge's refusals.
func TestShardedRunMergesToTheUnshardedPoints(t *testing.T) {
	dir, cfg := writeSixGroups(t)
	data := "--data=" + filepath.Join(dir, "data")
	if _, errs, code := cli(t, "prepare", cfg, data); code != 0 || !strings.Contains(errs, "ready") {
		t.Fatalf("prepare: exit %d:\n%s", code, errs)
	}
	full := filepath.Join(dir, "full")
	if _, errs, code := cli(t, "run", cfg, data, "--no-plots", "output="+full); code != 0 {
		t.Fatalf("unsharded run: exit %d:\n%s", code, errs)
	} else if strings.Contains(errs, "computing exact ground truth") {
		t.Errorf("the run computed ground truth after prepare:\n%s", errs)
	}
	want := pointSet(t, full)
	if len(want) < 12 {
		t.Fatalf("unsharded run has %d points", len(want))
	}
	var shards []string
	for i := 0; i < 3; i++ {
		out := filepath.Join(dir, fmt.Sprintf("shard%d", i))
		if _, errs, code := cli(t, "run", cfg, data, "--no-plots", fmt.Sprintf("--shard=%d/3", i), "output="+out); code != 0 {
			t.Fatalf("shard %d: exit %d:\n%s", i, code, errs)
		}
		shards = append(shards, out)
	}
	merged := filepath.Join(dir, "merged")
	stdout, errs, code := cli(t, append([]string{"merge", "-o", merged}, shards...)...)
	if code != 0 {
		t.Fatalf("merge: exit %d:\n%s", code, errs)
	}
	if !strings.Contains(stdout, fmt.Sprintf("merged %d points", len(want))) || !strings.Contains(stdout, "shards 0/3, 1/3, 2/3") {
		t.Errorf("merge said %q", stdout)
	}
	if got := pointSet(t, merged); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("merged points differ from the unsharded run:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := os.Stat(filepath.Join(merged, "summary.md")); err != nil {
		t.Errorf("merge rendered no report: %v", err)
	}

	refuse := func(name string, wantMsg string, args ...string) {
		t.Helper()
		out := filepath.Join(dir, "refused-"+name)
		_, errs, code := cli(t, append([]string{"merge", "-o", out}, args...)...)
		if code == 0 || !strings.Contains(errs, wantMsg) || !strings.Contains(errs, "nothing written") && !strings.Contains(errs, "given twice") {
			t.Errorf("%s: exit %d, want an error with %q:\n%s", name, code, wantMsg, errs)
		}
		if files, _ := filepath.Glob(filepath.Join(out, "*", "*", "*.json")); len(files) > 0 {
			t.Errorf("%s: refused merge wrote %d result files", name, len(files))
		}
	}
	refuse("missing", "missing shards 2/3", shards[0], shards[1])
	dupShard := filepath.Join(dir, "shard1-copy")
	copyTree(t, shards[1], dupShard)
	refuse("repeated", "shard 1/3 appears twice", shards[0], shards[1], dupShard, shards[2])
	refuse("same dir", "is given twice", shards[0], shards[0])
	// Into the merged directory again: its shards are already there.
	_, errs, code = cli(t, "merge", "-o", merged, shards[0])
	if code == 0 || !strings.Contains(errs, "shard 0/3 appears twice") || !strings.Contains(errs, "duplicate points") {
		t.Errorf("re-merge: exit %d:\n%s", code, errs)
	}
	// A shard measured on another machine.
	other := filepath.Join(dir, "shard2-other")
	copyTree(t, shards[2], other)
	editJSON(t, filepath.Join(other, "*", "*", "*.json"), func(m map[string]any) {
		for _, mach := range m["machines"].(map[string]any) {
			mach.(map[string]any)["cpu"] = "Other CPU 9000"
		}
	})
	refuse("machines", "measurements from 2 machine classes", shards[0], shards[1], other)
	mixed := filepath.Join(dir, "mixed")
	stdout, errs, code = cli(t, "merge", "--allow-mixed-machines", "--no-plots", "-o", mixed, shards[0], shards[1], other)
	if code != 0 || !strings.Contains(errs, "note: measurements from 2 machine classes") || len(pointSet(t, mixed)) != len(want) {
		t.Errorf("--allow-mixed-machines: exit %d, %q:\n%s", code, stdout, errs)
	}
	// An unfinished shard.
	unfinished := filepath.Join(dir, "shard0-unfinished")
	copyTree(t, shards[0], unfinished)
	editJSON(t, filepath.Join(unfinished, "shard-0-of-3.json"), func(m map[string]any) { m["complete"] = false })
	refuse("unfinished", "shard 0/3 in "+unfinished+" did not finish", unfinished, shards[1], shards[2])
	partial := filepath.Join(dir, "partial")
	if _, errs, code := cli(t, "merge", "--allow-partial", "--no-plots", "-o", partial, shards[0], shards[1]); code != 0 || !strings.Contains(errs, "note: missing shards 2/3") {
		t.Errorf("--allow-partial: exit %d:\n%s", code, errs)
	}
	if _, errs, code := cli(t, "merge", shards[0]); code != 2 || !strings.Contains(errs, "-o OUT") {
		t.Errorf("merge without -o: exit %d:\n%s", code, errs)
	}
}
