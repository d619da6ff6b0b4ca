package ivfpq_test

import (
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/internal/loadfuzz"
	"github.com/annbench/annbench/algorithms/ivfpq"
)

// FuzzLoad feeds arbitrary bytes to Load: it must return an error or an
// index that searches without panicking, never panic itself.
func FuzzLoad(f *testing.F) {
	loadfuzz.Run(f, ivfpq.Algorithm, algorithms.Params{"nlist": 4, "M": 4})
}
