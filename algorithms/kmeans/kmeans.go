// Package kmeans trains k-means centroids: the coarse quantizer of the IVF
// indexes and the sub-space codebooks of product quantization.
//
// Training is seeded and deterministic: the same data, k and Options give
// the same centroids whatever the number of threads. Points are assigned in
// parallel with the shared distance kernels; clusters left empty are
// repaired by splitting the largest cluster, as faiss does.
//
// It imports only algorithms/distance, datasets/vector and
// datasets/mapped: the indexes import it, and it imports none of them.
package kmeans

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/annbench/annbench/datasets/vector"
)

// Initialization methods accepted in Options.Init.
const (
	// InitPlusPlus picks initial centroids by k-means++ (D² sampling).
	InitPlusPlus = "kmeans++"
	// InitRandom picks k distinct training points uniformly, as faiss does.
	InitRandom = "random"
)

// Defaults used when an Options field is zero.
const (
	// DefaultIterations is the number of Lloyd iterations.
	DefaultIterations = 25
	// DefaultPointsPerCentroid sizes the default training sample: at most
	// this many points per centroid are used (faiss's
	// max_points_per_centroid).
	DefaultPointsPerCentroid = 256
	// DefaultSeed seeds sampling and initialization.
	DefaultSeed = 1
	// plusPlusPointsPerCentroid sizes the sample k-means++ seeds from.
	plusPlusPointsPerCentroid = 32
)

// Options tunes Train. The zero value gives the documented defaults.
type Options struct {
	// Iterations is the maximum number of Lloyd iterations (assign, then
	// update); training stops earlier when an assignment repeats the
	// previous one, since the centroids can no longer change. Default
	// DefaultIterations.
	Iterations int
	// SampleSize caps the number of training points; when the data has
	// more rows, a seeded uniform sample of this size is used. Zero means
	// DefaultPointsPerCentroid*k; a negative value means use every row.
	SampleSize int
	// Seed seeds sampling, initialization and empty-cluster repair.
	// Zero means DefaultSeed.
	Seed uint64
	// Init is InitPlusPlus (the default when empty) or InitRandom.
	Init string
	// Spherical normalizes the centroids to unit length after every
	// update and assigns points by largest inner product, for ip and
	// angular data.
	Spherical bool
	// Threads is the number of goroutines used for assignment; zero means
	// runtime.GOMAXPROCS(0). Results do not depend on it.
	Threads int
	// Progress, when set, is called after each assignment step with the
	// iteration number (from 0) and the objective of that assignment: the
	// sum of squared distances to the nearest centroid, or for Spherical
	// the negated sum of inner products with the chosen centroid. Lower is
	// better in both cases.
	Progress func(iteration int, objective float64)
}

