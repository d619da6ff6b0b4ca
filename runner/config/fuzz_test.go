package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary YAML and an arbitrary override to the
// config loader. It must never panic; it either fails with a *Error
// holding at least one located problem, or returns a config that expands
// without error into jobs that each have a query setting.
func FuzzLoad(f *testing.F) {
	withFakes(f, nil)
	seeds, _ := filepath.Glob(filepath.Join("testdata", "config", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "config", "*", "*.yaml"))
	overrides := []string{"trials=3", "algorithms.fakehnsw.query.ef=[10,40]", "algorithms.fakeivf.index.nlist=8",
		"datasets=[synthetic-2k-8,siftsmall]", "algorithms.0={}", "algorithms[1].index[0].M=4", "k", "a.b.c=[", "algorithms.flat=null"}
	for i, name := range append(seeds, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, overrides[i%len(overrides)])
	}
	f.Add([]byte("datasets: &d [synthetic-2k-8]\nalgorithms: [*d, {name: fakehnsw, index: [&s {M: 4}, *s]}]\n"), "algorithms.fakehnsw.query.ef=1")
	f.Add([]byte("{datasets: [synthetic-2k-8], algorithms: [fakeivf], k: 0x10}"), "algorithms.fakeivf.query.alpha=[.inf, -1e9]")
	f.Add([]byte("datasets: [synthetic-2k-8, {name: own, base: b.npy, holdout: 5, seed: 1, metric: angular}]\nfilter: [none, {label: query}, {range: 0.5}, {ids: x.npy}]\nalgorithms: [flat]\n---\nk: 1\n"), "datasets.own.holdout=3")
	f.Add([]byte("datasets: [synthetic-2k-8]\nalgorithms: [flat]\n"), "filter={range: 0.01}")
	f.Fuzz(func(t *testing.T, data []byte, override string) {
		c, err := load("fuzz.yaml", "fuzz.yaml", data, "", []string{override})
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *Error: %v", err, err)
			}
			if len(ce.Problems) == 0 {
				t.Fatalf("config error without problems")
			}
			for _, p := range ce.Problems {
				if p.Msg == "" || p.File == "" && !p.InOverride && p.Path == "" {
					t.Fatalf("problem without message or location: %+v", p)
				}
			}
			return
		}
		p, err := c.Expand()
		if err != nil {
			t.Fatalf("Load accepted a config that Expand rejects: %v", err)
		}
		if c.K < 1 || c.Trials < 1 || c.Threads < 1 || len(p.Jobs) == 0 {
			t.Fatalf("accepted config has k %d, trials %d, threads %d, %d jobs", c.K, c.Trials, c.Threads, len(p.Jobs))
		}
		for _, j := range p.Jobs {
			if len(j.Queries) == 0 {
				t.Fatalf("job %s/%s has no query settings", j.Dataset, j.Algorithm.Name)
			}
		}
	})
}
