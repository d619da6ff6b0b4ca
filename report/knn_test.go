package report

import (
	"math"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

// TestChartPointKNN: the chart carries a point's kNN accuracy when the
// result has a finite one, and nothing otherwise.
func TestChartPointKNN(t *testing.T) {
	acc, nan := 0.8, math.NaN()
	for _, tc := range []struct {
		in   *float64
		want *float64
	}{{&acc, &acc}, {nil, nil}, {&nan, nil}} {
		got := newChartPoint(&result.Point{KNNAccuracy: tc.in}).KNN
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("knn_accuracy %v: chart %v, want %v", tc.in, got, tc.want)
		}
	}
}
