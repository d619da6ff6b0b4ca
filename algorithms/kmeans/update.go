package kmeans

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// update moves every centroid to the mean of its assigned points and
// records the cluster sizes in counts. Centroids of empty clusters are left
// unchanged for repairEmpty. Each cluster's points are summed in index
// order in float64, so the result does not depend on the number of threads.
//
// Every goroutine owns a range of clusters and reads the points in order,
// adding each point of its range to the running sum of its cluster: the
// reads follow memory, and the sums of up to sumFloats values stay in
// cache. A range with larger sums is done in several passes.
func update(x vector.Matrix, assign []int32, cent vector.Matrix, counts []int, threads int) {
	k, d := cent.Rows, cent.Dim
	for i := range counts {
		counts[i] = 0
	}
	for _, c := range assign {
		counts[c]++
	}
	per := max(1, sumFloats/max(d, 1))
	parallelRange(k, threads, func(lo, hi, _ int) {
		sums := make([]float64, min(hi-lo, per)*d)
		for plo := lo; plo < hi; plo += per {
			phi := min(plo+per, hi)
			s := sums[:(phi-plo)*d]
			clear(s)
			for i, c := range assign {
				if int(c) < plo || int(c) >= phi {
					continue
				}
				sum := s[(int(c)-plo)*d : (int(c)-plo+1)*d]
				row := x.Row(i)
				row = row[:len(sum)]
				for j, v := range row {
					sum[j] += float64(v)
				}
			}
			for c := plo; c < phi; c++ {
				if counts[c] == 0 {
					continue
				}
				sum := s[(c-plo)*d : (c-plo+1)*d]
				inv := 1 / float64(counts[c])
				out := cent.Row(c)
				for j := range out {
					out[j] = float32(sum[j] * inv)
				}
			}
		}
	})
}

// sumFloats bounds the float64 cluster sums one pass of update keeps.
const sumFloats = 1 << 18

// parallelRange splits [0, n) into contiguous ranges, one per goroutine.
func parallelRange(n, threads int, fn func(lo, hi, worker int)) {
	threads = max(1, min(threads, n))
	per := (n + threads - 1) / threads
	done := make(chan struct{}, threads)
	var faults mapped.Faults // the data may be a memory-mapped file
	for w := 0; w < threads; w++ {
		lo, hi := w*per, min((w+1)*per, n)
		go func(w int) {
			if lo < hi {
				faults.Guard(func() { fn(lo, hi, w) })
			}
			done <- struct{}{}
		}(w)
	}
	for w := 0; w < threads; w++ {
		<-done
	}
	faults.Raise()
}

// splitEps is the relative perturbation that separates the two halves of
// a split cluster.
const splitEps = 1.0 / 1024

// repairEmpty gives every empty cluster half of the largest cluster: the
// empty centroid becomes a copy of the largest one, and the two are pushed
// apart by a small symmetric perturbation so the next assignment splits
// the points between them.
func repairEmpty(cent vector.Matrix, counts []int, rng *rand.Rand) int {
	repaired := 0
	for i := range counts {
		if counts[i] != 0 {
			continue
		}
		big := 0
		for j, c := range counts {
			if c > counts[big] {
				big = j
			}
		}
		if counts[big] < 2 {
			break // nothing left to split
		}
		src, dst := cent.Row(big), cent.Row(i)
		var scale float64
		for _, v := range src {
			scale += math.Abs(float64(v))
		}
		scale /= float64(len(src))
		if scale == 0 {
			scale = 1
		}
		for j, v := range src {
			delta := float32(splitEps * math.Max(math.Abs(float64(v)), scale))
			if rng.Uint64()&1 == 0 {
				delta = -delta
			}
			dst[j] = v + delta
			src[j] = v - delta
		}
		counts[i] = counts[big] / 2
		counts[big] -= counts[i]
		repaired++
	}
	return repaired
}

// initPlusPlus picks k centroids from the rows of x (contiguous) by
// k-means++: the first uniformly, each next one with probability
// proportional to the squared distance to the nearest centroid chosen so
// far.
func initPlusPlus(ctx context.Context, x vector.Matrix, k int, rng *rand.Rand, threads int) vector.Matrix {
	n := x.Rows
	cent := vector.NewMatrix(k, x.Dim)
	minD := make([]float32, n)
	for i := range minD {
		minD[i] = float32(math.Inf(1))
	}
	chunks := (n + chunkSize - 1) / chunkSize
	chunkSum := make([]float64, chunks)
	bufs := make([][]float32, max(1, threads))
	for i := range bufs {
		bufs[i] = make([]float32, chunkSize)
	}
	chosen := rng.IntN(n)
	for c := 0; c < k; c++ {
		copy(cent.Row(c), x.Row(chosen))
		if c == k-1 || ctx.Err() != nil {
			// On cancellation the remaining centroids are filled by
			// uniform choice; Train reports the error right after.
			if c < k-1 {
				rest := initRandom(x, k, rng)
				copy(cent.Data[(c+1)*x.Dim:], rest.Data[(c+1)*x.Dim:])
			}
			break
		}
		cr := cent.Row(c)
		parallelChunks(n, threads, func(ch, lo, hi, w int) {
			buf := bufs[w][:hi-lo]
			distance.L2SqBatch(cr, x.Data[lo*x.Dim:hi*x.Dim], buf)
			md := minD[lo:hi]
			var s float64
			for i, d := range buf {
				if d < md[i] {
					md[i] = d
				}
				s += float64(md[i])
			}
			chunkSum[ch] = s
		})
		var total float64
		for _, s := range chunkSum {
			total += s
		}
		if !(total > 0) {
			chosen = rng.IntN(n) // every point coincides with a centroid
			continue
		}
		r := rng.Float64() * total
		chosen = n - 1
		for ch, s := range chunkSum {
			if r >= s {
				r -= s
				continue
			}
			lo := ch * chunkSize
			hi := min(lo+chunkSize, n)
			chosen = hi - 1
			for i := lo; i < hi; i++ {
				r -= float64(minD[i])
				if r < 0 {
					chosen = i
					break
				}
			}
			break
		}
	}
	return cent
}
