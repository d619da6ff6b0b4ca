package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/annbench/annbench/configs"
)

// Defaults applied before a config file is read; a key present in the file
// or an override replaces them.
const (
	DefaultK       = 10
	DefaultTrials  = 5
	DefaultMode    = ModeSingle
	DefaultThreads = 1
	DefaultOutput  = "results"
	DefaultCache   = "interim"
)

// The timing protocol's defaults (see Config.MinPassSeconds,
// WarmupSeconds and SettleSeconds).
const (
	DefaultMinPassSeconds = 0.2
	DefaultWarmupSeconds  = 0.2
	DefaultSettleSeconds  = 0.005
)

// The search modes, the valid values of Config.Mode.
const (
	// ModeSingle runs one query at a time on one thread.
	ModeSingle = "single"
	// ModeBatch passes all queries in one call.
	ModeBatch = "batch"
	// ModeParallel spreads queries over Config.Threads goroutines.
	ModeParallel = "parallel"
)

// modes lists the valid values of Config.Mode in the order messages show
// them.
var modes = []string{ModeSingle, ModeBatch, ModeParallel}

// embeddedQuickstart is how problems name the embedded default config.
const embeddedQuickstart = "configs/quickstart.yaml (embedded)"

// defaultsFS holds the embedded configs; tests may replace it.
var defaultsFS fs.FS = configs.FS

// Load reads the YAML config at path ("" means the embedded
// configs/quickstart.yaml), applies the defaults and then the key=value
// overrides, and validates the result as a whole, including every dataset
// name, algorithm name and parameter, and the per-algorithm default and
// per-dataset specialization files the config relies on. Every problem
// found is reported at once in a *Error.
//
// Overrides use dotted key paths and YAML values: trials=3,
// datasets=[siftsmall,fashion-mnist], algorithms.hnsw.query.ef=[10,40],
// algorithms.hnsw.index=[{M: 16}], algorithms.hnsw.index.M=32 (M in every
// index set). Entries of the algorithms list are addressed by name (or by
// position, algorithms.0); naming an algorithm the config does not list
// appends an entry for it. algorithms.NAME.index.P=V and
// algorithms.NAME.query.P=[...] change one parameter on top of whatever
// the file or the defaults give for that algorithm; algorithms.NAME=null
// drops an algorithm from the run. A value that is empty after '=' is the
// empty string (cache= turns caching off). In single mode Threads is set
// to 1. The returned Config lists datasets by their catalogue spelling.
func Load(path string, overrides []string) (*Config, error) {
	if path == "" {
		data, err := fs.ReadFile(defaultsFS, configs.Quickstart)
		if err != nil {
			return nil, fmt.Errorf("read embedded quickstart config: %w", err)
		}
		return load(embeddedQuickstart, "", data, "", overrides)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		msg := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		return nil, &Error{Problems: []Problem{{File: path, Msg: "cannot read config: " + msg}}}
	}
	return load(path, path, data, filepath.Dir(path), overrides)
}

// load is Load on data already read: file names the data in
// problems, source and dir fill Config.Source and Config.ConfigDir.
func load(file, source string, data []byte, dir string, overrides []string) (*Config, error) {
	ps := &problems{overrides: map[string]int{}}
	for i, o := range overrides {
		if _, seen := ps.overrides[o]; !seen {
			ps.overrides[o] = i
		}
	}
	c := &Config{
		K:              DefaultK,
		Trials:         DefaultTrials,
		MinPassSeconds: DefaultMinPassSeconds,
		WarmupSeconds:  DefaultWarmupSeconds,
		SettleSeconds:  DefaultSettleSeconds,
		Mode:           DefaultMode,
		Threads:        DefaultThreads,
		Output:         DefaultOutput,
		Cache:          DefaultCache,
		Source:         source,
		ConfigDir:      dir,
		file:           file,
		locs:           map[string]site{},
	}
	root, p := parseYAML(file, data)
	if p != nil {
		ps.add(*p)
		return nil, ps.err(file)
	}
	if root == nil {
		root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	d := newDecoder(file, ps)
	d.dir = dir
	patches := d.applyOverrides(root, overrides)
	d.config(root, c)
	if resolve(root).Kind != yaml.MappingNode {
		// Nothing was decoded; checking the empty result would only add
		// noise to the one problem that matters.
		return nil, ps.err(file)
	}
	d.applyPatches(c, patches)
	if c.Mode == ModeSingle {
		c.Threads = 1
	}
	_, planProblems := c.expand()
	ps.addAll(planProblems.list)
	if err := ps.err(file); err != nil {
		return nil, err
	}
	// Use the catalogue's spelling, e.g. synthetic-20k-64 for
	// synthetic-l2-20000-64.
	for i, spec := range c.Datasets {
		if spec.Own() {
			continue
		}
		if e, err := lookupDataset(spec.Name); err == nil {
			c.Datasets[i].Name = e.Name
		}
	}
	return c, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML parses one YAML document and returns its top node, nil for an
// empty document, or a problem naming the line of a syntax error. A second
// document (after a '---' line) is a problem: a config is one document.
func parseYAML(file string, data []byte) (root *yaml.Node, prob *Problem) {
	defer func() {
		if r := recover(); r != nil {
			root, prob = nil, &Problem{File: file, Msg: fmt.Sprintf("invalid YAML: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxProblem(file, data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, &Problem{File: file, Line: next.Line, Msg: "a second YAML document starts here; a config file holds one document (remove this '---' line and what follows, or merge the two)"}
	case !errors.Is(err, io.EOF):
		return nil, syntaxProblem(file, data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	n := doc.Content[0]
	if r := resolve(n); r.Kind == yaml.ScalarNode && r.Tag == "!!null" {
		return nil, nil
	}
	return n, nil
}

// syntaxProblem turns a YAML syntax error into a problem at the line where
// the error is. The YAML library reports the 0-based line where the
// enclosing block or flow collection starts for most parser errors, one
// line or more before the mistake, so the line is found as the shortest
// prefix of the file (in whole lines) that fails with the same message.
func syntaxProblem(file string, data []byte, err error) *Problem {
	msg := err.Error()
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return &Problem{File: file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	if l := failingLine(data, m[2]); l > 0 {
		line = l
	}
	return &Problem{File: file, Line: line, Msg: "invalid YAML: " + m[2]}
}

// maxLineSearch bounds the size of a file whose failing line is searched
// for by reparsing its prefixes.
const maxLineSearch = 64 << 10

// failingLine returns the 1-based number of the first line at which a
// prefix of data fails to parse with message msg, or 0.
func failingLine(data []byte, msg string) int {
	if len(data) > maxLineSearch {
		return 0
	}
	end := 0
	for line := 1; end < len(data); line++ {
		nl := bytes.IndexByte(data[end:], '\n')
		if nl < 0 {
			end = len(data)
		} else {
			end += nl + 1
		}
		if prefixFails(data[:end], msg) {
			return line
		}
	}
	return 0
}

// prefixFails reports whether parsing data (every document) fails with
// message msg.
func prefixFails(data []byte, msg string) (fails bool) {
	defer func() {
		if recover() != nil {
			fails = false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == nil {
			continue
		}
		m := yamlLine.FindStringSubmatch(err.Error())
		return m != nil && m[2] == msg
	}
}
