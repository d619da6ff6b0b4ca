package config

import (
	"testing"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

func TestDatasetSpecFileSpec(t *testing.T) {
	s := DatasetSpec{Name: "mine", Base: "b.npy", Queries: "q.npy", Holdout: 7, Seed: 3, Metric: vector.IP,
		Labels: "l.npy", QueriesLabels: "ql.npy", Attributes: "a.npy", GroundTruth: "gt.ivecs"}
	want := datasets.FileSpec{Name: "mine", Base: "b.npy", Queries: "q.npy", Holdout: 7, Seed: 3, Metric: vector.IP,
		Labels: "l.npy", QueryLabels: "ql.npy", Attributes: "a.npy", GroundTruth: "gt.ivecs"}
	if got := s.FileSpec(); got != want {
		t.Errorf("FileSpec() = %+v, want %+v", got, want)
	}
}
