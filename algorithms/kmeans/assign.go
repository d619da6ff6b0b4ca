package kmeans

import (
	"runtime"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// blockRows is the number of points whose inner products with all
// centroids are computed by one DotBlock call.
const blockRows = 16

// assigner finds the nearest centroid of points. It computes the inner
// products of a block of points with every centroid in one DotBlock tile
// (each loaded centroid serves the whole block) and ranks centroids by
// |c|² - 2<x,c> for l2, or by largest <x,c> when spherical.
type assigner struct {
	cent      vector.Matrix
	spherical bool
	cnorm     []float32
	scratch   []assignScratch
}

type assignScratch struct {
	dots []float32 // blockRows × k
	pts  []float32 // blockRows × dim, for non-contiguous input
}

func newAssigner(cent vector.Matrix, spherical bool) *assigner {
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
func (a *assigner) run(x vector.Matrix, assign []int32, dist []float32, threads int) {
	k, d := a.cent.Rows, a.cent.Dim
	for len(a.scratch) < threads {
		a.scratch = append(a.scratch, assignScratch{
			dots: make([]float32, blockRows*k),
			pts:  make([]float32, blockRows*d),
		})
	}
	parallelChunks(x.Rows, threads, func(_, lo, hi, w int) {
		s := &a.scratch[w]
		for b := lo; b < hi; b += blockRows {
			e := min(b+blockRows, hi)
			a.block(x, b, e, s, assign[b:e], dist[b:e])
		}
	})
}

// block assigns rows [lo, hi) of x, at most blockRows of them.
func (a *assigner) block(x vector.Matrix, lo, hi int, s *assignScratch, assign []int32, dist []float32) {
	k, d := a.cent.Rows, a.cent.Dim
	nb := hi - lo
	var pts []float32
	if x.Contiguous() {
		pts = x.Data[lo*d : hi*d]
	} else {
		pts = s.pts[:nb*d]
		for i := 0; i < nb; i++ {
			copy(pts[i*d:i*d+d], x.Row(lo+i))
		}
	}
	dots := s.dots[:nb*k]
	distance.DotBlock(pts, nb, a.cent.Data[:k*d], k, d, dots)
	for i := 0; i < nb; i++ {
		row := dots[i*k : i*k+k]
		if a.spherical {
			best, bd := argmax(row)
			assign[i], dist[i] = int32(best), -bd
			continue
		}
		best, bd := argminL2(row, a.cnorm)
		v := pts[i*d : i*d+d]
		bd += distance.Dot(v, v)
		if bd < 0 {
			bd = 0
		}
		assign[i], dist[i] = int32(best), bd
	}
}

// argmax returns the index and value of the largest element of row.
func argmax(row []float32) (int, float32) {
	best, bd := 0, row[0]
	for j, v := range row {
		if v > bd {
			best, bd = j, v
		}
	}
	return best, bd
}

// argminL2 returns the first j minimizing cn[j] - 2*dots[j] and that
// value. Four independent running minima keep the comparisons from forming
// one long dependency chain; ties resolve to the smallest index, as a
// plain scan would.
func argminL2(dots, cn []float32) (int, float32) {
	n := len(dots)
	cn = cn[:n]
	if n < 8 {
		best, bd := 0, cn[0]-2*dots[0]
		for j, s := range dots {
			if v := cn[j] - 2*s; v < bd {
				best, bd = j, v
			}
		}
		return best, bd
	}
	var b [4]int
	var v [4]float32
	for l := 0; l < 4; l++ {
		b[l], v[l] = l, cn[l]-2*dots[l]
	}
	j := 4
	for ; j+4 <= n; j += 4 {
		d := (*[4]float32)(dots[j : j+4])
		c := (*[4]float32)(cn[j : j+4])
		if x := c[0] - 2*d[0]; x < v[0] {
			v[0], b[0] = x, j
		}
		if x := c[1] - 2*d[1]; x < v[1] {
			v[1], b[1] = x, j+1
		}
		if x := c[2] - 2*d[2]; x < v[2] {
			v[2], b[2] = x, j+2
		}
		if x := c[3] - 2*d[3]; x < v[3] {
			v[3], b[3] = x, j+3
		}
	}
	best, bd := b[0], v[0]
	for l := 1; l < 4; l++ {
		if v[l] < bd || (v[l] == bd && b[l] < best) {
			best, bd = b[l], v[l]
		}
	}
	for ; j < n; j++ {
		if x := cn[j] - 2*dots[j]; x < bd {
			best, bd = j, x
		}
	}
	return best, bd
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
