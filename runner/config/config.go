package config

import (
	"time"

	"github.com/annbench/annbench/algorithms"
)

// Config is a run configuration as read from YAML and overrides. See
// configs/quickstart.yaml for an annotated example.
type Config struct {
	// Datasets lists the datasets, catalogue names or datasets defined by
	// their files; each is run with each algorithm.
	Datasets []DatasetSpec `yaml:"datasets"`
	// K is the number of neighbours requested and scored (default 10).
	K int `yaml:"k"`
	// Trials is the number of timed passes per query setting (default 5).
	Trials int `yaml:"trials"`
	// MinPassSeconds is the shortest a timed pass may be: the query set
	// is repeated within a pass until it lasts this long (default 0.2).
	MinPassSeconds float64 `yaml:"min_pass_seconds"`
	// WarmupSeconds is how long each query setting is searched untimed
	// before its first timed pass, at least one full pass (default 0.2).
	WarmupSeconds float64 `yaml:"warmup_seconds"`
	// SettleSeconds is the pause after the garbage collection that
	// precedes every timed pass (default 0.005).
	SettleSeconds float64 `yaml:"settle_seconds"`
	// Mode is single (one query at a time, one thread), batch (all queries
	// in one call) or parallel (queries spread over Threads goroutines).
	Mode string `yaml:"mode"`
	// Threads is the number of search goroutines for batch and parallel.
	Threads int `yaml:"threads"`
	// Queries limits the number of queries used (0 = all).
	Queries int `yaml:"queries"`
	// Filters lists the filter workloads each query setting is measured
	// under (issue 16); empty means one unfiltered workload.
	Filters []FilterSpec `yaml:"filter"`
	// Algorithms lists the algorithms to run with their parameter grids.
	Algorithms []AlgorithmConfig `yaml:"algorithms"`
	// Output is the directory result files and plots are written to.
	Output string `yaml:"output"`
	// Cache is the directory built indexes are cached in ("" disables).
	Cache string `yaml:"cache"`

	// Source is the config file path ("" for the embedded quickstart).
	Source string `yaml:"-"`
	// ConfigDir is where configs/algorithms and configs/specialized are
	// looked up before the embedded copies.
	ConfigDir string `yaml:"-"`

	// file names the config in problems; locs holds where each top-level
	// key and dataset item was set. Both are empty for a Config built in
	// code.
	file string
	locs map[string]site
}

// AlgorithmConfig is one entry of Config.Algorithms.
type AlgorithmConfig struct {
	// Name is the registry name.
	Name string `yaml:"name"`
	// Index lists index-parameter sets; each is built once. Empty means
	// the per-dataset specialization or the per-algorithm defaults.
	Index []map[string]any `yaml:"index"`
	// Query maps each query parameter to the values to sweep; the sweep is
	// the cartesian product. Empty means specialization or defaults.
	Query map[string][]any `yaml:"query"`
	// Adapter, when set, makes the entry a user's external adapter named
	// Name: a program speaking annbench's adapter protocol (see
	// algorithms/external/PROTOCOL.md) that declares its own parameters.
	Adapter *AdapterConfig `yaml:"adapter"`

	// indexPatch and queryPatch hold single-parameter overrides
	// (algorithms.NAME.index.P=V, algorithms.NAME.query.P=[...]) applied
	// on top of the resolved index sets and query sweep.
	indexPatch map[string]any
	queryPatch map[string][]any
	// locs holds where each value was set, keyed "name", "index[i].P",
	// "query.P", "query.P[j]" ("" is the entry itself); patchLocs the
	// same for the patches ("index.P", "query.P", "query.P[j]").
	locs, patchLocs map[string]site
}

// AdapterConfig starts a user's adapter.
type AdapterConfig struct {
	// Command is the program and its arguments, run in the working
	// directory of annbench; the program is looked up in PATH.
	Command []string `yaml:"command"`
	// Timeouts overrides the per-step timeouts (keys hello, build,
	// set_query, search, close).
	Timeouts map[string]time.Duration `yaml:"timeouts"`
}

// Job is one dataset × algorithm × index-parameter set with its query
// sweep, the unit that produces one result file.
type Job struct {
	// Dataset is the catalogue name.
	Dataset string
	// Algorithm is the registry entry.
	Algorithm algorithms.Algorithm
	// Index holds the normalized index-time parameters.
	Index algorithms.Params
	// Queries holds the normalized query-time parameter sets, in sweep
	// order.
	Queries []algorithms.Params
}

// Plan is an expanded configuration: every job of the run.
type Plan struct {
	// Config is the configuration the plan was expanded from.
	Config *Config
	// Jobs lists the jobs in run order (dataset-major).
	Jobs []Job
}
