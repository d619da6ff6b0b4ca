package ab

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/annbench/annbench/runner/result"
)

func res(ds string, k int, qps ...[]float64) result.Result {
	r := result.Result{Schema: result.Schema, Dataset: ds, Algorithm: "hnsw", K: k, Mode: "single", Threads: 1,
		Queries: 100, IndexParams: map[string]any{"M": 16.0}}
	for i, q := range qps {
		r.Points = append(r.Points, result.Point{QueryParams: map[string]any{"ef": float64(10 * (i + 1))},
			Trials: len(q), Recall: 0.5 + 0.1*float64(i), QPS: q[0], PassQPS: q, PassRepeats: slices.Repeat([]int{2}, len(q)),
			PassSeconds: slices.Repeat([]float64{0.2}, len(q)), LatencyUS: result.Latency{P50: float64(10 * (i + 1))}})
	}
	return r
}

func TestMerge(t *testing.T) {
	r1 := []result.Result{res("d", 10, []float64{100, 110, 90}, []float64{50, 55, 45})}
	r2 := []result.Result{res("d", 10, []float64{120, 80, 105}, []float64{52, 48, 50}), res("e", 10, []float64{7})}
	r2[0].Points[0].Recall = 0.7 // rounds disagree: the mean is kept
	r2[0].Points[0].LatencyUS.P50 = 30
	r1[0].Started = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r2[0].Finished = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	m := Merge(r1, r2)
	if len(m) != 2 || m[0].Dataset != "d" || m[1].Dataset != "e" {
		t.Fatalf("merged %d results, want d then e", len(m))
	}
	d := m[0]
	if d.Points[0].Trials != 6 || len(d.Points) != 2 || !d.Started.Equal(r1[0].Started) || !d.Finished.Equal(r2[0].Finished) {
		t.Fatalf("merged result: trials %d, %d points, started %v, finished %v", d.Points[0].Trials, len(d.Points), d.Started, d.Finished)
	}
	p := d.Points[0]
	if !slices.Equal(p.PassQPS, []float64{100, 110, 90, 120, 80, 105}) || len(p.PassRepeats) != 6 || len(p.PassSeconds) != 6 {
		t.Errorf("passes %v / %v / %v, want both rounds in order", p.PassQPS, p.PassRepeats, p.PassSeconds)
	}
	if p.QPS != 102.5 || p.QPSMin != 80 || p.QPSMax != 120 || p.CV <= 0 {
		t.Errorf("qps %v [%v, %v] cv %v, want the median 102.5 of all six passes in [80, 120]", p.QPS, p.QPSMin, p.QPSMax, p.CV)
	}
	if p.QPSCI == nil || p.QPSCI.Lo != 80 || p.QPSCI.Hi != 120 {
		t.Errorf("qps_ci %+v, want [80, 120] from six passes", p.QPSCI)
	}
	if math.Abs(p.Recall-0.6) > 1e-12 || p.LatencyUS.P50 != 20 {
		t.Errorf("recall %v, p50 %v; want the mean 0.6 and the median 20", p.Recall, p.LatencyUS.P50)
	}
	if err := result.Validate(&d); err != nil {
		t.Errorf("merged result invalid: %v", err)
	}
	// Another k is another setup, never merged.
	if m := Merge(r1, []result.Result{res("d", 5, []float64{1}, []float64{1})}); len(m) != 2 {
		t.Errorf("k=10 and k=5 merged into %d results, want 2", len(m))
	}
	// Another filter workload is another setup.
	filtered := res("d", 10, []float64{1}, []float64{1})
	filtered.Filter = &result.Filter{ID: "range=0.01"}
	if m := Merge(r1, []result.Result{filtered}); len(m) != 2 {
		t.Errorf("unfiltered and filtered merged into %d results, want 2", len(m))
	}
	// A round without pass_repeats drops them rather than misaligning.
	r3 := []result.Result{res("d", 10, []float64{1, 2, 3}, []float64{4, 5, 6})}
	r3[0].Points[0].PassRepeats = nil
	if p := Merge(r1, r3)[0].Points[0]; p.PassRepeats != nil || len(p.PassQPS) != 6 {
		t.Errorf("mixed rounds: repeats %v, %d passes", p.PassRepeats, len(p.PassQPS))
	}
}

