// Package registry is the explicit list of algorithm adapters annbench
// knows: the Go indexes, then the library adapters of algorithms/external.
// Adding an index means adding one line to All.
//
// It imports algorithms and every adapter package; runner/config and cmd
// use it, while runner (which gets its indexes from the plan) and report
// (which reads index defaults from result files) must not import it.
package registry

import (
	"fmt"
	"sort"
	"strings"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/external"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/algorithms/hnsw"
	"github.com/annbench/annbench/algorithms/ivfflat"
	"github.com/annbench/annbench/algorithms/ivfpq"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/algorithms/scann"
)

// All lists every registered algorithm in display order.
var All = append([]algorithms.Algorithm{
	flat.Algorithm,
	ivfflat.Algorithm,
	pq.Algorithm,
	ivfpq.Algorithm,
	hnsw.Algorithm,
	scann.Algorithm,
}, external.Shipped...)

var byName = func() map[string]algorithms.Algorithm {
	m := make(map[string]algorithms.Algorithm, len(All))
	for _, a := range All {
		m[a.Name] = a
	}
	return m
}()

// Lookup returns the algorithm called name, or an error listing the valid
// names.
func Lookup(name string) (algorithms.Algorithm, error) {
	if a, ok := byName[name]; ok {
		return a, nil
	}
	return algorithms.Algorithm{}, fmt.Errorf("unknown algorithm %q (valid: %s)", name, strings.Join(Names(), ", "))
}

// Names returns the registered names, sorted.
func Names() []string {
	out := make([]string, 0, len(All))
	for _, a := range All {
		out = append(out, a.Name)
	}
	sort.Strings(out)
	return out
}
