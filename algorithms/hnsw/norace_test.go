//go:build !race

package hnsw

// raceEnabled reports a -race build (see race_test.go).
const raceEnabled = false
