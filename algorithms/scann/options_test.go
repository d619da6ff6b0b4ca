package scann

import (
	"context"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/vector"
)

func TestNewRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		metric vector.Metric
		dim    int
		opt    Options
		want   string
	}{
		{"metric", "hamming", 8, Options{}, "unknown metric"},
		{"dimension", vector.L2, 0, Options{}, "dimension must be positive"},
		{"nbits", vector.L2, 8, Options{NBits: 5}, "nbits must be 4 or 8"},
		{"threshold", vector.IP, 8, Options{Threshold: 1}, "anisotropic_threshold must be below 1"},
		{"leaves", vector.L2, 8, Options{NumLeaves: -3}, "num_leaves must be at least 1"},
		{"sample", vector.L2, 8, Options{TrainingSampleSize: -1}, "training_sample_size"},
		{"blocks", vector.L2, 10000, Options{DimsPerBlock: 1}, "exceed the 4-bit fast scan's limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.metric, tc.dim, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestThresholdDefaults(t *testing.T) {
	for _, tc := range []struct {
		metric vector.Metric
		in     float64
		want   float64
	}{
		{vector.L2, MetricDefaultThreshold, 0},
		{vector.IP, MetricDefaultThreshold, DefaultIPThreshold},
		{vector.Angular, MetricDefaultThreshold, DefaultIPThreshold},
		{vector.Angular, 0, 0},
		{vector.L2, 0.3, 0.3},
	} {
		x, err := New(tc.metric, 4, Options{Threshold: tc.in})
		if err != nil {
			t.Fatal(err)
		}
		if got := x.Threshold(); got != tc.want {
			t.Errorf("%s with T=%g: effective threshold %g, want %g", tc.metric, tc.in, got, tc.want)
		}
	}
}

func TestSetQueryAndTrainingData(t *testing.T) {
	x, err := New(vector.L2, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.SetQuery(algorithms.Params{"nprobe": 3}); err == nil || !strings.Contains(err.Error(), "unknown query parameter") {
		t.Errorf("SetQuery(nprobe): %v, want unknown query parameter", err)
	}
	if err := x.SetQuery(algorithms.Params{"leaves_to_search": 0}); err == nil {
		t.Errorf("SetQuery(leaves_to_search=0) returned no error")
	}
	x.SetTrainingData(vector.NewMatrix(10, 5))
	if err := x.Build(context.Background(), vector.NewMatrix(10, 4)); err == nil || !strings.Contains(err.Error(), "training data dimension 5") {
		t.Errorf("Build with 5-dimensional training data: %v", err)
	}
}
