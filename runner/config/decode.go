package config

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Keys accepted at each level of a config, in the order error messages list
// them.
var (
	configKeys    = []string{"datasets", "k", "trials", "min_pass_seconds", "warmup_seconds", "settle_seconds", "mode", "threads", "queries", "filter", "algorithms", "output", "cache"}
	algorithmKeys = []string{"name", "index", "query", "adapter"}
	adapterKeys   = []string{"command", "timeouts"}
	timeoutKeys   = []string{"hello", "build", "set_query", "search", "close"}
	paramFileKeys = []string{"index", "query"}
)

// decoder walks yaml.Node trees strictly: it knows the config schema,
// reports unknown keys and wrong value types with their position, and keeps
// going so that every problem is reported at once.
type decoder struct {
	// file is the file name shown in problems.
	file string
	// dir is the directory relative paths in the file are relative to
	// ("" for the current directory).
	dir string
	// origin maps nodes that came from a command-line override to the
	// override's text, so problems in them name the override.
	origin map[*yaml.Node]string
	// entries maps each algorithm entry node to its index in
	// Config.Algorithms, for applying overrides of single parameters.
	entries map[*yaml.Node]int
	ps      *problems
}

func newDecoder(file string, ps *problems) *decoder {
	return &decoder{file: file, origin: map[*yaml.Node]string{}, entries: map[*yaml.Node]int{}, ps: ps}
}

// site returns where node n is, shown with key path path.
func (d *decoder) site(n *yaml.Node, path string) site {
	if o, ok := d.origin[n]; ok {
		return site{override: o, inOverride: true, path: path}
	}
	return site{file: d.file, line: n.Line, path: path}
}

// bad records a problem at node n.
func (d *decoder) bad(n *yaml.Node, path, format string, args ...any) {
	d.ps.add(d.site(n, path).problem(format, args...))
}

// where describes the position of n for "first at ..." hints.
func (d *decoder) where(n *yaml.Node) string {
	if o, ok := d.origin[n]; ok {
		return fmt.Sprintf("override '%s'", o)
	}
	return fmt.Sprintf("line %d", n.Line)
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	return n
}

// describe names the type and value of n for "got ..." messages.
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a map"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		switch n.Tag {
		case "!!null":
			return "nothing (null)"
		case "!!int":
			return "integer " + v
		case "!!float":
			return "number " + v
		case "!!bool":
			return "boolean " + v
		case "!!str":
			return fmt.Sprintf("string %q", v)
		}
		return fmt.Sprintf("%q", v)
	}
	return "an unsupported YAML node"
}

// join appends key to a dotted path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fields checks that n is a map whose keys are names in valid (any name
// when valid is nil), given once each, and calls fn for each in file
// order. It reports false when n is not a map.
func (d *decoder) fields(n *yaml.Node, path, want string, valid []string, fn func(key string, v *yaml.Node)) bool {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.bad(n, path, "want %s, got %s", want, describe(n))
		return false
	}
	seen := map[string]*yaml.Node{}
	budget := maxMergedPairs
	for _, kv := range d.pairs(n, path, &budget) {
		k, v := kv[0], kv[1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!null" {
			d.bad(k, path, "keys must be names, got %s", describe(k))
			continue
		}
		key := k.Value
		kp := join(path, key)
		if first, dup := seen[key]; dup {
			// A key merged in with << yields to the map's own keys and
			// to earlier merged maps; only own keys can clash.
			if kv[2] == nil {
				d.bad(k, kp, "key given twice (first at %s)", d.where(first))
			}
			continue
		}
		seen[key] = k
		if valid != nil && !contains(valid, key) {
			d.bad(k, kp, "unknown key%s; valid keys: %s", suggest(key, valid), quoteList(valid))
			continue
		}
		if strings.Contains(key, ":") && resolve(v).Tag == "!!null" {
			d.bad(k, kp, "key contains ':' and has no value; write a space after the colon, e.g. {M: 16}")
			continue
		}
		fn(key, v)
	}
	return true
}

// maxMergedPairs bounds the work of expanding merge keys in one map, so
// that nested aliases cannot make a small file expand without limit.
const maxMergedPairs = 10000

