package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/annbench/annbench/algorithms"
	"gopkg.in/yaml.v3"
)

// override is one parsed command-line key=value.
type override struct {
	// text is the override as given, for problems.
	text string
	// keys is the dotted key path split into its parts; "a[1]" is read as
	// "a.1".
	keys []string
	// value is the parsed YAML value.
	value *yaml.Node
}

// parseOverride splits text at the first '=' and parses the value as YAML.
func parseOverride(text string) (override, error) {
	o := override{text: text}
	eq := strings.IndexByte(text, '=')
	if eq < 0 {
		return o, fmt.Errorf("want key=value, e.g. trials=3 or algorithms.hnsw.query.ef=[10,40]")
	}
	key := strings.TrimSpace(text[:eq])
	if key == "" {
		return o, fmt.Errorf("missing key before '='")
	}
	key = strings.NewReplacer("[", ".", "]", "").Replace(key)
	o.keys = strings.Split(key, ".")
	for _, k := range o.keys {
		if strings.TrimSpace(k) == "" || k != strings.TrimSpace(k) {
			return o, fmt.Errorf("malformed key %q; want names separated by dots, e.g. algorithms.hnsw.query.ef", text[:eq])
		}
	}
	raw := text[eq+1:]
	if strings.TrimSpace(raw) == "" {
		o.value = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ""}
		return o, nil
	}
	root, p := parseYAML("", []byte(raw))
	if p != nil {
		return o, fmt.Errorf("value is not valid YAML: %s", strings.TrimPrefix(p.Msg, "invalid YAML: "))
	}
	if root == nil {
		root = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	o.value = root
	return o, nil
}

// patch is an override of one index or query parameter of one algorithm
// (algorithms.NAME.index.P=V, algorithms.NAME.query.P=[...]). It applies on
// top of whatever the entry, the specialization or the defaults give, so
// it is kept aside and attached after decoding.
type patch struct {
	// entry is the algorithm entry node the override addressed.
	entry *yaml.Node
	stage algorithms.Stage
	param string
	value *yaml.Node
	text  string
}

// applyOverrides edits the config tree root in place, in command-line
// order, and returns the single-parameter patches. Malformed overrides
// become problems.
func (d *decoder) applyOverrides(root *yaml.Node, overrides []string) []patch {
	var patches []patch
	for _, text := range overrides {
		o, err := parseOverride(text)
		if err != nil {
			d.ps.add(Problem{Override: text, InOverride: true, Msg: err.Error()})
			continue
		}
		d.mark(o.value, text)
		p, err := d.apply(root, o)
		if err != nil {
			d.ps.add(Problem{Override: text, InOverride: true, Path: strings.Join(o.keys, "."), Msg: err.Error()})
			continue
		}
		if p != nil {
			patches = append(patches, *p)
		}
	}
	return patches
}

// mark records that n and everything under it came from override text.
func (d *decoder) mark(n *yaml.Node, text string) {
	if n == nil {
		return
	}
	if _, done := d.origin[n]; done {
		return
	}
	d.origin[n] = text
	for _, c := range n.Content {
		d.mark(c, text)
	}
}

// newNode returns a node that came from override text.
func (d *decoder) newNode(text string, kind yaml.Kind, tag, value string) *yaml.Node {
	n := &yaml.Node{Kind: kind, Tag: tag, Value: value}
	d.origin[n] = text
	return n
}

// apply sets o.value at o.keys under root, creating maps and algorithm
// entries on the way, or returns a patch for a single algorithm parameter.
// It walks the keys one step at a time: a step into a map (setInMap) or
// into a list (setInList), shown being the keys walked so far, until the last key sets the value or an
// algorithm entry's index.P / query.P turns the rest into a patch.
func (d *decoder) apply(root *yaml.Node, o override) (*patch, error) {
	cur := resolve(root)
	if cur.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the config is not a map of keys, so keys cannot be set")
	}
	shown := ""
	inAlgorithms, isEntry := false, false
	for i, key := range o.keys {
		last := i == len(o.keys)-1
		if isEntry && (key == "index" || key == "query") && !last && !isNumber(o.keys[i+1]) {
			return paramPatch(cur, o, i, shown)
		}
		nextIsList := i == 0 && key == "algorithms"
		var next *yaml.Node
		var err error
		switch cur.Kind {
		case yaml.MappingNode:
			next = d.setInMap(cur, key, last, nextIsList, o)
		case yaml.SequenceNode:
			next, err = d.setInList(cur, key, shown, last, inAlgorithms, o)
		default:
			return nil, fmt.Errorf("%s is %s, not a map or a list, so it has no key %q", shown, describe(cur), key)
		}
		if err != nil || next == nil {
			return nil, err
		}
		isEntry = inAlgorithms
		inAlgorithms = nextIsList
		shown = join(shown, key)
		cur = next
	}
	return nil, nil
}

