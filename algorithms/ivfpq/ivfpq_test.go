package ivfpq_test

import (
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/algorithms/ivfpq"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Case{
		Algorithm:  ivfpq.Algorithm,
		Index:      algorithms.Params{"nlist": 32, "M": 8},
		SmallIndex: algorithms.Params{"nlist": 4, "M": 8},
		Query:      algorithms.Params{"nprobe": 8, "rerank": 100},
		MinRecall:  0.9,
	})
}
