package config

import (
	"context"
	"fmt"
	"strings"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/external"
	"github.com/annbench/annbench/algorithms/registry"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// Lookups used by Expand; tests replace them to expand configs with
// algorithms that are not registered.
var (
	lookupAlgorithm = registry.Lookup
	algorithmNames  = registry.Names
	lookupDataset   = datasets.Lookup
	userAdapter     = startUserAdapter
	datasetNames    = func() []string {
		var out []string
		for _, e := range datasets.Catalogue() {
			out = append(out, e.Name)
		}
		return out
	}
)

// maxQuerySettings bounds the cartesian product of one query sweep.
const maxQuerySettings = 10000

// Expand validates c and turns it into the run's jobs: every dataset ×
// algorithm × index-parameter set, dataset-major, in config order. Each
// job's Index holds the normalized index parameters (defaults filled in)
// and Queries the cartesian product of the query values, ordered by
// parameter name with the first name varying slowest and values in the
// order given.
//
// Where an algorithm entry gives no index sets (or no query sweep), they
// come from the first of: configs/specialized/<dataset>_<algorithm>.yaml,
// configs/algorithms/<algorithm>.yaml, the algorithm's parameter defaults.
// Each file is looked for in c.ConfigDir, then c.ConfigDir/configs, then
// in the copies embedded in the binary. Identical index sets (after
// normalization) are run once. Problems are reported together in a
// *Error.
func (c *Config) Expand() (*Plan, error) {
	plan, ps := c.expand()
	if err := ps.err(c.display()); err != nil {
		return nil, err
	}
	return plan, nil
}

// display is how problems name the config file.
func (c *Config) display() string {
	if c.file != "" {
		return c.file
	}
	return c.Source
}

// at returns where the top-level key or item key was set.
func (c *Config) at(key string) site {
	if s, ok := c.locs[key]; ok {
		return s
	}
	return site{file: c.display(), path: key}
}

// site returns where the part rel of entry a was set, falling back to the
// entry itself; path is the key path to show.
func (a *AlgorithmConfig) site(rel, path string) site {
	if s, ok := a.locs[rel]; ok {
		return s
	}
	if s, ok := a.locs[""]; ok {
		return s.at(path)
	}
	return site{path: path}
}

// expand checks every setting and builds the plan; problems come back
// instead of an error so Load can merge them with its own.
func (c *Config) expand() (*Plan, *problems) {
	ps := &problems{}
	if c.K < 1 {
		ps.add(c.at("k").problem("want at least 1 neighbour, got %d", c.K))
	}
	if c.Trials < 1 {
		ps.add(c.at("trials").problem("want at least 1 trial, got %d", c.Trials))
	}
	for _, t := range []struct {
		key string
		v   float64
		max float64
	}{{"min_pass_seconds", c.MinPassSeconds, 60}, {"warmup_seconds", c.WarmupSeconds, 600}, {"settle_seconds", c.SettleSeconds, 10}} {
		if !(t.v >= 0 && t.v <= t.max) {
			ps.add(c.at(t.key).problem("want seconds in [0, %g], got %v", t.max, t.v))
		}
	}
	if c.Threads < 1 {
		ps.add(c.at("threads").problem("want at least 1 thread, got %d", c.Threads))
	}
	if c.Queries < 0 {
		ps.add(c.at("queries").problem("want 0 (all queries) or a positive count, got %d", c.Queries))
	}
	if !contains(modes, c.Mode) {
		ps.add(c.at("mode").problem("unknown mode %q%s; valid modes: %s", c.Mode, suggest(c.Mode, modes), quoteList(modes)))
	}
	if c.Output == "" {
		ps.add(c.at("output").problem("want a directory for results, got an empty name"))
	}

	entries := c.checkDatasets(ps)
	c.checkFilters(entries, ps)
	c.checkDirs(ps)
	algs := c.checkAlgorithms(ps)

	plan := &Plan{Config: c}
	r := &resolver{dir: c.ConfigDir, files: map[string]*paramFile{}, ps: ps}
	for i := range c.Datasets {
		if entries[i] == nil {
			continue
		}
		ds := entries[i].spec.Name // canonical, e.g. for synthetic names
		for j := range c.Algorithms {
			a := &c.Algorithms[j]
			if algs[j] == nil {
				continue
			}
			alg := *algs[j]
			if len(alg.Metrics) > 0 && !alg.Supports(entries[i].metric) {
				ps.add(a.site("name", entryPath(a.Name, fmt.Sprintf("algorithms[%d]", j))).problem(
					"%s does not support metric %s of dataset %s (supported: %s)", alg.Name, entries[i].metric, ds, metricList(alg.Metrics)))
				continue
			}
			plan.Jobs = append(plan.Jobs, r.jobs(ds, j, a, alg)...)
		}
	}
	return plan, ps
}

// checkAlgorithms looks up every algorithm entry's name; the result holds
// nil for entries with problems.
func (c *Config) checkAlgorithms(ps *problems) []*algorithms.Algorithm {
	if len(c.Algorithms) == 0 {
		ps.add(c.at("algorithms").problem("no algorithms; list at least one, e.g. algorithms: [{name: flat}] (valid: %s)", quoteList(algorithmNames())))
	}
	out := make([]*algorithms.Algorithm, len(c.Algorithms))
	first := map[string]int{}
	for j := range c.Algorithms {
		a := &c.Algorithms[j]
		path := entryPath(a.Name, fmt.Sprintf("algorithms[%d]", j))
		if a.Name == "" {
			ps.add(a.site("", path).problem("missing name; every entry needs name: <algorithm> (valid: %s)", quoteList(algorithmNames())))
			continue
		}
		s := a.site("name", path+".name")
		if k, dup := first[a.Name]; dup {
			ps.add(s.problem("algorithm %q is listed twice (also algorithms[%d]); put all its index sets in one entry's index list", a.Name, k))
			continue
		}
		first[a.Name] = j
		if a.Adapter != nil {
			if _, err := lookupAlgorithm(a.Name); err == nil {
				ps.add(s.problem("%q is a built-in algorithm; give your adapter a name of its own", a.Name))
				continue
			}
			if len(a.Adapter.Command) == 0 {
				continue // reported by the decoder
			}
			alg, err := userAdapter(a.Name, a.Adapter)
			if err != nil {
				ps.add(a.site("adapter", path+".adapter").problem("%v", err))
				continue
			}
			out[j] = &alg
			continue
		}
		alg, err := lookupAlgorithm(a.Name)
		if err != nil {
			ps.add(s.problem("%v%s", err, suggest(a.Name, algorithmNames())))
			continue
		}
		out[j] = &alg
	}
	return out
}

func metricList(ms []vector.Metric) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return strings.Join(out, ", ")
}

// startUserAdapter greets a user's adapter to learn its parameters and
// metrics, so its entry is checked like a built-in one.
func startUserAdapter(name string, ac *AdapterConfig) (algorithms.Algorithm, error) {
	t := external.Timeouts{Hello: ac.Timeouts["hello"], Build: ac.Timeouts["build"], SetQuery: ac.Timeouts["set_query"],
		Search: ac.Timeouts["search"], Close: ac.Timeouts["close"]}
	ad := &external.Adapter{Name: name, Command: ac.Command, Timeouts: t}
	return external.UserAlgorithm(context.Background(), ad)
}
