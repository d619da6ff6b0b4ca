package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportTestdata holds the result fixtures of the report package.
var reportTestdata = filepath.Join("..", "..", "report", "testdata")

// reportGolden compares got with report/testdata/cli/<name>.golden,
// rewriting it with -update.
func reportGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(reportTestdata, "cli", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
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

func TestCompareCLI(t *testing.T) {
	base := filepath.Join(reportTestdata, "base")
	newer := filepath.Join(reportTestdata, "new")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		// Five passes a side: at --alpha 0.05 the 30% slowdown of hnsw
		// M=16 is found; at the default 0.01 its rows are "not enough
		// samples" and only the recall loss fails.
		{"compare-regression", []string{"compare", "--no-plots", "--alpha", "0.05", base, newer}, 1, "3 regression(s)"},
		{"compare-few-passes", []string{"compare", "--no-plots", base, newer}, 1, "1 regression(s)"},
		{"compare-same", []string{"compare", "--no-plots", base, base}, 0, ""},
		// A 50% threshold hides the 27% slowdown; the recall loss of 0.06
		// stays a regression until --recall-threshold exceeds it.
		{"compare-loose", []string{"compare", "--no-plots", "--threshold", "50%", "--recall-threshold", "0.1", base, newer}, 0, ""},
		{"compare-fraction", []string{"compare", "--no-plots", "--alpha", "0.05", "--threshold=0.5", base, newer}, 1, "1 regression(s)"},
		{"compare-bad-threshold", []string{"compare", "--threshold", "lots", base, newer}, 2, `invalid argument "lots" for "--threshold"`},
		{"compare-zero-threshold", []string{"compare", "--threshold", "0%", base, newer}, 2, "want a fraction in (0, 1]"},
		{"compare-nan-threshold", []string{"compare", "--threshold", "NaN", base, newer}, 2, "want a fraction in (0, 1]"},
		{"compare-negative-threshold", []string{"compare", "--threshold=-5%", base, newer}, 2, "want a fraction in (0, 1]"},
		{"compare-huge-threshold", []string{"compare", "--threshold", "150%", base, newer}, 2, "want a fraction in (0, 1]"},
		{"compare-nan-recall-threshold", []string{"compare", "--recall-threshold", "NaN", base, newer}, 2, "--recall-threshold NaN: want a recall loss in [0, 1)"},
		{"compare-bad-clock", []string{"compare", "--clock", "sundial", base, newer}, 2, `clock "sundial": want wall or cpu`},
		{"compare-cpu-clock-old-files", []string{"compare", "--no-plots", "--clock", "cpu", base, newer}, 1, "base: cpu clock: synthetic-2k-16 flat - -: the point has no CPU time per pass"},
		{"compare-bad-alpha", []string{"compare", "--alpha", "1.5", base, newer}, 2, "--alpha 1.5: want a significance level in (0, 1)"},
		{"compare-one-arg", []string{"compare", base}, 2, "accepts 2 arg(s), received 1"},
		{"compare-missing-dir", []string{"compare", base, filepath.Join(reportTestdata, "nope")}, 1, "new: load results"},
		{"compare-malformed", []string{"compare", "--no-plots", filepath.Join(reportTestdata, "malformed"), newer}, 1, "bad-recall.json: points[1] (nprobe=2): recall 1.7 outside [0, 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := cli(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d\nstderr: %s", code, tt.code, errs)
			}
			if !strings.Contains(errs, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, errs)
			}
			if tt.code != 2 && out != "" {
				reportGolden(t, tt.name, out)
			}
		})
	}
}

