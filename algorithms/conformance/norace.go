//go:build !race

package conformance

// raceEnabled is true in -race builds; see race.go.
const raceEnabled = false