// pairs returns the key/value pairs of map n with YAML merge keys
// (<<: *anchor, <<: [*a, *b]) expanded: the map's own pairs first, then
// merged ones marked by a non-nil third element, so that own keys win.
// Each visited map and pair costs one unit of budget.
func (d *decoder) pairs(n *yaml.Node, path string, budget *int) [][3]*yaml.Node {
	var own, merged [][3]*yaml.Node
	*budget--
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!merge" {
			own = append(own, [3]*yaml.Node{k, v, nil})
			continue
		}
		r := resolve(v)
		srcs := []*yaml.Node{r}
		if r.Kind == yaml.SequenceNode {
			srcs = r.Content
		}
		for _, src := range srcs {
			src = resolve(src)
			if src.Kind != yaml.MappingNode {
				d.bad(v, join(path, "<<"), "want a map (or list of maps) to merge, got %s", describe(src))
				continue
			}
			if *budget <= 0 {
				d.bad(v, join(path, "<<"), "merge keys expand to more than %d entries", maxMergedPairs)
				break
			}
			for _, kv := range d.pairs(src, path, budget) {
				*budget--
				merged = append(merged, [3]*yaml.Node{kv[0], kv[1], k})
			}
		}
	}
	return append(own, merged...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// intValue decodes an integer scalar.
func (d *decoder) intValue(n *yaml.Node, path string) (int, bool) {
	r := resolve(n)
	if r.Kind == yaml.ScalarNode && r.Tag == "!!int" {
		return d.intScalar(n, r, path)
	}
	d.bad(n, path, "want an integer, got %s", describe(r))
	return 0, false
}

// intScalar decodes r, the !!int scalar n resolves to, as an int.
func (d *decoder) intScalar(n, r *yaml.Node, path string) (int, bool) {
	var x int64
	if err := r.Decode(&x); err != nil || x < math.MinInt || x > math.MaxInt {
		d.bad(n, path, "integer %s is out of range", r.Value)
		return 0, false
	}
	return int(x), true
}

// scalarAs decodes r, the scalar n resolves to, as a T, reporting problem
// (a format taking r's text) when it does not decode.
func scalarAs[T any](d *decoder, n, r *yaml.Node, path, problem string) (any, bool) {
	var x T
	if err := r.Decode(&x); err != nil {
		d.bad(n, path, problem, r.Value)
		return nil, false
	}
	return x, true
}

// stringValue decodes a scalar as text; numbers and booleans are taken as
// written, null is an error.
func (d *decoder) stringValue(n *yaml.Node, path, want string) (string, bool) {
	r := resolve(n)
	if r.Kind == yaml.ScalarNode && r.Tag != "!!null" {
		return r.Value, true
	}
	d.bad(n, path, "want %s, got %s", want, describe(r))
	return "", false
}

// paramValue decodes one parameter value: an integer, number, boolean or
// string scalar.
func (d *decoder) paramValue(n *yaml.Node, path string) (any, bool) {
	r := resolve(n)
	if r.Kind != yaml.ScalarNode {
		d.bad(n, path, "want a single value (number, string or boolean), got %s", describe(r))
		return nil, false
	}
	switch r.Tag {
	case "!!int":
		if x, ok := d.intScalar(n, r, path); ok {
			return x, true
		}
		return nil, false
	case "!!float":
		return scalarAs[float64](d, n, r, path, "invalid number %s")
	case "!!bool":
		return scalarAs[bool](d, n, r, path, "invalid boolean %s")
	case "!!null":
		d.bad(n, path, "missing value")
		return nil, false
	}
	return r.Value, true
}

// valueList decodes the values of one swept query parameter: a list of
// scalars, or one scalar as a one-element list. Sites are stored in locs
// under rel and "rel[j]".
func (d *decoder) valueList(n *yaml.Node, path, rel string, locs map[string]site) ([]any, bool) {
	r := resolve(n)
	locs[rel] = d.site(n, path)
	if r.Kind == yaml.MappingNode {
		d.bad(n, path, "want a list of values such as [10, 20, 40], got %s", describe(r))
		return nil, false
	}
	items := []*yaml.Node{n}
	if r.Kind == yaml.SequenceNode {
		items = r.Content
		if len(items) == 0 {
			d.bad(n, path, "empty list; give at least one value")
			return nil, false
		}
	}
	out := make([]any, 0, len(items))
	ok := true
	for j, it := range items {
		ip := path
		if r.Kind == yaml.SequenceNode {
			ip = fmt.Sprintf("%s[%d]", path, j)
		}
		v, good := d.paramValue(it, ip)
		if !good {
			ok = false
			continue
		}
		locs[fmt.Sprintf("%s[%d]", rel, len(out))] = d.site(it, ip)
		out = append(out, v)
	}
	return out, ok
}

// indexSets decodes a list of index-parameter maps (a single map is a
// one-element list). Each value's site is stored in locs under
// "index[i].name".
func (d *decoder) indexSets(n *yaml.Node, path string, locs map[string]site) []map[string]any {
	r := resolve(n)
	var items []*yaml.Node
	switch r.Kind {
	case yaml.SequenceNode:
		items = r.Content
		if len(items) == 0 {
			d.bad(n, path, "empty list; omit the key to use the default index parameters")
			return nil
		}
	case yaml.MappingNode:
		items = []*yaml.Node{n}
	default:
		d.bad(n, path, "want a list of parameter maps such as [{M: 16, ef_construction: 200}], got %s", describe(r))
		return nil
	}
	out := make([]map[string]any, 0, len(items))
	for i, it := range items {
		ip := fmt.Sprintf("%s[%d]", path, i)
		set := map[string]any{}
		d.fields(it, ip, "a map of parameter values such as {M: 16}", nil, func(name string, v *yaml.Node) {
			vp := ip + "." + name
			if x, ok := d.paramValue(v, vp); ok {
				set[name] = x
				locs[fmt.Sprintf("index[%d].%s", i, name)] = d.site(v, vp)
			}
		})
		out = append(out, set)
	}
	return out
}

// querySweep decodes a map of query parameter to values.
func (d *decoder) querySweep(n *yaml.Node, path string, locs map[string]site) map[string][]any {
	out := map[string][]any{}
	ok := d.fields(n, path, "a map of query parameter to values such as {ef: [10, 20, 40]}", nil, func(name string, v *yaml.Node) {
		// Keep the good values of a list with bad ones, so that they are
		// still checked against the algorithm's parameters.
		if vals, _ := d.valueList(v, path+"."+name, "query."+name, locs); len(vals) > 0 {
			out[name] = vals
		}
	})
	if ok && len(resolve(n).Content) == 0 {
		d.bad(n, path, "empty map; omit the key to use the default query parameters")
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// config decodes the top level of a config file into c, whose defaults are
// already set.
func (d *decoder) config(root *yaml.Node, c *Config) {
	// The plain numeric settings; an invalid value keeps the default.
	ints := map[string]*int{"k": &c.K, "trials": &c.Trials, "threads": &c.Threads, "queries": &c.Queries}
	floats := map[string]*float64{"min_pass_seconds": &c.MinPassSeconds, "warmup_seconds": &c.WarmupSeconds, "settle_seconds": &c.SettleSeconds}
	d.fields(root, "", "a map with keys "+quoteList(configKeys), configKeys, func(key string, v *yaml.Node) {
		c.locs[key] = d.site(v, key)
		if p, ok := ints[key]; ok {
			*p, _ = d.keepInt(v, key, *p)
			return
		}
		if p, ok := floats[key]; ok {
			*p = d.keepFloat(v, key, *p)
			return
		}
		switch key {
		case "datasets":
			c.Datasets = d.datasets(v, key, c.locs)
		case "filter":
			c.Filters = d.filters(v, key, c.locs)
		case "mode":
			if s, ok := d.stringValue(v, key, "one of "+quoteList(modes)); ok {
				c.Mode = s
			}
		case "output":
			if s, ok := d.stringValue(v, key, "a directory name"); ok {
				c.Output = s
			}
		case "cache":
			r := resolve(v)
			if r.Kind == yaml.ScalarNode && r.Tag == "!!null" {
				c.Cache = ""
			} else if s, ok := d.stringValue(v, key, "a directory name (or \"\" to disable caching)"); ok {
				c.Cache = s
			}
		case "algorithms":
			c.Algorithms = d.algorithms(v, key)
		}
	})
}

// keepFloat decodes a number (integer or decimal), returning old when the
// value is invalid.
func (d *decoder) keepFloat(n *yaml.Node, path string, old float64) float64 {
	if x, ok := d.numberValue(n, path); ok {
		return x
	}
	return old
}

// keepInt decodes an integer, returning old when the value is invalid.
func (d *decoder) keepInt(n *yaml.Node, path string, old int) (int, bool) {
	if x, ok := d.intValue(n, path); ok {
		return x, true
	}
	return old, false
}

// algorithms decodes the algorithm list; a bare name is an entry with
// defaults, and a single name or entry is a one-element list.
func (d *decoder) algorithms(n *yaml.Node, path string) []AlgorithmConfig {
	items, ok := d.listItems(n, path, "want a list of algorithms such as [{name: hnsw, index: [{M: 16}], query: {ef: [10, 40]}}]")
	if !ok {
		return nil
	}
	out := make([]AlgorithmConfig, 0, len(items))
	for i, it := range items {
		d.entries[resolve(it)] = len(out)
		out = append(out, d.algorithm(it, fmt.Sprintf("%s[%d]", path, i)))
	}
	return out
}

// listItems returns the items of a list node, a single map or scalar
// being a one-element list; anything else (null included) is a problem
// saying want, and ok is false.
func (d *decoder) listItems(n *yaml.Node, path, want string) (items []*yaml.Node, ok bool) {
	r := resolve(n)
	switch {
	case r.Kind == yaml.SequenceNode:
		return r.Content, true
	case r.Kind == yaml.MappingNode, r.Kind == yaml.ScalarNode && r.Tag != "!!null":
		return []*yaml.Node{n}, true
	}
	d.bad(n, path, "%s, got %s", want, describe(r))
	return nil, false
}

// entryName returns the name of an algorithm entry node, if it has a
// plain one.
func entryName(n *yaml.Node) string {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return n.Value
	}
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := resolve(n.Content[i]); k.Kind == yaml.ScalarNode && k.Value == "name" {
			if v := resolve(n.Content[i+1]); v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				return v.Value
			}
		}
	}
	return ""
}

