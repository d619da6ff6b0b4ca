package scann

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/kmeans"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// Build partitions the base, trains the anisotropic codebooks on partition
// residuals, encodes every vector and lays the codes out for scanning.
func (x *Index) Build(ctx context.Context, base vector.Matrix) error {
	if err := x.CheckBase(base, x.dim); err != nil {
		return fmt.Errorf("scann: %w", err)
	}
	x.reset()
	if base.Rows == 0 {
		return ctx.Err()
	}
	data := x.prepare(base)
	train := data
	if split := x.TrainingData(vector.Matrix{}); split.Rows > 0 {
		train = x.prepare(split)
	}
	rng := rand.New(rand.NewPCG(x.opt.Seed, 0x7363616e6e))

	// Partitions.
	p := x.Progress()
	L := min(x.opt.NumLeaves, base.Rows, train.Rows)
	p.Stage("k-means", kmeans.DefaultIterations)
	centers, err := kmeans.Train(ctx, train, L, kmeans.Options{
		Spherical: x.metric != vector.L2,
		Seed:      x.opt.Seed,
		Progress:  func(int, float64) { p.Done(1) },
	})
	if err != nil {
		return fmt.Errorf("scann: partition: %w", err)
	}
	leafOf := kmeans.Assign(data, centers, x.metric)

	// Codebooks, trained on residuals of a sample.
	sample := train
	if s := x.opt.TrainingSampleSize; s > 0 && s < train.Rows {
		sample = vector.NewMatrix(s, x.dim)
		for i, r := range rng.Perm(train.Rows)[:s] {
			copy(sample.Row(i), train.Row(r))
		}
	}
	q := newQuantizer(x.dim, x.opt.DimsPerBlock, x.opt.NBits)
	ts := x.residuals(sample, centers, kmeans.Assign(sample, centers, x.metric))
	if err := q.train(ctx, ts, x.opt.TrainingIterations, rng, p); err != nil {
		return fmt.Errorf("scann: train codebooks: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("scann: %w", err)
	}

	// Encode the base.
	all := x.residuals(data, centers, leafOf)
	codes := make([]uint8, base.Rows*q.nblocks)
	p.Stage("encode", int64(base.Rows))
	q.encodeAll(all, codes, false)
	p.Done(int64(base.Rows))
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("scann: %w", err)
	}
	x.layout(data, centers, leafOf, q, codes)
	return nil
}

// reset drops a previous build.
func (x *Index) reset() {
	x.n, x.nleaves, x.maxLeaf = 0, 0, 0
	x.rows, x.ids, x.centers, x.leafStart = distance.Rows{}, nil, nil, nil
	x.q, x.codes, x.codeStart, x.extra = nil, nil, nil, nil
}

// prepare returns a contiguous copy of m, rows normalized for angular.
func (x *Index) prepare(m vector.Matrix) vector.Matrix {
	c := m.Compact(true)
	if x.metric == vector.Angular {
		for i := 0; i < c.Rows; i++ {
			distance.Normalize(c.Row(i))
		}
	}
	return c
}

// residuals returns the training set of data: residuals to the assigned
// centres, the points, and their loss weights (see scoreWeights). The
// threshold is relative to unit-norm data: it is scaled by the
// root-mean-square norm of the points (1 for angular data).
func (x *Index) residuals(data, centers vector.Matrix, assign []int32) *trainSet {
	n := data.Rows
	ts := &trainSet{res: make([]float32, n*x.dim), x: data.Data, alpha: make([]float64, n), weight: make([]float64, n), n: n}
	norms := make([]float64, n)
	var ss float64
	for i := 0; i < n; i++ {
		v, c := data.Row(i), centers.Row(int(assign[i]))
		r := ts.res[i*x.dim : (i+1)*x.dim]
		for d := range r {
			r[d] = v[d] - c[d]
		}
		norms[i] = float64(distance.Dot(v, v))
		ss += norms[i]
		ts.weight[i] = 1
	}
	if x.threshold <= 0 || x.dim < 2 || n == 0 {
		return ts
	}
	th := x.threshold * math.Sqrt(ss/float64(n))
	sw := newScoreWeights(x.dim)
	var sum float64
	for i, n2 := range norms {
		if n2 <= 0 {
			ts.weight[i] = 0
			continue
		}
		par, perp := sw.at(th / math.Sqrt(n2))
		if perp <= 0 {
			ts.weight[i] = 0
			continue
		}
		ts.weight[i] = perp
		ts.alpha[i] = (par/perp - 1) / n2
		sum += perp
	}
	if sum == 0 { // no point can reach the threshold: weigh all alike
		for i := range ts.weight {
			ts.weight[i] = 1
		}
		return ts
	}
	mean := sum / float64(n)
	for i := range ts.weight {
		ts.weight[i] /= mean
	}
	return ts
}

