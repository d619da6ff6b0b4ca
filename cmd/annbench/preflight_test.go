package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunPreflight checks that problems a run would meet late (an
// output directory that cannot be created, a dataset that is neither on
// disk nor downloadable) stop it before any ground truth or build.
func TestRunPreflight(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := cli(t, "run", "--no-download", "--data", filepath.Join(dir, "data"),
		"datasets=[synthetic-2k-8,siftsmall]", "algorithms=[flat]", "trials=1",
		"output="+filepath.Join(blocker, "results"), "cache="+filepath.Join(dir, "cache"))
	if code == 0 {
		t.Fatalf("run succeeded:\n%s", errs)
	}
	for _, w := range []string{"pre-flight: nothing was run", "output: cannot create the directory", "dataset siftsmall: missing", "--no-download is set; run 'annbench download siftsmall' first"} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	for _, bad := range []string{"building", "ground truth", "recall@"} {
		if strings.Contains(errs, bad) {
			t.Errorf("work started before the pre-flight failed (%q):\n%s", bad, errs)
		}
	}
}

// TestConfigPathWithEquals checks that a config file whose name has '='
// is read as the config, and that a missing one is reported as a missing
// file rather than as an override.
func TestConfigPathWithEquals(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "k=5.yaml")
	text := "datasets: [synthetic-2k-8]\nalgorithms: [flat]\ntrials: 1\nk: 5\noutput: " + filepath.Join(dir, "out") + "\ncache: ''\n"
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := cli(t, "run", "--no-plots", "--data", filepath.Join(dir, "data"), cfg)
	if code != 0 || !strings.Contains(errs, "recall@5") {
		t.Errorf("exit %d; want a run of %s with k=5:\n%s", code, cfg, errs)
	}
	_, errs, code = cli(t, "run", filepath.Join(dir, "a=b.yaml"))
	if code != 2 || !strings.Contains(errs, "a=b.yaml: cannot read config") {
		t.Errorf("exit %d; want a missing-file error:\n%s", code, errs)
	}
	if dirs, got := splitConfigArgs([]string{"trials=3", "k=5"}); dirs != "" || len(got) != 2 {
		t.Errorf("overrides without a config: path %q, overrides %q", dirs, got)
	}
}
