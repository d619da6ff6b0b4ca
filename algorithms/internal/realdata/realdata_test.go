package realdata

import (
	"testing"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

func TestRecall10(t *testing.T) {
	gt := make([]int32, 0, 20)
	for i := range int32(20) {
		gt = append(gt, i)
	}
	// Base vector i at x = i; the queries' true 10 are 0..9 and 10..19,
	// all at distinct distances, so ties play no part.
	base := vector.NewMatrix(100, 1)
	for i := range base.Data {
		base.Data[i] = float32(i)
	}
	d := &datasets.Dataset{Name: "line", Metric: vector.L2, Base: base,
		Query:       vector.Matrix{Data: []float32{-0.5, 14.5}, Rows: 2, Dim: 1, Stride: 1},
		GroundTruth: vector.IDMatrix{Data: gt, Rows: 2, Dim: 10, Stride: 10}}
	tests := []struct {
		name    string
		results [][]int32
		want    float64
	}{
		{"all", [][]int32{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {19, 18, 17, 16, 15, 14, 13, 12, 11, 10}}, 1},
		{"none", [][]int32{{10, 11}, {0, 1, 2}}, 0},
		{"half and a tenth", [][]int32{{0, 1, 2, 3, 4, 99, 98}, {10}}, 0.3},
	}
	for _, tc := range tests {
		if got := Recall10(t, d, tc.results); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("%s: Recall10 = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFields(t *testing.T) {
	tests := []struct {
		fs   []Field
		want string
	}{
		{nil, "{}"},
		{[]Field{{"nlist", 100}}, `{"nlist": 100}`},
		{[]Field{{"nlist", 100}, {"M", 32}}, `{"nlist": 100, "M": 32}`},
	}
	for _, tc := range tests {
		if got := fields(tc.fs); got != tc.want {
			t.Errorf("fields(%v) = %s, want %s", tc.fs, got, tc.want)
		}
	}
}
