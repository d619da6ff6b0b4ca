// Package config is the configuration compiler of a benchmark run: it
// reads a YAML config file (or the embedded configs/quickstart.yaml),
// applies command-line key=value overrides to its YAML tree, decodes it
// strictly (unknown keys, wrong types and bad values are problems located
// by file:line or by override, with did-you-mean suggestions, all reported
// at once in an *Error), and expands it into a Plan: every dataset ×
// algorithm × index-parameter set with its query sweep, parameters
// resolved from the entry, configs/specialized, configs/algorithms or the
// algorithm's defaults and normalized against its parameter spec.
//
// The pipeline reads load.go (file, defaults) → override.go (tree edits)
// → decode.go (strict decoding) → plan.go (validation, expansion) →
// resolve.go (parameter sources and sweeps); problem.go and suggest.go
// hold the reporting.
//
// It owns what a run is, not how it is run: it imports the algorithm
// registry and the dataset catalogue to check names and parameters, and
// must not import runner, report, cmd or anything that measures, opens
// data files or writes results.
//
// It imports algorithms, algorithms/registry, algorithms/external (adapter
// entries), configs, datasets and datasets/fetch (SHA256File); never
// runner, report or cmd.
package config
