package result

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	good, err := json.Marshal(Result{Schema: Schema, Dataset: "d", Algorithm: "a",
		Points: []Point{{Recall: 0.5, QPS: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in string
		want     string // "" = success
		other    bool   // skipped as another schema
	}{
		{"good", string(good), "", false},
		{"syntax", `{"schema": "annbench/result/v1", `, "invalid JSON", false},
		{"array", `[1, 2]`, "not an annbench result file", true},
		{"no schema", `{"dataset": "d"}`, `no "schema" key`, true},
		{"other schema", `{"schema": "something/else"}`, `schema "something/else"`, true},
		{"missing dataset", `{"schema": "annbench/result/v1", "algorithm": "a"}`, `missing "dataset"`, false},
		{"missing algorithm", `{"schema": "annbench/result/v1", "dataset": "d"}`, `missing "algorithm"`, false},
		{"wrong type", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "k": "ten"}`, "decode result", false},
		{"negative build", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "build": {"seconds": -1}}`, `"build"`, false},
		{"negative pass", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 1, "pass_qps": [1, -2]}]}`, "pass_qps[1]", false},
		{"recall@1", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "recall_at_1": 2}]}`, "recall_at_1 2 outside", false},
		{"knn accuracy", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "knn_accuracy": 0.8, "exact_knn_accuracy": 1.5}]}`, "exact_knn_accuracy 1.5 outside", false},
		{"knn accuracy ok", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "knn_accuracy": 0.8, "exact_knn_accuracy": 0.9}]}`, "", false},
		{"passes", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "pass_qps": [1, 2], "pass_repeats": [3, 3], "pass_seconds": [0.2, 0.21], "qps_ci": {"lo": 1, "hi": 2, "confidence": 0.95}}]}`, "", false},
		{"repeats per pass", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "pass_qps": [1, 2], "pass_repeats": [3]}]}`, "1 pass_repeats for 2 pass_qps", false},
		{"zero repeats", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "pass_qps": [1], "pass_repeats": [0]}]}`, "pass_repeats[0] = 0", false},
		{"seconds per pass", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "pass_qps": [1], "pass_seconds": [1, 2]}]}`, "2 pass_seconds for 1 pass_qps", false},
		{"cpu per pass", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "pass_qps": [1, 2], "pass_cpu_seconds": [0.1]}]}`, "1 pass_cpu_seconds for 2 pass_qps", false},
		{"negative seconds", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "pass_qps": [1], "pass_seconds": [-1]}]}`, "pass_seconds[0] = -1", false},
		{"inverted interval", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "qps_ci": {"lo": 3, "hi": 1, "confidence": 0.95}}]}`, "qps_ci [3, 1]", false},
		{"interval confidence", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "qps_ci": {"lo": 1, "hi": 3, "confidence": 95}}]}`, "at confidence 95", false},
		{"external", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "external": {"adapter": "hnswlib", "library": "hnswlib 0.6.2", "round_trip_seconds": 1.5}}]}`, "", false},
		{"external without adapter", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "external": {"round_trip_seconds": 1}}]}`, `external: adapter ""`, false},
		{"external negative round trip", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 2, "external": {"adapter": "x", "round_trip_seconds": -1}}]}`, "round_trip_seconds -1", false},
		{"holdout", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "queries": 5, "holdout": {"count": 5, "seed": 1, "rows_sha256": "` + strings.Repeat("a", 64) + `"}}`, "", false},
		{"holdout smaller than queries", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "queries": 9, "holdout": {"count": 5, "seed": 1, "rows_sha256": "` + strings.Repeat("a", 64) + `"}}`, `"holdout": count 5`, false},
		{"holdout without rows hash", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "holdout": {"count": 5}}`, "rows_sha256", false},
		{"zero qps is kept", `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": 0}]}`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.in))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			if got := isOtherSchema(err); got != tt.other {
				t.Errorf("other-schema = %v, want %v", got, tt.other)
			}
		})
	}
}

func isOtherSchema(err error) bool {
	return errors.Is(err, ErrOtherSchema)
}

func TestWriteReadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ds", "flat", "default.json")
	in := &Result{Schema: Schema, Dataset: "ds", Algorithm: "flat", K: 10,
		Points: []Point{{QueryParams: map[string]any{"ef": 10}, Recall: 0.9, QPS: 100, PassQPS: []float64{99, 100}}}}
	if err := Write(p, in); err != nil {
		t.Fatal(err)
	}
	out, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if out.Dataset != "ds" || len(out.Points) != 1 || out.Points[0].Recall != 0.9 || out.FindPoint(map[string]any{"ef": 10}) != 0 {
		t.Fatalf("read back %+v", out)
	}
	if out.FindPoint(map[string]any{"ef": 11}) != -1 {
		t.Error("FindPoint matched other query parameters")
	}
	if _, err := Read(filepath.Join(dir, "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if err := os.WriteFile(p, []byte(`{"schema": "annbench/result/v1", "dataset": "ds"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("invalid file: %v, want an error naming %s", err, p)
	}
}

// TestDecodeV1Upgrades reads a schema v1 file: its file-wide trials,
// machine, version and commit become every point's own.
func TestDecodeV1Upgrades(t *testing.T) {
	in := `{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "hnsw", "k": 10, "mode": "single", "threads": 1,
	"trials": 3, "queries": 100, "index_params": {"M": 16}, "finished": "2026-01-02T03:04:05Z",
	"machine": {"cpu": "CPU X", "cores": 8, "version": "v1.2", "commit": "abc", "hostname": "h"},
	"points": [{"query_params": {"ef": 10}, "recall": 0.9, "qps": 100}, {"query_params": {"ef": 20}, "recall": 0.95, "qps": 50}]}`
	r, err := Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if r.Schema != Schema || len(r.Machines) != 1 || r.DatasetFingerprint != "" {
		t.Fatalf("upgraded result: schema %q, machines %v, fingerprint %q", r.Schema, r.Machines, r.DatasetFingerprint)
	}
	for i, p := range r.Points {
		m, ok := r.MachineOf(&p)
		if !ok || m.CPU != "CPU X" || m.Hostname != "h" || p.Trials != 3 || p.Version != "v1.2" || p.Commit != "abc" ||
			p.MeasuredAt.Format("2006-01-02") != "2026-01-02" {
			t.Errorf("point %d = %+v on %+v", i, p, m)
		}
	}
	if _, err := Decode([]byte(`{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "trials": -1}`)); err == nil {
		t.Error("negative v1 trials accepted")
	}
}

func TestDecodeRejectsUnknownMachine(t *testing.T) {
	in := `{"schema": "annbench/result/v2", "dataset": "d", "algorithm": "a", "machines": {},
	"points": [{"recall": 0.5, "qps": 1, "machine": "m-nope"}]}`
	if _, err := Decode([]byte(in)); err == nil || !strings.Contains(err.Error(), `machine "m-nope" is not in "machines"`) {
		t.Errorf("error %v", err)
	}
	neg := `{"schema": "annbench/result/v2", "dataset": "d", "algorithm": "a", "points": [{"recall": 0.5, "qps": -1}]}`
	if _, err := Decode([]byte(neg)); err == nil || !strings.Contains(err.Error(), "qps -1") {
		t.Errorf("negative qps: error %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"schema": "annbench/result/v2", "dataset": "d", "algorithm": "a", "machines": {"m": {"cpu": "x"}}, "points": [{"recall": 0.5, "qps": 1, "machine": "m"}]}`))
	f.Add([]byte(`{"schema": "annbench/result/v1", "dataset": "d", "algorithm": "a", "trials": 2, "machine": {"cpu": "x"}, "points": [{"recall": 1, "qps": 3}]}`))
	f.Add([]byte(`[1]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Decode(data)
		if err != nil {
			return
		}
		// Whatever decodes validates, names a file and survives a round
		// trip through Write and Read.
		if err := Validate(&r); err != nil {
			t.Fatalf("decoded result fails validation: %v", err)
		}
		p := filepath.Join(t.TempDir(), "r.json")
		if err := Write(p, &r); err != nil {
			t.Fatal(err)
		}
		back, err := Read(p)
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if back.Identity().Key() != r.Identity().Key() || len(back.Points) != len(r.Points) {
			t.Fatalf("round trip changed the result")
		}
		_ = r.Identity().FileName()
	})
}
