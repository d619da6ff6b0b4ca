package ivfflat

import (
	"context"
	"fmt"
	"slices"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/kmeans"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/vector"
)

// DefaultIterations is the number of k-means iterations that train the
// coarse quantizer; faiss uses 10 for its IVF quantizers too.
const DefaultIterations = 10

// Coarse is the coarse quantizer of an inverted file: nlist centroids, one
// per list. For l2 a vector belongs to the list of the nearest centroid; for
// ip and angular the centroids are unit length (spherical k-means) and a
// vector belongs to the centroid with the largest inner product.
type Coarse struct {
	// Metric is the metric of the index.
	Metric vector.Metric
	// Centroids holds the nlist centroids, contiguous.
	Centroids vector.Matrix
	norms     []float32
}

// TrainCoarse runs k-means on train to make a coarse quantizer with nlist
// centroids (fewer when train has fewer rows), reporting its iterations
// to p (nil for none) as the stage "k-means".
func TrainCoarse(ctx context.Context, train vector.Matrix, nlist int, metric vector.Metric, seed uint64, iterations int, p algorithms.Progress) (*Coarse, error) {
	nlist = min(nlist, train.Rows)
	if iterations <= 0 {
		iterations = DefaultIterations
	}
	p = algorithms.OrNoProgress(p)
	p.Stage("k-means", int64(iterations))
	cent, err := kmeans.Train(ctx, train, nlist, kmeans.Options{
		Iterations: iterations,
		Seed:       seed,
		Spherical:  metric != vector.L2,
		Progress:   func(int, float64) { p.Done(1) },
	})
	if err != nil {
		return nil, fmt.Errorf("train coarse quantizer: %w", err)
	}
	return NewCoarse(metric, cent), nil
}

// NewCoarse wraps trained centroids (a contiguous matrix).
func NewCoarse(metric vector.Metric, centroids vector.Matrix) *Coarse {
	c := &Coarse{Metric: metric, Centroids: centroids.Compact(false)}
	c.norms = make([]float32, c.Centroids.Rows)
	for i := range c.norms {
		r := c.Centroids.Row(i)
		c.norms[i] = distance.Dot(r, r)
	}
	return c
}

// NList returns the number of lists.
func (c *Coarse) NList() int { return c.Centroids.Rows }

// Assign returns the list of every row of data.
func (c *Coarse) Assign(data vector.Matrix) []int32 {
	return kmeans.Assign(data, c.Centroids, c.Metric)
}

// Probe is the working memory of Coarse.Nearest, one per search goroutine:
// the IVF indexes keep one in their pooled per-search scratch.
type Probe struct {
	buf   []float32 // a distance per list
	heap  topk.Heap
	lists []int32
	dists []float32
}

// Nearest is Probe with p's buffers, which grow when they are too small for
// this quantizer or nprobe and are kept for the next search.
func (c *Coarse) Nearest(q []float32, nprobe int, p *Probe) ([]int32, []float32) {
	p.buf = slices.Grow(p.buf[:0], c.NList())
	if cap(p.lists) < nprobe {
		p.lists, p.dists = make([]int32, 0, nprobe), make([]float32, nprobe)
	}
	return c.Probe(q, nprobe, p.buf, &p.heap, p.lists, p.dists)
}

// Probe writes to lists the nprobe lists nearest to q, nearest first, and
// to dists their distances: ||q-c||² for l2, -<q,c> for ip and angular.
// buf needs room for NList values and h is scratch space; nothing is
// allocated when lists and dists have capacity nprobe.
func (c *Coarse) Probe(q []float32, nprobe int, buf []float32, h *topk.Heap, lists []int32, dists []float32) ([]int32, []float32) {
	nl := c.Centroids.Rows
	buf = buf[:nl]
	distance.DotBatch(q, c.Centroids.Data[:nl*c.Centroids.Dim], buf)
	h.Reset(min(nprobe, nl))
	if c.Metric == vector.L2 {
		qn := distance.Dot(q, q)
		norms := c.norms[:nl]
		for j, d := range buf {
			h.Push(qn+norms[j]-2*d, int32(j))
		}
	} else {
		for j, d := range buf {
			h.Push(-d, int32(j))
		}
	}
	n := h.Len()
	dists = dists[:n]
	lists = h.AppendSorted(lists[:0], dists)
	return lists, dists
}
