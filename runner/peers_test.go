package runner

import (
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

func TestImportPeers(t *testing.T) {
	in := `{"dataset": {"n": 10000, "d": 128, "nq": 100, "metric": "euclidean", "mode": "single", "faiss": "1.7.3"}}
{"peer": "hnswlib", "index": {"M": 16, "efConstruction": 200}, "query": {"ef": 10}, "recall1": 0.97, "recall10": 0.934, "qps": 117000.5, "build_s": 1.5}
{"peer": "hnswlib", "index": {"M": 16, "efConstruction": 200}, "query": {"ef": 16}, "recall1": 0.99, "recall10": 0.963, "qps": 85000, "build_s": 1.5}
{"peer": "faiss-flat", "index": {}, "query": {}, "recall1": 1.0, "recall10": 1.0, "qps": 1900, "build_s": 0.01}
`
	rs, err := ImportPeers(strings.NewReader(in), PeerSource{Dataset: "siftsmall", Machine: result.Machine{CPU: "c"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d results, want 2 (hnswlib, faiss-flat)", len(rs))
	}
	h := rs[0]
	if h.Algorithm != "hnswlib" || h.Metric != "l2" || h.Queries != 100 || len(h.Points) != 2 || h.Build.Seconds != 1.5 {
		t.Errorf("hnswlib result = %+v", h)
	}
	if p := h.Points[1]; p.Recall != 0.963 || p.QPS != 85000 || p.QueryParams["ef"] != float64(16) {
		t.Errorf("second point = %+v", p)
	}
	if p := h.Points[0]; p.Trials != 1 || p.Version != Version || h.Machines[p.Machine].CPU != "c" || p.MeasuredAt.IsZero() {
		t.Errorf("first point provenance = %+v, machines %v", p, h.Machines)
	}
	if _, err := ImportPeers(strings.NewReader("{\"nope\": 1}\n"), PeerSource{Dataset: "x"}); err == nil {
		t.Error("a line that is neither header nor point was accepted")
	}
	if _, err := ImportPeers(strings.NewReader("{bad json\n"), PeerSource{Dataset: "x"}); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad JSON error = %v, want one naming line 1", err)
	}
}

// TestImportPeersRejects checks that nothing a peer script prints can
// escape the output directory, impersonate a built-in algorithm or carry
// figures that break reports (issue 12, item 8).
func TestImportPeersRejects(t *testing.T) {
	header := `{"dataset": {"n": 10, "d": 2, "nq": 5, "metric": "euclidean", "mode": "single"}}` + "\n"
	point := func(peer, recall, qps string) string {
		return header + `{"peer": "` + peer + `", "index": {}, "query": {}, "recall1": 0.5, "recall10": ` + recall + `, "qps": ` + qps + `, "build_s": 1}` + "\n"
	}
	builtin := func(n string) bool { return n == "hnsw" }
	for _, tt := range []struct{ name, in, want string }{
		{"escaping name", point("../../../x", "0.5", "10"), "starts with a dot"},
		{"separator", point("a/../../x", "0.5", "10"), "contains '/'"},
		{"dot dot", point("..", "0.5", "10"), "starts with a dot"},
		{"backslash", point(`a\\b`, "0.5", "10"), "contains"},
		{"hidden", point(".x", "0.5", "10"), "starts with a dot"},
		{"empty", point("", "0.5", "10"), "no \"peer\""},
		{"built-in name", point("hnsw", "0.5", "10"), "built-in annbench algorithm"},
		{"negative recall", point("lib", "-0.1", "10"), "recall10 -0.1 outside [0, 1]"},
		{"recall above one", point("lib", "1.5", "10"), "recall10 1.5 outside [0, 1]"},
		{"negative qps", point("lib", "0.5", "-3"), "qps -3, want a positive"},
		{"zero qps", point("lib", "0.5", "0"), "qps 0, want a positive"},
		{"negative build", strings.Replace(point("lib", "0.5", "1"), `"build_s": 1`, `"build_s": -1`, 1), "build_s -1"},
		{"bad mode", strings.Replace(point("lib", "0.5", "1"), `"single"`, `"sideways"`, 1), "dataset mode"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ImportPeers(strings.NewReader(tt.in), PeerSource{Dataset: "d", Builtin: builtin})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "line") {
				t.Errorf("error %v does not name the line", err)
			}
		})
	}
	if _, err := ImportPeers(strings.NewReader(point("lib-hnsw", "0.5", "10")), PeerSource{Dataset: "d", Builtin: builtin}); err != nil {
		t.Errorf("a valid peer was refused: %v", err)
	}
}
