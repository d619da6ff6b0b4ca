package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

// TestSetupsSurviveAndPlotApart is issue 12's "done when": single, then
// batch with two threads, then k=5 into one output directory keep all
// three sets of points, and plot draws them apart.
func TestSetupsSurviveAndPlotApart(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir := t.TempDir()
	out := filepath.Join(dir, "results")
	common := []string{"run", "--no-plots", "datasets=[synthetic-2k-8]", "algorithms=[{name: flat}, {name: hnsw, index: {M: 8}, query: {ef: [10, 40]}}]",
		"trials=1", "queries=50", "output=" + out, "cache=" + filepath.Join(dir, "cache")}
	for _, extra := range [][]string{{"mode=single"}, {"mode=batch", "threads=2"}, {"k=5"}} {
		if _, errs, code := cli(t, append(common, extra...)...); code != 0 {
			t.Fatalf("run %v: exit %d\n%s", extra, code, errs)
		}
	}
	files, _ := filepath.Glob(filepath.Join(out, "synthetic-2k-8", "*", "*.json"))
	setups := map[string]int{}
	for _, f := range files {
		r, err := result.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		setups[r.Identity().Setup()] += len(r.Points)
	}
	want := map[string]int{
		"k=10 single threads=1 queries=50": 3, // flat 1 + hnsw 2
		"k=10 batch threads=2 queries=50":  3,
		"k=5 single threads=1 queries=50":  3,
	}
	for s, n := range want {
		if setups[s] != n {
			t.Errorf("setup %q has %d points, want %d (all setups: %v)", s, setups[s], n, setups)
		}
	}
	if _, errs, code := cli(t, "plot", out); code != 0 {
		t.Fatalf("plot: exit %d\n%s", code, errs)
	}
	for _, sub := range []string{"k10-single-t1-q50", "k10-batch-t2-q50", "k5-single-t1-q50"} {
		p := filepath.Join(out, "synthetic-2k-8", sub, "recall_qps.svg")
		svg, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("no plot for setup %s: %v", sub, err)
			continue
		}
		if !strings.Contains(string(svg), "synthetic-2k-8 (k=") {
			t.Errorf("%s: title does not name the setup", p)
		}
	}
	summary, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for s := range want {
		if !strings.Contains(string(summary), "## synthetic-2k-8 ("+s+")") {
			t.Errorf("summary.md has no section for %s:\n%s", s, summary)
		}
	}
}

// TestRunRefusesLockedOutput checks the command's side of issue 12's
// probe 3: a run into an output directory another process is writing
// exits 1 before any work with a message naming the holder and the lock.
func TestRunRefusesLockedOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "results")
	l, err := result.LockDir(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	_, errs, code := cli(t, "run", "--no-plots", "datasets=[synthetic-2k-8]", "algorithms=[{name: flat}]", "trials=1",
		"output="+out, "cache=")
	if code != 1 || !strings.Contains(errs, "is being written by annbench pid") || !strings.Contains(errs, result.LockFile) {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 naming the holder and the lock file", code, errs)
	}
	if files, _ := filepath.Glob(filepath.Join(out, "*", "*", "*.json")); len(files) != 0 {
		t.Errorf("the refused run wrote %v", files)
	}
}

// TestRunRefusesOutputAsCache is issue 12's probe 2 at the command line.
func TestRunRefusesOutputAsCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "same")
	_, errs, code := cli(t, "run", "--no-plots", "datasets=[synthetic-2k-8]", "algorithms=[{name: flat}]", "trials=1",
		"output="+dir, "cache="+dir)
	if code == 0 || !strings.Contains(errs, "cache is the output directory") {
		t.Fatalf("exit %d, stderr:\n%s\nwant a refusal", code, errs)
	}
}

// TestReportsNameABadFile is issue 12's probe 8 on the reading side: a
// result file with negative recall or QPS (as the old peers import wrote)
// makes plot, compare and export fail with exit 1 naming the file, never
// panic.
func TestReportsNameABadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(reportTestdata, "base")
	for _, tt := range []struct{ name, body, want string }{
		{"negative qps", `{"schema": "annbench/result/v2", "dataset": "d", "algorithm": "lib", "points": [{"recall": 0.5, "qps": -5}]}`, "qps -5"},
		{"negative recall", `{"schema": "annbench/result/v2", "dataset": "d", "algorithm": "lib", "points": [{"recall": -0.5, "qps": 5}]}`, "recall -0.5 outside [0, 1]"},
	} {
		out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
		bad := filepath.Join(out, "d", "lib", "default.k10-single-t1-q10.0000000000.json")
		if err := os.MkdirAll(filepath.Dir(bad), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bad, []byte(tt.body), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"plot", out}, {"compare", "--no-plots", good, out}, {"export", out}} {
			_, errs, code := cli(t, args...)
			if code != 1 || !strings.Contains(errs, bad) || !strings.Contains(errs, tt.want) {
				t.Errorf("%s: %v: exit %d, stderr %q; want exit 1 naming %s and %q", tt.name, args, code, errs, bad, tt.want)
			}
		}
	}
}
