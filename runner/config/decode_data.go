package config

import (
	"fmt"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/annbench/annbench/datasets/vector"
)

// datasets decodes the datasets list: each item is a catalogue name or a
// map defining a dataset by its files; a single item is a one-element
// list. Each item's site is stored in locs under "datasets[i]", and each
// key of a definition under "datasets[i].KEY".
func (d *decoder) datasets(n *yaml.Node, path string, locs map[string]site) []DatasetSpec {
	items, ok := d.listItems(n, path, "want a list of dataset names such as [siftsmall, synthetic-20k-64] or definitions such as {name: mine, base: mine.npy, holdout: 1000, metric: angular}")
	if !ok {
		return nil
	}
	out := []DatasetSpec{}
	for i, it := range items {
		ip := fmt.Sprintf("%s[%d]", path, i)
		key := fmt.Sprintf("datasets[%d]", len(out))
		if resolve(it).Kind == yaml.MappingNode {
			locs[key] = d.site(it, ip)
			out = append(out, d.ownDataset(it, ip, key, locs))
			continue
		}
		if s, ok := d.stringValue(it, ip, "a dataset name or a definition {name: ..., base: ...}"); ok {
			locs[key] = d.site(it, ip)
			out = append(out, DatasetSpec{Name: s})
		}
	}
	return out
}

// ownDataset decodes one dataset definition; key is its locs key.
func (d *decoder) ownDataset(n *yaml.Node, path, key string, locs map[string]site) DatasetSpec {
	var s DatasetSpec
	files := map[string]*string{"base": &s.Base, "queries": &s.Queries, "labels": &s.Labels,
		"queries_labels": &s.QueriesLabels, "attributes": &s.Attributes, "ground_truth": &s.GroundTruth}
	d.fields(n, path, "a dataset definition such as {name: mine, base: mine.npy, holdout: 1000, metric: angular}", datasetKeys, func(k string, v *yaml.Node) {
		kp := path + "." + k
		locs[key+"."+k] = d.site(v, kp)
		if p, ok := files[k]; ok {
			*p = d.pathValue(v, kp)
			return
		}
		switch k {
		case "name":
			s.Name, _ = d.stringValue(v, kp, "a dataset name")
		case "holdout":
			s.Holdout, _ = d.intValue(v, kp)
		case "seed":
			x, _ := d.intValue(v, kp)
			s.Seed = int64(x)
		case "metric":
			if m, ok := d.stringValue(v, kp, "a metric: "+metricList(vector.Metrics)); ok {
				s.Metric = vector.Metric(m)
			}
		}
	})
	return s
}

// pathValue decodes a file path. A relative path written in the config
// file is joined to the file's directory; one from an override is kept
// relative to the current directory.
func (d *decoder) pathValue(n *yaml.Node, path string) string {
	p, ok := d.stringValue(n, path, "a file path")
	if !ok {
		return ""
	}
	if p == "" {
		d.bad(n, path, "empty file path")
		return ""
	}
	if _, fromOverride := d.origin[n]; fromOverride || d.dir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.dir, p)
}

// filters decodes the filter key: none, one filter map, or a list of
// them. Each item's site is stored in locs under "filter[i]".
func (d *decoder) filters(n *yaml.Node, path string, locs map[string]site) []FilterSpec {
	r := resolve(n)
	items := []*yaml.Node{n}
	itemPath := func(i int) string { return path }
	if r.Kind == yaml.SequenceNode {
		items = r.Content
		if len(items) == 0 {
			d.bad(n, path, "empty list; omit the key (or write filter: none) for unfiltered search")
			return nil
		}
		itemPath = func(i int) string { return fmt.Sprintf("%s[%d]", path, i) }
	}
	out := []FilterSpec{}
	for i, it := range items {
		ip := itemPath(i)
		f, ok := d.filter(it, ip)
		if ok {
			locs[fmt.Sprintf("filter[%d]", len(out))] = d.site(it, ip)
			out = append(out, f)
		}
	}
	return out
}

// filterWant is the shape of a filter, for messages.
const filterWant = "none, {label: query}, {range: FRACTION} or {ids: FILE}"

// filter decodes one filter workload.
func (d *decoder) filter(n *yaml.Node, path string) (FilterSpec, bool) {
	r := resolve(n)
	switch r.Kind {
	case yaml.ScalarNode:
		if r.Tag == "!!str" && r.Value == FilterNone {
			return FilterSpec{Kind: FilterNone}, true
		}
		d.bad(n, path, "want %s, got %s%s", filterWant, describe(r), suggest(r.Value, []string{FilterNone}))
		return FilterSpec{}, false
	case yaml.MappingNode:
	default:
		d.bad(n, path, "want %s, got %s", filterWant, describe(r))
		return FilterSpec{}, false
	}
	if len(r.Content) == 0 {
		d.bad(n, path, "empty filter; want %s", filterWant)
		return FilterSpec{}, false
	}
	var f FilterSpec
	ok := false
	count := 0
	d.fields(n, path, filterWant, filterKinds, func(k string, v *yaml.Node) {
		count++
		kp := path + "." + k
		if count > 1 {
			d.bad(v, kp, "a filter has one key (label, range or ids); put several filters in a list, e.g. filter: [{label: query}, {range: 0.01}]")
			ok = false
			return
		}
		f.Kind = k
		switch k {
		case FilterLabel:
			s, good := d.stringValue(v, kp, "query (each query searches the base rows with its own label)")
			if good && s != "query" {
				d.bad(v, kp, "want query (each query searches the base rows with its own label), got %s%s", describe(v), suggest(s, []string{"query"}))
				good = false
			}
			f.Label, ok = s, good
		case FilterRange:
			x, good := d.numberValue(v, kp)
			if good && !(x > 0 && x <= 1) {
				d.bad(v, kp, "want the share of the base each query may search, a number in (0, 1] such as 0.01, got %v", x)
				good = false
			}
			f.Fraction, ok = x, good
		case FilterIDs:
			f.IDs = d.pathValue(v, kp)
			ok = f.IDs != ""
		}
	})
	return f, ok && count == 1
}

// numberValue decodes an integer or floating-point scalar.
func (d *decoder) numberValue(n *yaml.Node, path string) (float64, bool) {
	r := resolve(n)
	if r.Kind == yaml.ScalarNode && (r.Tag == "!!int" || r.Tag == "!!float") {
		var x float64
		if err := r.Decode(&x); err == nil {
			return x, true
		}
	}
	d.bad(n, path, "want a number, got %s", describe(r))
	return 0, false
}
