//go:build race

package hnsw

// raceEnabled reports a -race build, where sync.Pool drops a share of the
// items put back on purpose, so pooled scratch is reallocated at random.
const raceEnabled = true