func TestCompareCLIMissing(t *testing.T) {
	// NEW holds only flat of one dataset: hnsw and ivf of synthetic-2k-16
	// and all of tiny-angular are missing.
	next := t.TempDir()
	from := filepath.Join(reportTestdata, "base", "synthetic-2k-16", "flat", "default.json")
	to := filepath.Join(next, "synthetic-2k-16", "flat", "default.json")
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(reportTestdata, "base")
	out, errs, code := cli(t, "compare", "--no-plots", base, next)
	want := "NEW lacks synthetic-2k-16/hnsw, synthetic-2k-16/ivf, tiny-angular (--allow-missing accepts this)"
	if code != 1 || !strings.Contains(errs, want) {
		t.Errorf("exit status %d, stderr %q; want 1 and %q", code, errs, want)
	}
	if !strings.Contains(out, "| synthetic-2k-16 | hnsw | 0.8 | 20,206 | — |") || !strings.Contains(out, "MISSING") {
		t.Errorf("table does not mark the missing rows:\n%s", out)
	}
	if _, errs, code := cli(t, "compare", "--no-plots", "--allow-missing", base, next); code != 0 {
		t.Errorf("--allow-missing: exit status %d: %s", code, errs)
	}
}

func TestCompareCLIWritesPlots(t *testing.T) {
	dir := t.TempDir()
	_, errs, code := cli(t, "compare", "--out", dir, filepath.Join(reportTestdata, "base"), filepath.Join(reportTestdata, "new"))
	if code != 1 {
		t.Fatalf("exit status %d, want 1: %s", code, errs)
	}
	for _, p := range []string{"compare.md", "synthetic-2k-16/compare.png", "synthetic-2k-16/compare.svg", "tiny-angular/compare.png"} {
		if st, err := os.Stat(filepath.Join(dir, p)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", p, err)
		}
	}
}

func TestExportCLI(t *testing.T) {
	base := filepath.Join(reportTestdata, "base")
	for _, format := range []string{"csv", "benchfmt"} {
		t.Run(format, func(t *testing.T) {
			out, errs, code := cli(t, "export", "--format", format, base)
			if code != 0 {
				t.Fatalf("exit status %d: %s", code, errs)
			}
			reportGolden(t, "export-"+format, out)
		})
	}
	t.Run("to file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "out.csv")
		out, errs, code := cli(t, "export", "-o", path, base)
		if code != 0 || out != "" {
			t.Fatalf("exit status %d, stdout %q: %s", code, out, errs)
		}
		data, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(data), "dataset,metric,algorithm,") {
			t.Errorf("csv file not written: %v %q", err, data)
		}
	})
	t.Run("bad format", func(t *testing.T) {
		_, errs, code := cli(t, "export", "--format", "xml", base)
		if code != 2 || !strings.Contains(errs, `unknown --format "xml" (valid: csv, benchfmt)`) {
			t.Errorf("exit status %d, stderr %s", code, errs)
		}
	})
	t.Run("skipped files warn", func(t *testing.T) {
		_, errs, code := cli(t, "export", filepath.Join(reportTestdata, "mixed"))
		if code != 0 || !strings.Contains(errs, "notes.json: not an annbench result file") {
			t.Errorf("exit status %d, stderr %s", code, errs)
		}
	})
}

func TestPlotCLI(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(t.TempDir(), "step.md"))
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(reportTestdata, "base"))); err != nil {
		t.Fatal(err)
	}
	out, errs, code := cli(t, "plot", "--labels", dir)
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, errs)
	}
	if !strings.Contains(out, "report.html") {
		t.Errorf("stdout does not say where the report is: %q", out)
	}
	for _, p := range []string{"summary.md", "report.html", "synthetic-2k-16/recall_qps.png", "synthetic-2k-16/recall_qps.svg",
		"synthetic-2k-16/build.png", "tiny-angular/build.svg"} {
		if st, err := os.Stat(filepath.Join(dir, p)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", p, err)
		}
	}
	if _, err := os.Stat(os.Getenv("GITHUB_STEP_SUMMARY")); err == nil {
		t.Errorf("plot wrote the step summary without --step-summary")
	}
	if _, errs, code := cli(t, "plot", filepath.Join(reportTestdata, "nope")); code != 1 || !strings.Contains(errs, "nope") {
		t.Errorf("missing dir: exit status %d, stderr %s", code, errs)
	}
	if _, _, code := cli(t, "plot"); code != 2 {
		t.Errorf("no argument: exit status %d, want 2", code)
	}
}
