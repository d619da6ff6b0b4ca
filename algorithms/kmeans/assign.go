package kmeans

import (
	"runtime"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// assigner finds the nearest centroid of points. The centroids are packed
// once per iteration into distance.Panels, whose kernel scores blocks of
// points against all of them at full vector width whatever the dimension,
// ranking centroids by |c|² - 2<x,c> for l2, or by largest <x,c> when
// spherical.
type assigner struct {
	cent      vector.Matrix
	spherical bool
	cnorm     []float32
	panels    distance.Panels
}

func newAssigner(cent vector.Matrix, spherical bool) *assigner {
	return &assigner{cent: cent, spherical: spherical, cnorm: make([]float32, cent.Rows)}
}

// prepare repacks the centroids and their norms after they changed.
func (a *assigner) prepare() {
	k, d := a.cent.Rows, a.cent.Dim
	if a.spherical {
		a.panels.Set(a.cent.Data, k, d, nil, -1)
		return
	}
	for i := range a.cnorm {
		c := a.cent.Row(i)
		a.cnorm[i] = distance.Dot(c, c)
	}
	a.panels.Set(a.cent.Data, k, d, a.cnorm, -2)
}

// run writes the nearest centroid of every row of x to assign and the
// distance to it (squared L2, or the negated inner product when spherical)
// to dist.
func (a *assigner) run(x vector.Matrix, assign []int32, dist []float32, threads int) {
	d := x.Dim
	parallelChunks(x.Rows, threads, func(_, lo, hi, _ int) {
		a.panels.Nearest(x.Data[lo*x.Stride:], hi-lo, x.Stride, assign[lo:hi], dist[lo:hi])
		if a.spherical {
			return
		}
		for i := lo; i < hi; i++ {
			v := x.Data[i*x.Stride : i*x.Stride+d]
			bd := dist[i] + distance.Dot(v, v)
			if bd < 0 {
				bd = 0
			}
			dist[i] = bd
		}
	})
}

// Assign returns, for every row of data, the index of the nearest row of
// centroids under metric: smallest squared L2 for l2, largest inner product
// for ip and angular. It uses runtime.GOMAXPROCS(0) goroutines. The
// dimensions of data and centroids must agree and centroids must have at
// least one row; otherwise Assign returns nil.
func Assign(data, centroids vector.Matrix, metric vector.Metric) []int32 {
	assign, _ := AssignDist(data, centroids, metric, runtime.GOMAXPROCS(0))
	return assign
}

// AssignDist is Assign with an explicit number of goroutines that also
// returns the distance of each row to its centroid: squared L2 for l2, the
// negated inner product for ip and angular (smaller is nearer).
func AssignDist(data, centroids vector.Matrix, metric vector.Metric, threads int) ([]int32, []float32) {
	if data.Dim != centroids.Dim || centroids.Rows == 0 || data.Validate() != nil || centroids.Validate() != nil {
		return nil, nil
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	a := newAssigner(centroids.Compact(false), metric != vector.L2)
	a.prepare()
	assign := make([]int32, data.Rows)
	dist := make([]float32, data.Rows)
	a.run(data, assign, dist, threads)
	return assign, dist
}