// layout stores the vectors, ids and codes leaf by leaf.
func (x *Index) layout(data, centers vector.Matrix, leafOf []int32, q *quantizer, codes []uint8) {
	n, L, nb := data.Rows, centers.Rows, q.nblocks
	x.n, x.nleaves, x.q, x.centers = n, L, q, centers.Data
	x.leafStart = make([]int32, L+1)
	for _, l := range leafOf {
		x.leafStart[l+1]++
	}
	for l := 0; l < L; l++ {
		x.leafStart[l+1] += x.leafStart[l]
	}
	x.codeStart, x.maxLeaf = codeOffsets(x.leafStart, q)
	x.ids = make([]int32, n)
	next := make([]int32, L)
	copy(next, x.leafStart[:L])
	for i, l := range leafOf {
		x.ids[next[l]] = int32(i)
		next[l]++
	}
	rows := make([]float32, n*x.dim)
	rowCodes := make([]uint8, n*nb) // codes in leaf order
	for p, id := range x.ids {
		copy(rows[p*x.dim:(p+1)*x.dim], data.Row(int(id)))
		copy(rowCodes[p*nb:(p+1)*nb], codes[int(id)*nb:(int(id)+1)*nb])
	}
	x.keepRows(rows)
	if x.metric == vector.L2 {
		x.extra = make([]float32, n)
		x.parallelRows(n, func(p int, buf []float32) {
			q.decode(rowCodes[p*nb:(p+1)*nb], buf)
			c := centers.Row(int(leafOf[x.ids[p]]))
			var e float32
			for d, v := range buf {
				e += v*v + 2*c[d]*v
			}
			x.extra[p] = e
		})
	}
	if q.ksub == 256 {
		x.codes = rowCodes
		return
	}
	gb := numPairs(nb) * pairBytes
	x.codes = make([]byte, x.codeStart[L])
	for l := 0; l < L; l++ {
		lo, hi := int(x.leafStart[l]), int(x.leafStart[l+1])
		for g := 0; lo+g*groupSize < hi; g++ {
			first := lo + g*groupSize
			cnt := min(groupSize, hi-first)
			off := x.codeStart[l] + int64(g*gb)
			packGroup(x.codes[off:off+int64(gb)], rowCodes[first*nb:], cnt, nb)
		}
	}
}

// codeOffsets returns the byte offset of each leaf's codes in the code
// array (one more than there are leaves, the last the array's length) and
// the size of the largest leaf, for the partition offsets leafStart.
func codeOffsets(leafStart []int32, q *quantizer) (codeStart []int64, maxLeaf int) {
	L, nb := len(leafStart)-1, q.nblocks
	codeStart = make([]int64, L+1)
	for l := 0; l < L; l++ {
		size := int64(leafStart[l+1] - leafStart[l])
		maxLeaf = max(maxLeaf, int(size))
		if q.ksub == 256 {
			codeStart[l+1] = codeStart[l] + size*int64(nb)
		} else {
			codeStart[l+1] = codeStart[l] + (size+groupSize-1)/groupSize*int64(numPairs(nb)*pairBytes)
		}
	}
	return codeStart, maxLeaf
}

// parallelRows calls fn for rows 0..n-1 on GOMAXPROCS goroutines, each with
// its own dim-sized buffer.
func (x *Index) parallelRows(n int, fn func(row int, buf []float32)) {
	parallelRanges(n, func(lo, hi int) {
		buf := make([]float32, x.dim)
		for i := lo; i < hi; i++ {
			fn(i, buf)
		}
	})
}

// parallelRanges splits [0, n) into one range per GOMAXPROCS goroutine and
// calls fn on each; a fault reading a memory-mapped input is raised on the
// caller once all are done (see mapped.Faults).
func parallelRanges(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	var faults mapped.Faults
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min(n, (w+1)*chunk)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			faults.Guard(func() { fn(lo, hi) })
		}()
	}
	wg.Wait()
	faults.Raise()
}

// decode writes the residual reconstruction of codes to out (dim floats).
func (q *quantizer) decode(codes []uint8, out []float32) {
	for j := 0; j < q.nblocks; j++ {
		copy(out[j*q.dpb:j*q.dpb+q.width(j)], q.codeword(j, int(codes[j])))
	}
}
