// Package report turns result files into the things people read and CI
// gates on: recall-against-QPS plots with each algorithm's Pareto
// frontier, tables of the best QPS at fixed recall targets (summary.md),
// one self-contained report.html, comparisons of two result sets, and
// exports to CSV and the Go benchmark format.
//
// The package sits at the end of the pipeline: it reads result.Result
// values (from Load, or directly from the runner) through the schema
// package runner/result, and must never import runner, the algorithms or
// the dataset downloader, so that reporting links no index code.
//
// It imports runner/result, runner/stats, datasets/atomicfile and
// gonum/plot; never runner, runner/config, algorithms or any of its
// packages, or datasets/fetch (cmd/annbench TestPackageLayout checks go
// list -deps).
package report
