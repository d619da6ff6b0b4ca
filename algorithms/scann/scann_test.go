package scann_test

import (
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/algorithms/scann"
)

func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name         string
		index, small algorithms.Params
	}{
		{"4bit", algorithms.Params{"num_leaves": 20}, algorithms.Params{"num_leaves": 4}},
		{"8bit", algorithms.Params{"num_leaves": 20, "nbits": 8, "dims_per_block": 4}, algorithms.Params{"num_leaves": 4, "nbits": 8, "dims_per_block": 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conformance.Run(t, conformance.Case{
				Algorithm:  scann.Algorithm,
				Index:      tc.index,
				SmallIndex: tc.small,
				Query:      algorithms.Params{"leaves_to_search": 8, "reorder": 50},
				MinRecall:  0.9,
			})
		})
	}
}
