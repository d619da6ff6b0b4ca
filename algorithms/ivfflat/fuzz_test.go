package ivfflat_test

import (
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/internal/loadfuzz"
	"github.com/annbench/annbench/algorithms/ivfflat"
)

// FuzzLoad feeds arbitrary bytes to Load: it must return an error or an
// index that searches without panicking, never panic itself.
func FuzzLoad(f *testing.F) {
	loadfuzz.Run(f, ivfflat.Algorithm, algorithms.Params{"nlist": 4})
}
