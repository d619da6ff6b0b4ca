// Package external runs approximate nearest neighbour libraries that live
// outside Go (faiss, hnswlib, usearch, or a user's own) as annbench
// algorithms, through a process protocol: the harness starts an adapter as
// a child process and speaks newline-delimited JSON with it over stdin and
// stdout, while vectors and results travel through files. The adapter times
// its own passes; the harness scores them like any other index. The
// protocol is specified in PROTOCOL.md next to this file.
//
// The adapters annbench ships (Python for faiss and hnswlib, Node for
// usearch) are embedded in the binary and written to the cache directory on
// first use.
//
// It imports algorithms, algorithms/procstat and datasets (to write the
// vector files adapters read); never another index package, runner, report
// or cmd.
package external
