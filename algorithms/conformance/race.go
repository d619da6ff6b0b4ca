//go:build race

package conformance

// raceEnabled is true in -race builds, where sync.Pool drops items on
// purpose, so pooled scratch space is reallocated and allocation counts
// mean nothing.
const raceEnabled = true
