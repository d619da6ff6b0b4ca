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

// TestPeersCommandRejectsHostileOutput is issue 12's probe 8 at the
// command line: a script naming its peer "../../../x" or like a built-in
// algorithm, or printing negative QPS, gets exit 1 and writes nothing.
func TestPeersCommandRejectsHostileOutput(t *testing.T) {
	for _, tt := range []struct{ name, line, want string }{
		{"escape", `{"peer": "../../../escaped", "index": {}, "query": {}, "recall1": 1, "recall10": 1, "qps": 10, "build_s": 0}`, "starts with a dot"},
		{"impersonate", `{"peer": "hnsw", "index": {"M": 16}, "query": {"ef": 10}, "recall1": 1, "recall10": 1, "qps": 10, "build_s": 0}`, "built-in annbench algorithm"},
		{"negative qps", `{"peer": "lib", "index": {}, "query": {}, "recall1": 1, "recall10": 1, "qps": -10, "build_s": 0}`, "qps -10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			script := filepath.Join(dir, "peers.sh")
			body := "#!/bin/sh\necho '{\"dataset\": {\"n\": 2000, \"d\": 8, \"nq\": 200, \"metric\": \"euclidean\", \"mode\": \"single\"}}'\necho '" + tt.line + "'\n"
			if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "a", "b", "c", "results")
			_, errs, code := cli(t, "peers", "synthetic-2k-8", "--python", "/bin/sh", "--script", script, "--output", out, "--data", dir)
			if code != 1 || !strings.Contains(errs, tt.want) || !strings.Contains(errs, "line 2") {
				t.Fatalf("exit %d, stderr %q; want exit 1 with %q naming line 2", code, errs, tt.want)
			}
			var written []string
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && strings.HasSuffix(p, ".json") {
					written = append(written, p)
				}
				return nil
			})
			if len(written) != 0 {
				t.Errorf("result files written: %v", written)
			}
		})
	}
}
