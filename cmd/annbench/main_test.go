package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms/registry"
	"github.com/annbench/annbench/datasets/fetch"
	"github.com/annbench/annbench/internal/ptytest"
	"github.com/annbench/annbench/runner"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// cli runs annbench with args and returns stdout, stderr and exit status.
func cli(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := exitCode(run(context.Background(), args, &out, &errb), &errb)
	return out.String(), errb.String(), code
}

// golden compares got with testdata/<name>.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestUsageAndConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"typo", []string{"run", "testdata/typo.yaml"}},
		{"unknown-algorithm", []string{"run", "testdata/unknown-algorithm.yaml"}},
		{"wrong-type", []string{"run", "testdata/wrong-type.yaml"}},
		{"unknown-param", []string{"run", "testdata/unknown-param.yaml"}},
		{"bad-override", []string{"run", "testdata/typo.yaml", "trials=x", "nosuchkey=1"}},
		{"missing-config", []string{"run", "testdata/does-not-exist.yaml"}},
		{"unknown-command", []string{"frobnicate"}},
		{"unknown-flag", []string{"run", "--frobnicate"}},
		{"list-bad-kind", []string{"list", "things"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := cli(t, tt.args...)
			if code != 2 {
				t.Errorf("exit status %d, want 2\nstdout: %s\nstderr: %s", code, out, errs)
			}
			// The list of valid algorithms grows with the registry.
			errs = strings.ReplaceAll(errs, strings.Join(registry.Names(), ", "), "<registered algorithms>")
			golden(t, "error-"+tt.name, errs)
		})
	}
}

func TestListAlgorithms(t *testing.T) {
	out, errs, code := cli(t, "list", "algorithms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// Every registered algorithm and every parameter of its spec, with
	// stage and default, must be listed.
	for _, a := range registry.All {
		if !strings.Contains(out, a.Name+" — "+a.Doc) {
			t.Errorf("algorithm %s missing from:\n%s", a.Name, out)
		}
		for _, p := range a.Params {
			line := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(p.Name) + ` +` + string(p.Stage) + ` +` + string(p.Kind) + ` +` + regexp.QuoteMeta(fmt.Sprint(p.Default)) + ` `)
			if !line.MatchString(out) {
				t.Errorf("%s parameter %s (%s, %s, default %v) missing from:\n%s", a.Name, p.Name, p.Stage, p.Kind, p.Default, out)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := cli(t, "version")
	if code != 0 || !regexp.MustCompile(`^annbench \S+ \(commit \S+\) go\S+ \S+/\S+ kernels=\S+\n$`).MatchString(out) {
		t.Errorf("version: exit %d, output %q", code, out)
	}
}

// TestRunQuickstartShape runs the embedded quickstart on a smaller built-in
// dataset and checks results, plots and resumption.
func TestRunQuickstartShape(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "") // do not write to a real CI job page
	dir := t.TempDir()
	args := []string{"run", "datasets=[synthetic-3k-16]", "trials=1",
		"output=" + filepath.Join(dir, "results"), "cache=" + filepath.Join(dir, "cache")}
	_, errs, code := cli(t, args...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "results", "synthetic-3k-16", "*", "*.json"))
	if len(files) == 0 {
		t.Fatalf("no result files; stderr:\n%s", errs)
	}
	for _, f := range files {
		r, err := result.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		if r.Algorithm == "flat" && (r.Points[0].Recall != 1 || r.Points[0].RecallAt1 != 1) {
			t.Errorf("flat recall %v / %v, want 1 / 1", r.Points[0].Recall, r.Points[0].RecallAt1)
		}
	}
	for _, p := range []string{"recall_qps.png", "recall_qps.svg"} {
		if st, err := os.Stat(filepath.Join(dir, "results", "synthetic-3k-16", p)); err != nil || st.Size() == 0 {
			t.Errorf("plot %s missing or empty: %v", p, err)
		}
	}
	_, errs, code = cli(t, args...)
	if code != 0 || !strings.Contains(errs, "already in") {
		t.Errorf("second run: exit %d, did not skip finished points:\n%s", code, errs)
	}
}

// TestQuickstartCoversRegistry keeps the quickstart honest: it must
// exercise every registered Go algorithm.
func TestQuickstartCoversRegistry(t *testing.T) {
	cfg, err := config.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := cfg.Expand()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, j := range plan.Jobs {
		seen[j.Algorithm.Name] = true
	}
	for _, a := range registry.All {
		if a.Check != nil {
			continue // a library adapter: the quickstart must run without faiss, hnswlib or usearch
		}
		if !seen[a.Name] {
			t.Errorf("configs/quickstart.yaml does not run %s", a.Name)
		}
	}
}

func TestProgressMode(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	env := func(ci string) func(string) string {
		return func(k string) string {
			if k == "CI" {
				return ci
			}
			return ""
		}
	}
	for _, c := range []struct {
		flag string
		log  io.Writer
		ci   string
		want runner.ProgressMode
	}{
		{"auto", w, "", runner.ProgressOff}, // a pipe is no terminal
		{"auto", &bytes.Buffer{}, "", runner.ProgressOff},
		{"auto", w, "true", runner.ProgressLines},
		{"auto", w, "false", runner.ProgressOff},
		{"bars", w, "true", runner.ProgressBars},
		{"lines", w, "", runner.ProgressLines},
		{"off", w, "true", runner.ProgressOff},
	} {
		got, err := progressMode(c.flag, c.log, env(c.ci))
		if err != nil || got != c.want {
			t.Errorf("progressMode(%q, %T, CI=%q) = %v, %v; want %v", c.flag, c.log, c.ci, got, err, c.want)
		}
	}
	// A terminal that knows its width gets bars; one that does not (a
	// pty nobody sized) gets the plain line, since bars would draw nothing.
	_, sized := ptytest.Open(t, 120)
	_, unsized := ptytest.Open(t, 0)
	for _, c := range []struct {
		tty  *os.File
		want runner.ProgressMode
	}{{sized, runner.ProgressBars}, {unsized, runner.ProgressLines}} {
		if got, err := progressMode("auto", c.tty, env("")); err != nil || got != c.want {
			t.Errorf("progressMode(auto, pty of width %d) = %v, %v; want %v", fetch.TerminalWidth(c.tty), got, err, c.want)
		}
	}
	if _, err := progressMode("loud", w, env("")); err == nil || !strings.Contains(err.Error(), "auto, bars, lines or off") {
		t.Errorf("bad --progress value: error %v, want one listing the valid values", err)
	}
}

// onlyResult reads the one result file in dir (a <dataset>/<algorithm>
// directory of a result tree); file names carry the setup, so tests find
// them by listing.
func onlyResult(t *testing.T, dir string) (*result.Result, error) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) != 1 {
		return nil, fmt.Errorf("%s holds %d result files %v, want 1", dir, len(files), files)
	}
	return result.Read(files[0])
}

func TestRunSummary(t *testing.T) {
	var buf bytes.Buffer
	writeRunSummary(&buf, "out", 3, []result.Result{{Dataset: "siftsmall"}, {Dataset: "fashion-mnist"}, {Dataset: "siftsmall"}})
	want := "3 result files under out\n" +
		"  report   out/report.html\n" +
		"  summary  out/summary.md\n" +
		"  plots    out/fashion-mnist/recall_qps.png, build.png (and .svg)\n" +
		"  plots    out/siftsmall/recall_qps.png, build.png (and .svg)\n"
	if buf.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	writeRunSummary(&buf, "out", 1, nil) // --no-plots
	if buf.String() != "1 result file under out\n" {
		t.Errorf("summary without plots: %q", buf.String())
	}
}