// paramPatch turns the override of one parameter of the algorithm entry
// cur, whose keys from i on are index.P or query.P, into a patch.
func paramPatch(cur *yaml.Node, o override, i int, shown string) (*patch, error) {
	key := o.keys[i]
	if i+2 != len(o.keys) {
		example := "algorithms.hnsw.query.ef"
		if key == "index" {
			example = "algorithms.hnsw.index.M"
		}
		return nil, fmt.Errorf("too many keys after %s.%s; want one parameter name, e.g. %s", shown, key, example)
	}
	stage := algorithms.IndexTime
	if key == "query" {
		stage = algorithms.QueryTime
	}
	return &patch{entry: cur, stage: stage, param: o.keys[i+1], value: o.value, text: o.text}, nil
}

// setInMap steps from map cur into key: when last it sets the override's
// value there and returns nil, otherwise it returns the node under key,
// creating a map (or, for the algorithms key, a list) when there is none.
func (d *decoder) setInMap(cur *yaml.Node, key string, last, nextIsList bool, o override) *yaml.Node {
	vi := -1
	for j := 0; j+1 < len(cur.Content); j += 2 {
		if k := resolve(cur.Content[j]); k.Kind == yaml.ScalarNode && k.Value == key {
			vi = j + 1
		}
	}
	if last {
		if vi >= 0 {
			cur.Content[vi] = o.value
		} else {
			cur.Content = append(cur.Content, d.newNode(o.text, yaml.ScalarNode, "!!str", key), o.value)
		}
		return nil
	}
	if vi >= 0 && !isNull(cur.Content[vi]) {
		next := resolve(cur.Content[vi])
		if nextIsList && next.Kind != yaml.SequenceNode {
			// algorithms: flat, or a single entry map, is a one-element
			// list; make it one so items can be addressed.
			seq := d.newNode(o.text, yaml.SequenceNode, "!!seq", "")
			seq.Content = []*yaml.Node{cur.Content[vi]}
			cur.Content[vi] = seq
			next = seq
		}
		return next
	}
	kind, tag := yaml.MappingNode, "!!map"
	if nextIsList {
		kind, tag = yaml.SequenceNode, "!!seq"
	}
	next := d.newNode(o.text, kind, tag, "")
	if vi >= 0 {
		cur.Content[vi] = next
	} else {
		cur.Content = append(cur.Content, d.newNode(o.text, yaml.ScalarNode, "!!str", key), next)
	}
	return next
}

