package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeAnnbench writes a script standing in for an annbench build: its
// `run` copies the result fixtures of report/testdata/<set> into the
// output= directory.
func fakeAnnbench(t *testing.T, dir, name, set string) string {
	t.Helper()
	from, err := filepath.Abs(filepath.Join(reportTestdata, set))
	if err != nil {
		t.Fatal(err)
	}
	script := `#!/bin/sh
for a; do case "$a" in output=*) out="${a#output=}";; esac; done
mkdir -p "$out" && cp -R "` + from + `"/. "$out"/
`
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestABCLI(t *testing.T) {
	dir := t.TempDir()
	base := fakeAnnbench(t, dir, "annbench-base", "base")
	slow := fakeAnnbench(t, dir, "annbench-slow", "new")
	out := filepath.Join(dir, "ab")

	// A build against itself: no regression.
	stdout, errs, code := cli(t, "ab", "--base", base, "--new", base, "--rounds", "2", "--out", out, "--no-plots", "c.yaml", "trials=5")
	if code != 0 {
		t.Fatalf("A/A: exit status %d\n%s\n%s", code, stdout, errs)
	}
	// Two rounds of five passes merge into ten per side.
	if !strings.Contains(stdout, "| synthetic-2k-16 | hnsw | 0.8 | 20,206 | 20,206 | +0.0% | 1.000 | 1.000 | 10/10 |") {
		t.Errorf("A/A table lacks the merged hnsw row:\n%s", stdout)
	}
	for _, p := range []string{"runs/base-1", "runs/new-2", "base/synthetic-2k-16/hnsw", "new/tiny-angular/flat"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("ab left no %s: %v", p, err)
		}
	}

	// Against the slowed fixtures: exit 1, the regression names hnsw.
	stdout, errs, code = cli(t, "ab", "--base", base, "--new", slow, "--out", out, "c.yaml")
	if code != 1 || !strings.Contains(errs, "regression(s)") {
		t.Fatalf("slowed: exit status %d, want 1\n%s", code, errs)
	}
	if !strings.Contains(stdout, "| synthetic-2k-16 | hnsw | 0.99 | 4,937 | 3,604 | -27.0% | <0.001 | <0.001 | 15/15 |") || !strings.Contains(stdout, "REGRESSION") {
		t.Errorf("slowed: table does not show the hnsw regression:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "synthetic-2k-16", "compare.png")); err != nil {
		t.Errorf("no overlay plot: %v", err)
	}
}

func TestABCLIUsage(t *testing.T) {
	dir := t.TempDir()
	bin := fakeAnnbench(t, dir, "annbench", "base")
	foreign := filepath.Join(dir, "foreign")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no config", []string{"ab", "--base", bin, "--new", bin}, 2, "want a config file"},
		{"no base", []string{"ab", "--new", bin, "c.yaml"}, 2, "--base and --new are both required"},
		{"zero rounds", []string{"ab", "--base", bin, "--new", bin, "--rounds", "0", "c.yaml"}, 2, "0 rounds: want at least 1"},
		{"output override", []string{"ab", "--base", bin, "--new", bin, "c.yaml", "output=x"}, 2, "ab sets output and cache itself"},
		{"bad threshold", []string{"ab", "--base", bin, "--new", bin, "--threshold", "NaN", "c.yaml"}, 2, "want a fraction in (0, 1]"},
		{"foreign out", []string{"ab", "--base", bin, "--new", bin, "--out", foreign, "c.yaml"}, 1, "not an A/B directory"},
		{"missing binary", []string{"ab", "--base", filepath.Join(dir, "nope"), "--new", bin, "--out", filepath.Join(dir, "o"), "c.yaml"}, 1, "base " + filepath.Join(dir, "nope")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, code := cli(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit status %d, stderr %q; want %d and %q", code, errs, tt.code, tt.want)
			}
		})
	}
}
