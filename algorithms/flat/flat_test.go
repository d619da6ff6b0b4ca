package flat_test

import (
	"testing"

	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/algorithms/flat"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Case{Algorithm: flat.Algorithm, MinRecall: 1})
}