// entryPath is how problems show an algorithm entry: algorithms.NAME when
// it has a usable name, algorithms[i] otherwise.
func entryPath(name, indexed string) string {
	if name == "" || strings.ContainsAny(name, ".[] \t\n") {
		return indexed
	}
	return "algorithms." + name
}

// algorithm decodes one algorithm entry.
func (d *decoder) algorithm(n *yaml.Node, indexed string) AlgorithmConfig {
	a := AlgorithmConfig{locs: map[string]site{}}
	r := resolve(n)
	path := entryPath(entryName(r), indexed)
	a.locs[""] = d.site(n, path)
	if r.Kind == yaml.ScalarNode && r.Tag != "!!null" {
		a.Name = r.Value
		a.locs["name"] = d.site(n, path)
		return a
	}
	d.fields(n, path, "an algorithm entry such as {name: hnsw, index: [{M: 16}], query: {ef: [10, 40]}}", algorithmKeys, func(key string, v *yaml.Node) {
		switch key {
		case "name":
			if s, ok := d.stringValue(v, path+".name", "an algorithm name"); ok {
				a.Name = s
				a.locs["name"] = d.site(v, path+".name")
			}
		case "index":
			a.Index = d.indexSets(v, path+".index", a.locs)
		case "query":
			a.Query = d.querySweep(v, path+".query", a.locs)
		case "adapter":
			a.Adapter = d.adapter(v, path+".adapter")
			a.locs["adapter"] = d.site(v, path+".adapter")
		}
	})
	return a
}