func TestClean(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "mine")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Clean(other); err == nil || !strings.Contains(err.Error(), "not an A/B directory") {
		t.Fatalf("a foreign directory: %v, want a refusal", err)
	}
	ws := filepath.Join(dir, "ab")
	if err := Clean(ws); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"runs/base-1/x.json", "cache/new/idx", "keep.txt"} {
		full := filepath.Join(ws, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Clean(ws); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(ws, "runs")); !os.IsNotExist(err) {
		t.Errorf("runs/ survived Clean: %v", err)
	}
	if _, err := os.Stat(filepath.Join(ws, "keep.txt")); err != nil {
		t.Errorf("Clean removed a file it does not own: %v", err)
	}
}

// fakeBinary writes a shell script standing in for annbench: it logs its
// name and arguments to log and copies the results under from into the
// output= directory it is given.
func fakeBinary(t *testing.T, dir, name, log, from string, fail bool) string {
	t.Helper()
	exit := "0"
	if fail {
		exit = "3"
	}
	script := `#!/bin/sh
for a; do case "$a" in output=*) out="${a#output=}";; esac; done
echo "` + name + ` $*" >> "` + log + `"
mkdir -p "$out" && cp -R "` + from + `"/. "$out"/
exit ` + exit + "\n"
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunAlternates(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	from := t.TempDir()
	o := Options{Base: fakeBinary(t, dir, "A", log, from, false), New: fakeBinary(t, dir, "B", log, from, false),
		Config: "c.yaml", Overrides: []string{"trials=4"}, Flags: []string{"--data", "D"}, Rounds: 3, Dir: filepath.Join(dir, "ab")}
	rounds, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		order = append(order, line[:1])
	}
	if got := strings.Join(order, ""); got != "ABABAB" {
		t.Errorf("run order %s, want ABABAB", got)
	}
	want := "A run --no-plots --data D c.yaml trials=4 output=" + filepath.Join(o.Dir, "runs", "base-1") + " cache=" + filepath.Join(o.Dir, "cache", "base")
	if first := strings.SplitN(string(data), "\n", 2)[0]; first != want {
		t.Errorf("first call\n got %s\nwant %s", first, want)
	}
	if len(rounds.Base) != 3 || len(rounds.New) != 3 || rounds.New[2] != filepath.Join(o.Dir, "runs", "new-3") {
		t.Errorf("rounds %+v", rounds)
	}

	o.New = fakeBinary(t, dir, "C", log, from, true)
	_, err = Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "round 1, new ("+o.New+")") {
		t.Errorf("failing new side: %v, want an error naming round 1 and the binary", err)
	}
}

func TestOptionsCheck(t *testing.T) {
	good := Options{Config: "c.yaml", Rounds: 1, Dir: "d"}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]Options{
		"no rounds":       {Config: "c.yaml", Rounds: 0, Dir: "d"},
		"override config": {Config: "k=3", Rounds: 1, Dir: "d"},
		"output":          {Config: "c.yaml", Overrides: []string{"output=x"}, Rounds: 1, Dir: "d"},
		"cache":           {Config: "c.yaml", Overrides: []string{" cache =x"}, Rounds: 1, Dir: "d"},
		"no dir":          {Config: "c.yaml", Rounds: 1},
	} {
		if err := o.Check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPrepare(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "annbench")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Prepare(context.Background(), exe, Base, dir, nil); err != nil || got != exe {
		t.Errorf("binary: %q, %v", got, err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(context.Background(), plain, Base, dir, nil); err == nil || !strings.Contains(err.Error(), "not executable") {
		t.Errorf("non-executable file: %v", err)
	}
	if _, err := Prepare(context.Background(), dir, New, dir, nil); err == nil || !strings.Contains(err.Error(), "without go.mod") {
		t.Errorf("directory without go.mod: %v", err)
	}
	if _, err := Prepare(context.Background(), filepath.Join(dir, "nope"), New, dir, nil); err == nil {
		t.Errorf("missing path accepted")
	}
}

func TestPrepareBuildsSource(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go module")
	}
	src := t.TempDir()
	files := map[string]string{
		"go.mod":               "module example.com/fake\n\ngo 1.22\n",
		"cmd/annbench/main.go": "package main\n\nfunc main() { println(\"fake annbench\") }\n",
	}
	for name, text := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	var log strings.Builder
	bin, err := Prepare(context.Background(), src, New, out, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if bin != filepath.Join(out, "annbench-new") {
		t.Errorf("binary at %s", bin)
	}
	if st, err := os.Stat(bin); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("built binary %s: %v", bin, err)
	}
	// A broken checkout fails naming the side and the directory.
	if err := os.WriteFile(filepath.Join(src, "cmd/annbench/main.go"), []byte("package main\n\nfunc main() { x }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(context.Background(), src, Base, out, &log); err == nil || !strings.Contains(err.Error(), "base: go build in "+src) {
		t.Errorf("broken source: %v", err)
	}
}
