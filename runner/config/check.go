package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/annbench/annbench/datasets/fetch"
	"github.com/annbench/annbench/datasets/vector"
)

// dataset is what expansion needs of a checked dataset.
type dataset struct {
	spec   DatasetSpec
	metric vector.Metric
}

// checkDatasets checks every dataset item: catalogue names are looked up,
// definitions checked key by key and their files must exist. The result
// holds nil for items with problems.
func (c *Config) checkDatasets(ps *problems) []*dataset {
	if len(c.Datasets) == 0 {
		ps.add(c.at("datasets").problem("no datasets; list at least one, e.g. datasets: [synthetic-20k-64]"))
	}
	out := make([]*dataset, len(c.Datasets))
	first := map[string]int{}
	for i, spec := range c.Datasets {
		key := fmt.Sprintf("datasets[%d]", i)
		s := c.at(key)
		var ds *dataset
		if spec.Own() || c.defines(key) {
			ds = c.checkOwnDataset(key, spec, ps)
		} else {
			e, err := lookupDataset(spec.Name)
			if err != nil {
				ps.add(s.problem("%v%s", err, suggest(spec.Name, datasetNames())))
				continue
			}
			spec.Name = e.Name
			ds = &dataset{spec: spec, metric: e.Metric}
		}
		if ds == nil {
			continue
		}
		if j, dup := first[ds.spec.Name]; dup {
			ps.add(s.problem("dataset %q is listed twice (also %s)", ds.spec.Name, c.at(fmt.Sprintf("datasets[%d]", j)).path))
			continue
		}
		first[ds.spec.Name] = i
		out[i] = ds
	}
	return out
}

// defines reports whether the item at key was written as a definition
// (a map) rather than a name.
func (c *Config) defines(key string) bool {
	for k := range c.locs {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}

// checkOwnDataset checks a dataset defined by its files.
func (c *Config) checkOwnDataset(key string, spec DatasetSpec, ps *problems) *dataset {
	at := func(k string) site {
		if s, ok := c.locs[key+"."+k]; ok {
			return s
		}
		return c.at(key).at(key + "." + k)
	}
	before := len(ps.list)
	switch _, err := lookupDataset(spec.Name); {
	case spec.Name == "":
		ps.add(c.at(key).problem("missing name; a dataset definition needs name: NAME (used in result files and reports)"))
	case !safeName(spec.Name) || strings.ContainsAny(spec.Name, " \t\n:*?\"<>|"):
		ps.add(at("name").problem("name %q cannot be part of a file name; use letters, digits, '-', '_' and '.'", spec.Name))
	case err == nil:
		ps.add(at("name").problem("%q is a catalogue dataset; give your own data another name", spec.Name))
	}
	if spec.Base == "" {
		ps.add(c.at(key).problem("missing base; a dataset definition needs base: FILE with its base vectors"))
	}
	switch {
	case spec.Queries == "" && spec.Holdout == 0:
		ps.add(c.at(key).problem("missing queries; want queries: FILE, or holdout: N to use N base rows (removed from the base) as queries"))
	case spec.Queries != "" && spec.Holdout != 0:
		ps.add(at("holdout").problem("give queries or holdout, not both"))
	case spec.Holdout < 0:
		ps.add(at("holdout").problem("want a positive number of held-out queries, got %d", spec.Holdout))
	}
	if spec.Holdout == 0 {
		if _, ok := c.locs[key+".seed"]; ok || spec.Seed != 0 {
			ps.add(at("seed").problem("seed only chooses held-out queries; it needs holdout: N"))
		}
	} else {
		if spec.QueriesLabels != "" {
			ps.add(at("queries_labels").problem("held-out queries take their labels from labels; remove queries_labels"))
		}
		if spec.GroundTruth != "" {
			ps.add(at("ground_truth").problem("ground truth for held-out queries is computed; remove ground_truth or give queries: FILE"))
		}
	}
	if spec.QueriesLabels != "" && spec.Labels == "" {
		ps.add(at("queries_labels").problem("queries_labels needs labels for the base rows"))
	}
	switch {
	case spec.Metric == "":
		ps.add(c.at(key).problem("missing metric; want metric: %s", strings.Join(metricNames(), " | ")))
	case !spec.Metric.Valid():
		ps.add(at("metric").problem("unknown metric %q%s; valid: %s", spec.Metric, suggest(string(spec.Metric), metricNames()), quoteList(metricNames())))
	}
	for _, f := range spec.Files() {
		if msg := checkFile(f[1]); msg != "" {
			ps.add(at(f[0]).problem("%s", msg))
		}
	}
	if len(ps.list) > before {
		return nil
	}
	return &dataset{spec: spec, metric: spec.Metric}
}

// checkFile returns what is wrong with data file p, or "".
func checkFile(p string) string {
	name := FilePath(p)
	st, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("file %s not found", name)
	case err != nil:
		return fmt.Sprintf("cannot read %s: %v", name, unwrapPath(err))
	case st.IsDir():
		return fmt.Sprintf("%s is a directory; want a data file", name)
	}
	return ""
}

// unwrapPath drops the path from a *fs.PathError, which the message
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func metricNames() []string {
	out := make([]string, len(vector.Metrics))
	for i, m := range vector.Metrics {
		out[i] = string(m)
	}
	return out
}

// checkFilters checks the filter workloads: no workload twice, ids files
// present (and hashed for the workload's identity), and labels for label
// filters on own data.
func (c *Config) checkFilters(data []*dataset, ps *problems) {
	seen := map[string]int{}
	for i := range c.Filters {
		f := &c.Filters[i]
		s := c.at(fmt.Sprintf("filter[%d]", i))
		switch f.Kind {
		case FilterNone, FilterLabel, FilterRange:
		case FilterIDs:
			h, msg := hashFile(f.IDs)
			if msg != "" {
				ps.add(s.problem("%s", msg))
				continue
			}
			f.IDsHash = h
		default:
			ps.add(s.problem("unknown filter kind %q; want %s", f.Kind, filterWant))
			continue
		}
		id := f.ID()
		if j, dup := seen[id]; dup {
			ps.add(s.problem("filter %s is listed twice (also %s)", nonEmpty(id), c.at(fmt.Sprintf("filter[%d]", j)).path))
			continue
		}
		seen[id] = i
		if f.Kind != FilterLabel {
			continue
		}
		for _, ds := range data {
			if ds != nil && ds.spec.Own() && (ds.spec.Labels == "" || ds.spec.Holdout == 0 && ds.spec.QueriesLabels == "") {
				ps.add(s.problem("a label filter needs labels for the base rows and the queries; dataset %s has no labels%s", ds.spec.Name,
					map[bool]string{true: "", false: " or queries_labels"}[ds.spec.Labels == ""]))
			}
		}
	}
}

// nonEmpty names the unfiltered workload "none".
func nonEmpty(id string) string {
	if id == "" {
		return FilterNone
	}
	return id
}

// hashFile returns the first 8 hex digits of the SHA-256 of file p, or a
// message saying why it cannot be read.
func hashFile(p string) (string, string) {
	if msg := checkFile(p); msg != "" {
		return "", msg
	}
	sum, err := fetch.SHA256File(p)
	if err != nil {
		return "", fmt.Sprintf("cannot read %s: %v", p, unwrapPath(err))
	}
	return sum[:8], ""
}

// checkDirs checks that output and cache do not overlap (see
// CheckOutputCache).
func (c *Config) checkDirs(ps *problems) {
	if key, err := CheckOutputCache(c.Output, c.Cache); err != nil {
		ps.add(c.at(key).problem("%v", err))
	}
}