// adapter decodes an external adapter: {command: [program, args...],
// timeouts: {build: 2h, ...}}.
func (d *decoder) adapter(n *yaml.Node, path string) *AdapterConfig {
	ac := &AdapterConfig{}
	ok := d.fields(n, path, "an adapter such as {command: [python3, my_adapter.py]}", adapterKeys, func(key string, v *yaml.Node) {
		switch key {
		case "command":
			r := resolve(v)
			if r.Kind != yaml.SequenceNode {
				d.bad(v, path+".command", "want the command line as a list such as [python3, my_adapter.py], got %s", describe(r))
				return
			}
			for i, it := range r.Content {
				if w, ok := d.stringValue(it, fmt.Sprintf("%s.command[%d]", path, i), "a command-line word"); ok {
					ac.Command = append(ac.Command, w)
				}
			}
		case "timeouts":
			d.fields(v, path+".timeouts", "a map of step timeouts such as {build: 2h, search: 30m}", timeoutKeys, func(step string, tv *yaml.Node) {
				s, ok := d.stringValue(tv, path+".timeouts."+step, "a duration such as 90s or 2h")
				if !ok {
					return
				}
				dur, err := time.ParseDuration(s)
				if err != nil || dur <= 0 {
					d.bad(tv, path+".timeouts."+step, "want a positive duration such as 90s or 2h, got %s", describe(tv))
					return
				}
				if ac.Timeouts == nil {
					ac.Timeouts = map[string]time.Duration{}
				}
				ac.Timeouts[step] = dur
			})
		}
	})
	if !ok {
		return nil
	}
	if len(ac.Command) == 0 {
		d.bad(n, path+".command", "want the adapter's command line as a non-empty list such as [python3, my_adapter.py]")
	}
	return ac
}

// paramFile is a decoded configs/algorithms/<algorithm>.yaml or
// configs/specialized/<dataset>_<algorithm>.yaml file.
type paramFile struct {
	// name is the file as shown in problems.
	name  string
	index []map[string]any
	query map[string][]any
	locs  map[string]site
	// bad is set when the file has problems; it is still used so that the
	// problems of one file do not hide those of another.
	bad bool
}

// decodeParamFile strictly decodes a parameter-grid file.
func decodeParamFile(name string, data []byte, ps *problems) *paramFile {
	f := &paramFile{name: name, locs: map[string]site{}}
	before := len(ps.list)
	root, p := parseYAML(name, data)
	if p != nil {
		ps.add(*p)
		f.bad = true
		return f
	}
	if root == nil {
		return f
	}
	d := newDecoder(name, ps)
	d.fields(root, "", "a map with keys index and query", paramFileKeys, func(key string, v *yaml.Node) {
		switch key {
		case "index":
			f.index = d.indexSets(v, "index", f.locs)
		case "query":
			f.query = d.querySweep(v, "query", f.locs)
		}
	})
	f.bad = len(ps.list) > before
	return f
}
