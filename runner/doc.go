// Package runner measures a plan: for each job of a config.Plan it opens
// the dataset, loads the index from the index cache or builds (and
// caches) it, times passes over the queries in single, batch or parallel
// mode by the measurement protocol (timing.go, measure.go: warm-up,
// passes repeated to a minimum length, the settings of all indexes of a
// dataset interleaved round-robin: interleave.go), scores recall against
// the ground truth and writes each result file as soon as its passes are
// done, so an interrupted run keeps what it finished and a second run
// resumes it.
//
// It owns timing and measurement, the index cache and running; what to
// run (config files, overrides, parameter grids) is runner/config's, and
// runner takes a Plan from it rather than reading YAML. It imports
// algorithms and datasets and must not import report or cmd.
//
// It imports algorithms (not the registry: indexes arrive in the plan),
// algorithms/groundtruth and algorithms/score, datasets (and
// datasets/fetch.SHA256File, which identifies a build), runner/config,
// runner/result and runner/stats; never report or cmd.
package runner
