package ivfflat_test

import (
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/algorithms/ivfflat"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Case{
		Algorithm:  ivfflat.Algorithm,
		Index:      algorithms.Params{"nlist": 32},
		SmallIndex: algorithms.Params{"nlist": 4},
		Query:      algorithms.Params{"nprobe": 8},
		MinRecall:  0.9,
	})
}
