// Package shard splits a run over machines and puts the pieces back
// together. Assign cuts an expanded config.Plan into n shards, each a set
// of whole build groups (one index-parameter set with its query sweep),
// balanced by an estimate of their cost and the same on every machine for
// the same config; FromEnv reads which shard a worker is from a batch
// engine's environment (Kubernetes Indexed Jobs, Slurm job arrays, AWS
// Batch array jobs); a Manifest in each shard's output says what it ran;
// Merge combines shard outputs into one result directory, refusing mixed
// machines, missing or repeated shards and duplicate points.
//
// It imports runner/config (plans), runner/result (result files) and the
// dataset catalogue (sizes for cost estimates), and must not import
// runner, report or cmd: running a shard is runner's job and rendering
// the merged report is report's.
//
// It imports datasets, runner/config and runner/result; never runner (it
// plans and merges, cmd runs the shard), report or cmd.
package shard
