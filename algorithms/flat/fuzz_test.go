package flat_test

import (
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/algorithms/internal/loadfuzz"
)

// FuzzLoad feeds arbitrary bytes to Load: it must return an error or an
// index that searches without panicking, never panic itself.
func FuzzLoad(f *testing.F) {
	loadfuzz.Run(f, flat.Algorithm, algorithms.Params{})
}
