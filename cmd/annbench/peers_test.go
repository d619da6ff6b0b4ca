package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPeersCommand runs a stand-in reference script (a shell script that
// checks its arguments and prints two points) and checks the result file.
func TestPeersCommand(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "peers.sh")
	body := `#!/bin/sh
# Fail unless the base and query files exist and --only was passed through.
base=""; query=""; only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift ;;
    --query) query="$2"; shift ;;
    --only) only="$2"; shift ;;
  esac
  shift
done
[ -s "$base" ] && [ -s "$query" ] && [ "$only" = "hnswlib" ] || { echo "bad arguments" >&2; exit 3; }
echo '{"dataset": {"n": 2000, "d": 8, "nq": 200, "metric": "euclidean", "mode": "single", "faiss": "x"}}'
echo '{"peer": "hnswlib", "index": {"M": 16}, "query": {"ef": 10}, "recall1": 0.9, "recall10": 0.8, "qps": 5000, "build_s": 0.5}'
echo '{"peer": "hnswlib", "index": {"M": 16}, "query": {"ef": 20}, "recall1": 0.95, "recall10": 0.9, "qps": 3000, "build_s": 0.5}'
`
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "results")
	stdout, errs, code := cli(t, "peers", "synthetic-2k-8", "--python", "/bin/sh", "--script", script,
		"--output", out, "--data", dir, "--", "--only", "hnswlib")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, errs)
	}
	r, err := onlyResult(t, filepath.Join(out, "synthetic-2k-8", "hnswlib"))
	if err != nil {
		t.Fatalf("%v\nstdout: %s", err, stdout)
	}
	if len(r.Points) != 2 || r.Points[1].QPS != 3000 || r.Points[1].Recall != 0.9 {
		t.Errorf("points = %+v", r.Points)
	}
	_, errs, code = cli(t, "peers", "synthetic-2k-8", "--python", "/bin/sh", "--script", script, "--output", out, "--data", dir)
	if code != 1 || !strings.Contains(errs, "exit status 3") {
		t.Errorf("failing script: exit %d, stderr %q", code, errs)
	}
}
