package result

import (
	"path/filepath"
	"strings"
	"testing"
)

func baseIdentity() Identity {
	return Identity{Dataset: "siftsmall", DatasetFingerprint: "sha256:abc", Algorithm: "hnsw",
		IndexParams: map[string]any{"M": 16, "ef_construction": 200}, K: 10, Mode: "single", Threads: 1, Queries: 100}
}

func TestIdentityFileNames(t *testing.T) {
	id := baseIdentity()
	name := id.FileName()
	if !strings.HasPrefix(name, "M=16_ef_construction=200.k10-single-t1-q100.") || !strings.HasSuffix(name, ".json") {
		t.Errorf("file name %q lacks its readable parts", name)
	}
	if again := baseIdentity().FileName(); again != name {
		t.Errorf("file name not deterministic: %q then %q", name, again)
	}
	// A value read back from JSON (float64) names the same file as the
	// int from a config.
	f := baseIdentity()
	f.IndexParams = map[string]any{"M": 16.0, "ef_construction": 200.0}
	if f.FileName() != name || f.Key() != id.Key() {
		t.Errorf("float64 parameters give %q, ints %q", f.FileName(), name)
	}
	// Every part of the identity changes the name.
	changes := map[string]func(*Identity){
		"dataset fingerprint": func(i *Identity) { i.DatasetFingerprint = "sha256:def" },
		"index params":        func(i *Identity) { i.IndexParams = map[string]any{"M": 32, "ef_construction": 200} },
		"k":                   func(i *Identity) { i.K = 5 },
		"mode":                func(i *Identity) { i.Mode = "batch" },
		"threads":             func(i *Identity) { i.Threads = 2 },
		"queries":             func(i *Identity) { i.Queries = 50 },
		"filter":              func(i *Identity) { i.Filter = "label=query" },
	}
	names := map[string]string{name: "base"}
	for what, change := range changes {
		c := baseIdentity()
		change(&c)
		n := c.FileName()
		if prev, ok := names[n]; ok {
			t.Errorf("changing %s gives the file name of %s: %q", what, prev, n)
		}
		names[n] = what
	}
	// Parameters that sanitize alike still get distinct names.
	a, b := baseIdentity(), baseIdentity()
	a.IndexParams, b.IndexParams = map[string]any{"s": "x/y"}, map[string]any{"s": "x y"}
	if a.FileName() == b.FileName() {
		t.Errorf("parameters x/y and x y share the file name %q", a.FileName())
	}
	// Long parameter lists are clipped; the hash keeps them apart.
	long := baseIdentity()
	long.IndexParams = map[string]any{"a": strings.Repeat("v", 500)}
	if n := long.FileName(); len(n) > 200 || strings.ContainsAny(n, "/\\") {
		t.Errorf("long parameters give an unsafe name %q", n)
	}
	filtered := baseIdentity()
	filtered.Filter = "range=0.01/../../x"
	if n := filtered.FileName(); strings.ContainsAny(n, "/\\") || !strings.Contains(n, "-frange=0.01") {
		t.Errorf("filter part of %q", n)
	}
}

func TestIdentityPathStaysInside(t *testing.T) {
	dir := t.TempDir()
	p, err := baseIdentity().Path(dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(filepath.Dir(filepath.Dir(p))) != dir {
		t.Errorf("path %s is not <dir>/<dataset>/<algorithm>/<file>", p)
	}
	for _, bad := range []struct{ dataset, algorithm, want string }{
		{"../x", "hnsw", "starts with a dot"},
		{"siftsmall", "../../../x", "starts with a dot"},
		{"a/b", "hnsw", "contains '/'"},
		{"siftsmall", `a\b`, `contains '\\'`},
		{"", "hnsw", "dataset name is empty"},
		{"siftsmall", ".hidden", "starts with a dot"},
		{"sift small", "hnsw", "contains ' '"},
		{strings.Repeat("x", 101), "hnsw", "at most 100"},
	} {
		id := baseIdentity()
		id.Dataset, id.Algorithm = bad.dataset, bad.algorithm
		if _, err := id.Path(dir); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("dataset %q algorithm %q: error %v, want %q", bad.dataset, bad.algorithm, err, bad.want)
		}
	}
}

func TestMachineID(t *testing.T) {
	a := Machine{CPU: "x", Cores: 2, Kernels: "avx2", Hostname: "h1"}
	b := a
	b.Hostname = "h2"
	if a.ID() == b.ID() || a.ID() != (Machine{CPU: "x", Cores: 2, Kernels: "avx2", Hostname: "h1"}).ID() {
		t.Errorf("ids %s %s: want distinct per host and stable", a.ID(), b.ID())
	}
	if a.Class() != b.Class() {
		t.Errorf("class differs by host: %q vs %q", a.Class(), b.Class())
	}
	var r Result
	id := r.AddMachine(a)
	p := Point{Machine: id}
	if m, ok := r.MachineOf(&p); !ok || m != a {
		t.Errorf("MachineOf = %+v, %v", m, ok)
	}
}