// setInList steps from list cur into the item key names (see item): when
// last it sets the override's value there (or, for algorithms.NAME=null,
// drops that entry) and returns nil, otherwise it returns the item.
func (d *decoder) setInList(cur *yaml.Node, key, shown string, last, inAlgorithms bool, o override) (*yaml.Node, error) {
	if last && inAlgorithms && !isNumber(key) && isNull(o.value) {
		return nil, dropEntry(cur, key)
	}
	j, err := d.item(cur, key, inAlgorithms, o.text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	if !last {
		return resolve(cur.Content[j]), nil
	}
	if inAlgorithms && !isNumber(key) {
		if err := d.nameEntry(o.value, key, o.text); err != nil {
			return nil, err
		}
	}
	cur.Content[j] = o.value
	return nil, nil
}

// dropEntry removes the algorithm entry called name from the list
// (algorithms.NAME=null drops that algorithm from the run).
func dropEntry(list *yaml.Node, name string) error {
	for j, it := range list.Content {
		if entryName(it) == name {
			list.Content = append(list.Content[:j:j], list.Content[j+1:]...)
			return nil
		}
	}
	return fmt.Errorf("the config lists no algorithm %q to remove", name)
}

// nameEntry checks that value, set as algorithms.NAME=value, is an entry
// map, and gives it name NAME when it has none.
func (d *decoder) nameEntry(value *yaml.Node, name, text string) error {
	v := resolve(value)
	if v.Kind != yaml.MappingNode {
		return fmt.Errorf("want an algorithm entry such as {index: [...], query: {...}}, got %s", describe(v))
	}
	if got := entryName(v); got == "" {
		v.Content = append([]*yaml.Node{d.newNode(text, yaml.ScalarNode, "!!str", "name"), d.newNode(text, yaml.ScalarNode, "!!str", name)}, v.Content...)
	} else if got != name {
		return fmt.Errorf("entry addressed as %q has name %q", name, got)
	}
	return nil
}

// item finds the list item key addresses in seq: a position, or the entry
// with that name. In the algorithms list an unknown name appends an entry
// for it, and a bare name item is turned into a map so that keys can be
// set in it.
func (d *decoder) item(seq *yaml.Node, key string, inAlgorithms bool, text string) (int, error) {
	if isNumber(key) {
		j, err := strconv.Atoi(key)
		if err != nil || j < 0 || j >= len(seq.Content) {
			return 0, fmt.Errorf("no item %s (the list has %d)", key, len(seq.Content))
		}
		return j, nil
	}
	for j, it := range seq.Content {
		name := entryName(it)
		if name == key {
			if r := resolve(it); r.Kind == yaml.ScalarNode {
				seq.Content[j] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: r.Line, Column: r.Column,
					Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "name", Line: r.Line}, r}}
				if o, ok := d.origin[r]; ok {
					d.origin[seq.Content[j]] = o
				}
			}
			return j, nil
		}
	}
	if !inAlgorithms {
		return 0, fmt.Errorf("no item named %q; address items of this list by position (0 to %d)", key, len(seq.Content)-1)
	}
	entry := d.newNode(text, yaml.MappingNode, "!!map", "")
	entry.Content = []*yaml.Node{d.newNode(text, yaml.ScalarNode, "!!str", "name"), d.newNode(text, yaml.ScalarNode, "!!str", key)}
	seq.Content = append(seq.Content, entry)
	return len(seq.Content) - 1, nil
}

// isNumber reports whether key is a list position.
func isNumber(key string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isNull reports whether n is an empty value.
func isNull(n *yaml.Node) bool {
	r := resolve(n)
	return r.Kind == yaml.ScalarNode && r.Tag == "!!null"
}

// applyPatches decodes single-parameter overrides into the algorithm
// entries they address.
func (d *decoder) applyPatches(c *Config, patches []patch) {
	for _, p := range patches {
		idx, ok := d.entries[resolve(p.entry)]
		if !ok || idx >= len(c.Algorithms) {
			// A later override replaced the entry; it no longer applies.
			continue
		}
		a := &c.Algorithms[idx]
		s := site{override: p.text, inOverride: true, path: fmt.Sprintf("%s.%s.%s", entryPath(a.Name, fmt.Sprintf("algorithms[%d]", idx)), p.stage, p.param)}
		if a.patchLocs == nil {
			a.patchLocs = map[string]site{}
		}
		switch p.stage {
		case algorithms.IndexTime:
			if v, ok := d.paramValue(p.value, s.path); ok {
				if a.indexPatch == nil {
					a.indexPatch = map[string]any{}
				}
				a.indexPatch[p.param] = v
				a.patchLocs["index."+p.param] = s
			}
		case algorithms.QueryTime:
			locs := map[string]site{}
			if vals, ok := d.valueList(p.value, s.path, "query."+p.param, locs); ok {
				if a.queryPatch == nil {
					a.queryPatch = map[string][]any{}
				}
				a.queryPatch[p.param] = vals
				for k, v := range locs {
					a.patchLocs[k] = v
				}
			}
		}
	}
}
