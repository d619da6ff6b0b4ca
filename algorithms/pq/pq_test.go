package pq_test

import (
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/algorithms/pq"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Case{
		Algorithm: pq.Algorithm,
		Index:     algorithms.Params{"M": 8},
		Query:     algorithms.Params{"rerank": 100},
		MinRecall: 0.9,
	})
}