func (o Options) withDefaults(k int) Options {
	if o.Iterations <= 0 {
		o.Iterations = DefaultIterations
	}
	if o.SampleSize == 0 {
		o.SampleSize = DefaultPointsPerCentroid * k
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Init == "" {
		o.Init = InitPlusPlus
	}
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	return o
}

// Train runs k-means on the rows of data and returns k centroids as a
// contiguous k×data.Dim matrix.
//
// It fails when k < 1, when data has fewer than k rows, when Options.Init is
// unknown, or when ctx is cancelled (checked between iterations).
func Train(ctx context.Context, data vector.Matrix, k int, opt Options) (vector.Matrix, error) {
	opt = opt.withDefaults(k)
	if err := data.Validate(); err != nil {
		return vector.Matrix{}, fmt.Errorf("kmeans: %w", err)
	}
	if k < 1 {
		return vector.Matrix{}, fmt.Errorf("kmeans: k must be at least 1, got %d", k)
	}
	if data.Rows < k {
		return vector.Matrix{}, fmt.Errorf("kmeans: %d training points for %d centroids, need at least as many points as centroids", data.Rows, k)
	}
	if data.Dim < 1 {
		return vector.Matrix{}, fmt.Errorf("kmeans: dimension must be positive, got %d", data.Dim)
	}
	if opt.Init != InitPlusPlus && opt.Init != InitRandom {
		return vector.Matrix{}, fmt.Errorf("kmeans: unknown init %q (valid: %s, %s)", opt.Init, InitPlusPlus, InitRandom)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x6b6d65616e73))
	x := sample(data, opt.SampleSize, k, rng)
	if err := ctx.Err(); err != nil {
		return vector.Matrix{}, fmt.Errorf("kmeans: %w", err)
	}

	var cent vector.Matrix
	switch opt.Init {
	case InitRandom:
		cent = initRandom(x, k, rng)
	default:
		// D² sampling makes k passes over the points, each memory bound;
		// seeding from a sample of plusPlusPointsPerCentroid*k points
		// keeps it to a fraction of one Lloyd iteration.
		seedSet := x
		if x.Rows > plusPlusPointsPerCentroid*k {
			seedSet = sample(x, plusPlusPointsPerCentroid*k, k, rng)
		}
		cent = initPlusPlus(ctx, seedSet, k, rng, opt.Threads)
	}
	if opt.Spherical {
		normalizeRows(cent)
	}

	n := x.Rows
	assign := make([]int32, n)
	prev := make([]int32, n)
	dist := make([]float32, n)
	counts := make([]int, k)
	a := newAssigner(cent, opt.Spherical)
	repaired := 1
	for it := 0; it < opt.Iterations; it++ {
		if err := ctx.Err(); err != nil {
			return vector.Matrix{}, fmt.Errorf("kmeans: iteration %d: %w", it, err)
		}
		a.prepare()
		a.run(x, assign, dist, opt.Threads)
		if opt.Progress != nil {
			var obj float64
			for _, d := range dist {
				obj += float64(d)
			}
			opt.Progress(it, obj)
		}
		// Converged: the centroids are already the means of this very
		// assignment and no cluster was repaired, so every further
		// iteration would reproduce them exactly.
		if repaired == 0 && slices.Equal(assign, prev) {
			break
		}
		copy(prev, assign)
		update(x, assign, cent, counts, opt.Threads)
		repaired = repairEmpty(cent, counts, rng)
		if opt.Spherical {
			normalizeRows(cent)
		}
	}
	return cent, nil
}

// sample returns a contiguous copy of data, or of a seeded uniform sample of
// size rows of it when the data is larger.
func sample(data vector.Matrix, size, k int, rng *rand.Rand) vector.Matrix {
	if size < 0 || size >= data.Rows {
		return data.Compact(true)
	}
	size = max(size, k)
	// Partial Fisher-Yates over the row indexes; the chosen rows are then
	// copied in increasing order for locality.
	perm := make([]int32, data.Rows)
	for i := range perm {
		perm[i] = int32(i)
	}
	for i := 0; i < size; i++ {
		j := i + rng.IntN(len(perm)-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	chosen := perm[:size]
	slices.Sort(chosen)
	out := vector.NewMatrix(size, data.Dim)
	for i, r := range chosen {
		copy(out.Row(i), data.Row(int(r)))
	}
	return out
}

func initRandom(x vector.Matrix, k int, rng *rand.Rand) vector.Matrix {
	perm := rng.Perm(x.Rows)
	cent := vector.NewMatrix(k, x.Dim)
	for i := 0; i < k; i++ {
		copy(cent.Row(i), x.Row(perm[i]))
	}
	return cent
}

func normalizeRows(m vector.Matrix) {
	for i := 0; i < m.Rows; i++ {
		r := m.Row(i)
		var s float64
		for _, v := range r {
			s += float64(v) * float64(v)
		}
		if s == 0 {
			continue
		}
		inv := float32(1 / math.Sqrt(s))
		for j := range r {
			r[j] *= inv
		}
	}
}

// Sample returns size rows of data chosen uniformly without replacement by
// a generator seeded with seed, as a contiguous matrix in their original
// order. When size <= 0 or data has at most size rows, data itself is
// returned (not copied).
func Sample(data vector.Matrix, size int, seed uint64) vector.Matrix {
	if size <= 0 || data.Rows <= size {
		return data
	}
	rng := rand.New(rand.NewPCG(seed, 0x73616d706c65))
	return sample(data, size, 1, rng)
}
