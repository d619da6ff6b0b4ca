// Package ab compares two builds of annbench the way a benchmark should be
// compared: on one machine, with the same config, alternating between the
// builds (base, new, base, new, …) for several rounds so that a slow or a
// fast stretch of the machine falls on both sides alike, then merging each
// side's timed passes into one result set per side for report.Compare.
//
// A side is an annbench binary or a source checkout, which Prepare builds
// with `go build ./cmd/annbench`. The rounds run the binaries as child
// processes (`annbench run --no-plots CONFIG overrides… output=… cache=…`),
// each side with its own index cache, so both sides build their indexes in
// the first round and load them in the later ones.
//
// The package owns orchestration and merging; it imports runner and
// runner/result and never report (cmd/annbench loads, compares and
// renders).
//
// It imports only runner/result and runner/stats: the builds it compares
// run as child processes, so it never imports runner itself; report and cmd
// use it, never the reverse.
package ab
