// Package report turns result files into the things people read and CI
// gates on: recall-against-QPS plots with each algorithm's Pareto
// frontier, tables of the best QPS at fixed recall targets (summary.md),
// one self-contained report.html, comparisons of two result sets, and
// exports to CSV and the Go benchmark format.
//
// The package sits at the end of the pipeline: it reads runner.Result
// values (from Load or directly from the runner) and never imports the
// packages that produce them.
package report
