package config

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// Test algorithms with index and query parameters, so config tests do not
// depend on which real adapters are registered or on their defaults files.
var (
	fakeHNSW = algorithms.Algorithm{
		Name:    "fakehnsw",
		Doc:     "test graph index",
		Metrics: []vector.Metric{vector.L2, vector.Angular},
		Params: algorithms.Spec{
			{Name: "M", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 16, Min: 2, Max: 1024},
			{Name: "ef_construction", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 200, Min: 1, Max: 1 << 20},
			{Name: "ef", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: 10, Min: 1, Max: 1 << 20},
		},
	}
	fakeIVF = algorithms.Algorithm{
		Name:    "fakeivf",
		Doc:     "test partitioned index",
		Metrics: []vector.Metric{vector.L2},
		Params: algorithms.Spec{
			{Name: "nlist", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 100, Min: 1, Max: 1 << 20},
			{Name: "quantizer", Kind: algorithms.String, Stage: algorithms.IndexTime, Default: "flat", Choices: []string{"flat", "pq"}},
			{Name: "nprobe", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: 1, Min: 1, Max: 1 << 20},
			{Name: "reorder", Kind: algorithms.Bool, Stage: algorithms.QueryTime, Default: false},
			{Name: "alpha", Kind: algorithms.Float, Stage: algorithms.QueryTime, Default: 1.0},
		},
	}
)

// withFakes replaces the algorithm and dataset lookups with fixed test
// catalogues, so that golden messages do not change as adapters and
// datasets are added: the algorithms are fakehnsw, fakeivf and the real
// flat; the datasets are the real built-in synthetic ones plus siftsmall.
// It also replaces the embedded configs with embedded when that is not nil.
func withFakes(t testing.TB, embedded fs.FS) {
	t.Helper()
	oldLookup, oldNames, oldDataset, oldFS := lookupAlgorithm, algorithmNames, lookupDataset, defaultsFS
	t.Cleanup(func() {
		lookupAlgorithm, algorithmNames, lookupDataset, defaultsFS = oldLookup, oldNames, oldDataset, oldFS
	})
	known := []algorithms.Algorithm{fakeHNSW, fakeIVF, flat.Algorithm}
	algorithmNames = func() []string { return []string{"fakehnsw", "fakeivf", "flat"} }
	lookupAlgorithm = func(name string) (algorithms.Algorithm, error) {
		for _, a := range known {
			if a.Name == name {
				return a, nil
			}
		}
		return algorithms.Algorithm{}, fmt.Errorf("unknown algorithm %q (valid: %s)", name, quoteList(algorithmNames()))
	}
	lookupDataset = func(name string) (datasets.Entry, error) {
		if name == "siftsmall" || strings.HasPrefix(name, "synthetic-") {
			if e, err := datasets.Lookup(name); err == nil {
				return e, nil
			}
		}
		return datasets.Entry{}, fmt.Errorf("unknown dataset %q (test catalogue: siftsmall, synthetic-<n>-<d>)", name)
	}
	if embedded != nil {
		defaultsFS = embedded
	}
}
