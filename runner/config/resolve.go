package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/annbench/annbench/algorithms"
)

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
// returns its jobs: one per distinct normalized index set, each with the
// whole query sweep.
func (r *resolver) jobs(ds string, j int, a *AlgorithmConfig, alg algorithms.Algorithm) []Job {
	path := entryPath(a.Name, fmt.Sprintf("algorithms[%d]", j))
	srcs := paramSources(a, path, r.sources(ds, a.Name, len(a.Index) == 0, len(a.Query) == 0))
	sets := resolveIndexSets(srcs, a)
	query := resolveQuerySweep(srcs, a)
	queries, ok := r.sweep(alg, query.values, query.sites, a.site("", path))
	var jobs []Job
	seen := map[string]bool{}
	for _, s := range sets {
		// Index sets are checked even when the sweep is bad, so that all
		// problems are reported at once.
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

// paramSource is one place an entry's index sets and query sweep can come
// from: the entry itself or a parameter file, with where each value
// (keyed "index[i].P", "query.P", "query.P[j]") was set.
type paramSource struct {
	index []map[string]any
	query map[string][]any
	at    func(rel string) site
}

// paramSources lists the sources of entry a in order of precedence: the
// entry, then the parameter files.
func paramSources(a *AlgorithmConfig, path string, files []*paramFile) []paramSource {
	out := []paramSource{{index: a.Index, query: a.Query, at: func(rel string) site { return a.site(rel, path+"."+rel) }}}
	for _, f := range files {
		out = append(out, paramSource{index: f.index, query: f.query, at: func(rel string) site { return fileSite(f, rel) }})
	}
	return out
}

// resolveIndexSets returns the index sets of the first source that has some
// (else one set of defaults), with the entry's single-parameter
// overrides applied to every set.
func resolveIndexSets(srcs []paramSource, a *AlgorithmConfig) []rawSet {
	var sets []rawSet
	for _, src := range srcs {
		if len(src.index) == 0 {
			continue
		}
		for i, m := range src.index {
			s := rawSet{values: map[string]any{}, sites: map[string]site{}}
			for k, v := range m {
				s.values[k] = v
				s.sites[k] = src.at(fmt.Sprintf("index[%d].%s", i, k))
			}
			sets = append(sets, s)
		}
		break
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
	return sets
}

// rawSweep is a query sweep before checking: values per parameter and
// where each was set (keyed "P" and "query.P[j]").
type rawSweep struct {
	values map[string][]any
	sites  map[string]site
}

// put sets parameter k's values, taking sites from at.
func (q rawSweep) put(k string, vs []any, at func(rel string) site) {
	q.values[k] = vs
	q.sites[k] = at("query." + k)
	for i := range vs {
		rel := fmt.Sprintf("query.%s[%d]", k, i)
		q.sites[rel] = at(rel)
	}
}

// resolveQuerySweep returns the query sweep of the first source that has one
// (else none, meaning the defaults), with the entry's single-parameter
// overrides on top.
func resolveQuerySweep(srcs []paramSource, a *AlgorithmConfig) rawSweep {
	q := rawSweep{values: map[string][]any{}, sites: map[string]site{}}
	for _, src := range srcs {
		if len(src.query) == 0 {
			continue
		}
		for k, vs := range src.query {
			q.put(k, vs, src.at)
		}
		break
	}
	for k, vs := range a.queryPatch {
		q.put(k, vs, func(rel string) site { return a.patchLocs[rel] })
	}
	return q
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
	keys := slices.Sorted(maps.Keys(m))
	return keys
}

// withArticle returns "an index" or "a query".
func withArticle(s algorithms.Stage) string {
	if s == algorithms.IndexTime {
		return "an index"
	}
	return "a " + string(s)
}
