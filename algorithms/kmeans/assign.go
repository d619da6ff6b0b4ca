package kmeans

import (
	"runtime"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets"
)

// smallDim is the dimension below which assignment uses an inlined loop
// instead of the batch kernels, whose per-row call overhead dominates for
// PQ sub-spaces of a few dimensions.
const smallDim = 16

// assigner finds the nearest centroid of points. For l2 it ranks centroids
// by |c|² - 2<x,c>, computed with one DotBatch per point over the whole
// contiguous centroid block; for the spherical (inner product) case by
// largest <x,c>.
type assigner struct {
	cent      datasets.Matrix
	spherical bool
	cnorm     []float32
	scratch   [][]float32
}

func newAssigner(cent datasets.Matrix, spherical bool) *assigner {
	return &assigner{cent: cent, spherical: spherical, cnorm: make([]float32, cent.Rows)}
}

// prepare recomputes the centroid norms after the centroids changed.
func (a *assigner) prepare() {
	for i := range a.cnorm {
		c := a.cent.Row(i)
		a.cnorm[i] = distance.Dot(c, c)
	}
}

// run writes the nearest centroid of every row of x to assign and the
// distance to it (squared L2, or the negated inner product when spherical)
// to dist.
func (a *assigner) run(x datasets.Matrix, assign []int32, dist []float32, threads int) {
	for len(a.scratch) < threads {
		a.scratch = append(a.scratch, make([]float32, a.cent.Rows))
	}
	parallelChunks(x.Rows, threads, func(_, lo, hi, w int) {
		buf := a.scratch[w]
		for i := lo; i < hi; i++ {
			assign[i], dist[i] = a.nearest(x.Row(i), buf)
		}
	})
}

// nearest returns the index of the centroid nearest to v and its distance;
// buf holds one value per centroid.
func (a *assigner) nearest(v []float32, buf []float32) (int32, float32) {
	k, d := a.cent.Rows, a.cent.Dim
	cd := a.cent.Data[:k*d]
	if d < smallDim {
		return a.nearestSmall(v, cd)
	}
	buf = buf[:k]
	distance.DotBatch(v, cd, buf)
	if a.spherical {
		best, bd := 0, buf[0]
		for j, s := range buf {
			if s > bd {
				best, bd = j, s
			}
		}
		return int32(best), -bd
	}
	cn := a.cnorm[:k]
	best, bd := 0, cn[0]-2*buf[0]
	for j, s := range buf {
		if v := cn[j] - 2*s; v < bd {
			best, bd = j, v
		}
	}
	bd += distance.Dot(v, v)
	if bd < 0 {
		bd = 0
	}
	return int32(best), bd
}

// nearestSmall is nearest for dimensions below smallDim: exact distances in
// an inlined loop.
func (a *assigner) nearestSmall(v []float32, cd []float32) (int32, float32) {
	d := len(v)
	best, bd := 0, float32(0)
	for j := 0; j*d < len(cd); j++ {
		c := cd[j*d : j*d+d]
		c = c[:len(v)]
		var s float32
		if a.spherical {
			for t, x := range v {
				s -= x * c[t]
			}
		} else {
			for t, x := range v {
				y := x - c[t]
				s += y * y
			}
		}
		if j == 0 || s < bd {
			best, bd = j, s
		}
	}
	return int32(best), bd
}

// Assign returns, for every row of data, the index of the nearest row of
// centroids under metric: smallest squared L2 for l2, largest inner product
// for ip and angular. It uses runtime.GOMAXPROCS(0) goroutines. The
// dimensions of data and centroids must agree and centroids must have at
// least one row; otherwise Assign returns nil.
func Assign(data, centroids datasets.Matrix, metric datasets.Metric) []int32 {
	assign, _ := AssignDist(data, centroids, metric, runtime.GOMAXPROCS(0))
	return assign
}

// AssignDist is Assign with an explicit number of goroutines that also
// returns the distance of each row to its centroid: squared L2 for l2, the
// negated inner product for ip and angular (smaller is nearer).
func AssignDist(data, centroids datasets.Matrix, metric datasets.Metric, threads int) ([]int32, []float32) {
	if data.Dim != centroids.Dim || centroids.Rows == 0 || data.Validate() != nil || centroids.Validate() != nil {
		return nil, nil
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	a := newAssigner(centroids.Compact(false), metric != datasets.L2)
	a.prepare()
	assign := make([]int32, data.Rows)
	dist := make([]float32, data.Rows)
	a.run(data, assign, dist, threads)
	return assign, dist
}
