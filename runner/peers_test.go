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
	rs, err := ImportPeers(strings.NewReader(in), "siftsmall", result.Machine{})
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
	if _, err := ImportPeers(strings.NewReader("{\"nope\": 1}\n"), "x", result.Machine{}); err == nil {
		t.Error("a line that is neither header nor point was accepted")
	}
	if _, err := ImportPeers(strings.NewReader("{bad json\n"), "x", result.Machine{}); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad JSON error = %v, want one naming line 1", err)
	}
}
