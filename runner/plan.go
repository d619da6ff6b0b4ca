package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/annbench/annbench/algorithms"
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
// *ConfigError.
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
// instead of an error so LoadConfig can merge them with its own.
func (c *Config) expand() (*Plan, *problems) {
	ps := &problems{}
	if c.K < 1 {
		ps.add(c.at("k").problem("want at least 1 neighbour, got %d", c.K))
	}
	if c.Trials < 1 {
		ps.add(c.at("trials").problem("want at least 1 trial, got %d", c.Trials))
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
	algs := c.checkAlgorithms(ps)

	plan := &Plan{Config: c}
	r := &resolver{dir: c.ConfigDir, files: map[string]*paramFile{}, ps: ps}
	for i := range c.Datasets {
		if entries[i] == nil {
			continue
		}
		ds := entries[i].Name // canonical, e.g. for synthetic names
		for j := range c.Algorithms {
			a := &c.Algorithms[j]
			if algs[j] == nil {
				continue
			}
			alg := *algs[j]
			if len(alg.Metrics) > 0 && !alg.Supports(entries[i].Metric) {
				ps.add(a.site("name", entryPath(a.Name, fmt.Sprintf("algorithms[%d]", j))).problem(
					"%s does not support metric %s of dataset %s (supported: %s)", alg.Name, entries[i].Metric, ds, metricList(alg.Metrics)))
				continue
			}
			plan.Jobs = append(plan.Jobs, r.jobs(ds, j, a, alg)...)
		}
	}
	return plan, ps
}

// checkDatasets looks up every dataset name; the result holds nil for
// names with problems.
func (c *Config) checkDatasets(ps *problems) []*datasets.Entry {
	if len(c.Datasets) == 0 {
		ps.add(c.at("datasets").problem("no datasets; list at least one, e.g. datasets: [synthetic-20k-64]"))
	}
	out := make([]*datasets.Entry, len(c.Datasets))
	first := map[string]int{}
	for i, name := range c.Datasets {
		s := c.at(fmt.Sprintf("datasets[%d]", i))
		e, err := lookupDataset(name)
		if err != nil {
			ps.add(s.problem("%v%s", err, suggest(name, datasetNames())))
			continue
		}
		if j, dup := first[e.Name]; dup {
			ps.add(s.problem("dataset %q is listed twice (also datasets[%d])", e.Name, j))
			continue
		}
		first[e.Name] = i
		out[i] = &e
	}
	return out
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

// resolver finds and caches the parameter files of one expansion.
type resolver struct {
	dir   string
	files map[string]*paramFile
	ps    *problems
}

// file returns the parameter file rel (e.g. "algorithms/hnsw.yaml") from
// the first place that has it, or nil.
func (r *resolver) file(rel string) *paramFile {
	if f, ok := r.files[rel]; ok {
		return f
	}
	f := r.read(rel)
	r.files[rel] = f
	return f
}

func (r *resolver) read(rel string) *paramFile {
	if r.dir != "" {
		for _, dir := range []string{r.dir, filepath.Join(r.dir, "configs")} {
			name := filepath.Join(dir, filepath.FromSlash(rel))
			data, err := os.ReadFile(name)
			if err == nil {
				return decodeParamFile(name, data, r.ps)
			}
			if !errors.Is(err, fs.ErrNotExist) {
				r.ps.add(Problem{File: name, Msg: fmt.Sprintf("cannot read parameter file: %v", err)})
				return nil
			}
		}
	}
	data, err := fs.ReadFile(defaultsFS, rel)
	if err != nil {
		return nil
	}
	return decodeParamFile(path.Join("configs", rel)+" (embedded)", data, r.ps)
}

// safeName reports whether a dataset or algorithm name can be part of a
// file name.
func safeName(name string) bool {
	return name != "" && !strings.ContainsAny(name, `/\`) && !strings.Contains(name, "..")
}

// sources returns the parameter files for the pair in order of
// precedence: the specialization, then the per-algorithm defaults. The
// defaults file is not read when the specialization already gives every
// part needed (index sets when needIndex, a query sweep when needQuery).
func (r *resolver) sources(dataset, algorithm string, needIndex, needQuery bool) []*paramFile {
	if !safeName(dataset) || !safeName(algorithm) || !needIndex && !needQuery {
		return nil
	}
	var out []*paramFile
	for _, rel := range []string{"specialized/" + dataset + "_" + algorithm + ".yaml", "algorithms/" + algorithm + ".yaml"} {
		f := r.file(rel)
		if f == nil {
			continue
		}
		out = append(out, f)
		if (!needIndex || len(f.index) > 0) && (!needQuery || len(f.query) > 0) {
			break
		}
	}
	return out
}

// rawSet is one index-parameter set or query setting before
// normalization, with where each value was set.
type rawSet struct {
	values map[string]any
	sites  map[string]site
}

// jobs resolves the parameters of entry a (the j-th) for dataset ds and
// returns its jobs.
func (r *resolver) jobs(ds string, j int, a *AlgorithmConfig, alg algorithms.Algorithm) []Job {
	path := entryPath(a.Name, fmt.Sprintf("algorithms[%d]", j))
	files := r.sources(ds, a.Name, len(a.Index) == 0, len(a.Query) == 0)

	// Index sets: the entry's, else the first file that has some, else
	// one set of defaults.
	var sets []rawSet
	switch {
	case len(a.Index) > 0:
		for i, m := range a.Index {
			s := rawSet{values: map[string]any{}, sites: map[string]site{}}
			for k, v := range m {
				s.values[k] = v
				s.sites[k] = a.site(fmt.Sprintf("index[%d].%s", i, k), fmt.Sprintf("%s.index[%d].%s", path, i, k))
			}
			sets = append(sets, s)
		}
	default:
		for _, f := range files {
			if len(f.index) == 0 {
				continue
			}
			for i, m := range f.index {
				s := rawSet{values: map[string]any{}, sites: map[string]site{}}
				for k, v := range m {
					s.values[k] = v
					s.sites[k] = fileSite(f, fmt.Sprintf("index[%d].%s", i, k))
				}
				sets = append(sets, s)
			}
			break
		}
	}
	if len(sets) == 0 {
		sets = []rawSet{{values: map[string]any{}, sites: map[string]site{}}}
	}
	for k, v := range a.indexPatch {
		for _, s := range sets {
			s.values[k] = v
			s.sites[k] = a.patchLocs["index."+k]
		}
	}

	// Query sweep: the entry's, else the first file that has one, else
	// the defaults; single-parameter overrides on top.
	query := map[string][]any{}
	qsites := map[string]site{}
	switch {
	case len(a.Query) > 0:
		for k, vs := range a.Query {
			query[k] = vs
			qsites[k] = a.site("query."+k, path+".query."+k)
			for i := range vs {
				rel := fmt.Sprintf("query.%s[%d]", k, i)
				qsites[rel] = a.site(rel, fmt.Sprintf("%s.query.%s[%d]", path, k, i))
			}
		}
	default:
		for _, f := range files {
			if len(f.query) == 0 {
				continue
			}
			for k, vs := range f.query {
				query[k] = vs
				qsites[k] = fileSite(f, "query."+k)
				for i := range vs {
					rel := fmt.Sprintf("query.%s[%d]", k, i)
					qsites[rel] = fileSite(f, rel)
				}
			}
			break
		}
	}
	for k, vs := range a.queryPatch {
		query[k] = vs
		qsites[k] = a.patchLocs["query."+k]
		for i := range vs {
			rel := fmt.Sprintf("query.%s[%d]", k, i)
			qsites[rel] = a.patchLocs[rel]
		}
	}

	queries, ok := r.sweep(alg, query, qsites, a.site("", path))
	var jobs []Job
	seen := map[string]bool{}
	for _, s := range sets {
		p, good := r.normalize(alg, algorithms.IndexTime, s)
		if !good || !ok {
			continue
		}
		if slug := p.Slug(); !seen[slug] {
			seen[slug] = true
			jobs = append(jobs, Job{Dataset: ds, Algorithm: alg, Index: p, Queries: queries})
		}
	}
	return jobs
}

// fileSite returns where rel was set in parameter file f.
func fileSite(f *paramFile, rel string) site {
	if s, ok := f.locs[rel]; ok {
		return s
	}
	return site{file: f.name, path: rel}
}

// param looks up parameter name of the given stage, reporting unknown
// names and parameters of the other stage at s.
func (r *resolver) param(alg algorithms.Algorithm, stage algorithms.Stage, name string, s site) (algorithms.ParamSpec, bool) {
	spec, found := alg.Params.Lookup(name)
	valid := alg.Params.Names(stage)
	switch {
	case !found:
		r.ps.add(s.problem("unknown %s parameter of %s%s; valid: %s", stage, alg.Name, suggest(name, valid), quoteList(valid)))
		return spec, false
	case spec.Stage != stage:
		r.ps.add(s.problem("%s is %s parameter of %s; set it under %s (valid %s parameters: %s)", name, withArticle(spec.Stage), alg.Name, spec.Stage, stage, quoteList(valid)))
		return spec, false
	}
	return spec, true
}

// convert checks one value against spec, reporting a bad value at s.
func (r *resolver) convert(spec algorithms.ParamSpec, v any, s site) (any, bool) {
	cv, err := spec.Convert(v)
	if err != nil {
		// The path already names the parameter.
		r.ps.add(s.problem("%s", strings.TrimPrefix(err.Error(), fmt.Sprintf("parameter %q: ", spec.Name))))
		return nil, false
	}
	return cv, true
}

// normalize checks one index set and fills in the defaults.
func (r *resolver) normalize(alg algorithms.Algorithm, stage algorithms.Stage, s rawSet) (algorithms.Params, bool) {
	conv := map[string]any{}
	ok := true
	for _, name := range sortedKeys(s.values) {
		spec, good := r.param(alg, stage, name, s.sites[name])
		var cv any
		if good {
			cv, good = r.convert(spec, s.values[name], s.sites[name])
		}
		if !good {
			ok = false
			continue
		}
		conv[name] = cv
	}
	if !ok {
		return nil, false
	}
	p, err := alg.Params.Normalize(stage, conv)
	if err != nil {
		r.ps.add(site{}.problem("%s %s parameters: %v", alg.Name, stage, err))
		return nil, false
	}
	return p, true
}

// sweep checks the query values and returns their cartesian product with
// defaults filled in: parameters by sorted name, the first varying
// slowest, values in the order given.
func (r *resolver) sweep(alg algorithms.Algorithm, query map[string][]any, sites map[string]site, entry site) ([]algorithms.Params, bool) {
	names := sortedKeys(query)
	lists := make([][]any, len(names))
	ok := true
	total := 1
	for i, name := range names {
		spec, good := r.param(alg, algorithms.QueryTime, name, sites[name])
		if !good {
			ok = false
			continue
		}
		for j, v := range query[name] {
			s, found := sites[fmt.Sprintf("query.%s[%d]", name, j)]
			if !found {
				s = sites[name]
			}
			cv, good := r.convert(spec, v, s)
			if !good {
				ok = false
				continue
			}
			lists[i] = append(lists[i], cv)
		}
		if total > 0 && len(lists[i]) > 0 {
			total *= len(lists[i])
			if total > maxQuerySettings {
				r.ps.add(entry.problem("the query sweep has more than %d settings; sweep fewer values", maxQuerySettings))
				return nil, false
			}
		}
	}
	if !ok {
		return nil, false
	}
	combos := []map[string]any{{}}
	for i, name := range names {
		next := make([]map[string]any, 0, len(combos)*len(lists[i]))
		for _, c := range combos {
			for _, v := range lists[i] {
				m := make(map[string]any, len(c)+1)
				for k, x := range c {
					m[k] = x
				}
				m[name] = v
				next = append(next, m)
			}
		}
		combos = next
	}
	out := make([]algorithms.Params, 0, len(combos))
	for _, c := range combos {
		p, err := alg.Params.Normalize(algorithms.QueryTime, c)
		if err != nil {
			r.ps.add(entry.problem("%s query parameters: %v", alg.Name, err))
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// withArticle returns "an index" or "a query".
func withArticle(s algorithms.Stage) string {
	if s == algorithms.IndexTime {
		return "an index"
	}
	return "a " + string(s)
}
