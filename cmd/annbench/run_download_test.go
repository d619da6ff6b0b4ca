package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRunDownloadsOnDemand: a run on a dataset that is not present fetches
// it (here from a local mirror); --no-download refuses instead.
func TestRunDownloadsOnDemand(t *testing.T) {
	mirror := serveFixture(t)
	t.Setenv("ANNBENCH_MIRROR", mirror)
	dir := t.TempDir()
	args := func(extra ...string) []string {
		return append([]string{"run", "--no-plots", "--data", filepath.Join(dir, "data"),
			"datasets=[" + fixtureName + "]", "algorithms=[{name: flat}]", "trials=1",
			"output=" + filepath.Join(dir, "results"), "cache=" + filepath.Join(dir, "cache")}, extra...)
	}
	_, errOut, code := cli(t, append(args(), "--no-download")...)
	if code == 0 || !strings.Contains(errOut, fixtureName) {
		t.Fatalf("--no-download on a missing dataset: exit %d\n%s", code, errOut)
	}
	_, errOut, code = cli(t, args()...)
	if code != 0 {
		t.Fatalf("run with download: exit %d\n%s", code, errOut)
	}
	r, err := onlyResult(t, filepath.Join(dir, "results", fixtureName, "flat"))
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Points[0]; p.Recall != 1 {
		t.Errorf("flat recall@10 = %.4f after on-demand download, want 1", p.Recall)
	}
}
