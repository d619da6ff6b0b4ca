package pq

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/kmeans"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// Ksub is the number of centroids per sub-quantizer: codes use 8 bits per
// sub-vector.
const Ksub = 256

// DefaultIterations is the number of k-means iterations per sub-space
// codebook (faiss trains its PQ codebooks with 25 as well).
const DefaultIterations = 25

// Quantizer is a trained product quantizer: the vector is cut into M
// sub-vectors of Dsub elements, and each sub-vector is encoded as the index
// of the nearest of Ksub centroids of its sub-space.
type Quantizer struct {
	// Dim is the vector dimension, M*Dsub.
	Dim int
	// M is the number of sub-quantizers (bytes per code).
	M int
	// Dsub is the dimension of each sub-space.
	Dsub int
	// Centroids holds the codebooks: centroid j of sub-space m starts at
	// (m*Ksub+j)*Dsub.
	Centroids []float32
	// norms holds the squared norm of every centroid, index m*Ksub+j.
	norms []float32
}

// TrainOptions tunes TrainQuantizer.
type TrainOptions struct {
	// Iterations is the number of k-means iterations per sub-space
	// (default DefaultIterations).
	Iterations int
	// Seed seeds the k-means of every sub-space (default 1).
	Seed uint64
	// Threads is the number of sub-spaces trained at once (default
	// runtime.GOMAXPROCS(0)).
	Threads int
	// Progress, when set, is told of every k-means iteration of every
	// sub-space, as the stage "codebooks" of M×Iterations units.
	Progress algorithms.Progress
}

// NewQuantizer checks that m divides dim and returns an untrained
// quantizer.
func NewQuantizer(dim, m int) (*Quantizer, error) {
	if dim <= 0 {
		return nil, fmt.Errorf("pq: dimension must be positive, got %d", dim)
	}
	if m <= 0 || dim%m != 0 {
		return nil, fmt.Errorf("pq: M=%d sub-quantizers must be positive and divide the dimension %d", m, dim)
	}
	return &Quantizer{Dim: dim, M: m, Dsub: dim / m}, nil
}

// Train learns the M codebooks from the rows of data. With fewer than Ksub
// rows, every row becomes a centroid and the rest of the codebook repeats
// them (those entries are never chosen).
func (q *Quantizer) Train(ctx context.Context, data vector.Matrix, opt TrainOptions) error {
	if data.Dim != q.Dim {
		return fmt.Errorf("pq: training data dimension %d, quantizer dimension %d", data.Dim, q.Dim)
	}
	if data.Rows == 0 {
		return fmt.Errorf("pq: no training data")
	}
	if opt.Iterations <= 0 {
		opt.Iterations = DefaultIterations
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Threads <= 0 {
		opt.Threads = runtime.GOMAXPROCS(0)
	}
	opt.Progress = algorithms.OrNoProgress(opt.Progress)
	opt.Progress.Stage("codebooks", int64(q.M*opt.Iterations))
	cents := make([]float32, q.M*Ksub*q.Dsub)
	errs := make([]error, q.M)
	var wg sync.WaitGroup
	var faults mapped.Faults // the data may be a memory-mapped file
	work := make(chan int)
	for w := 0; w < min(opt.Threads, q.M); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range work {
				faults.Guard(func() {
					errs[m] = q.trainSub(ctx, data, m, opt, cents[m*Ksub*q.Dsub:(m+1)*Ksub*q.Dsub])
				})
			}
		}()
	}
	for m := 0; m < q.M; m++ {
		work <- m
	}
	close(work)
	wg.Wait()
	faults.Raise()
	for m, err := range errs {
		if err != nil {
			return fmt.Errorf("pq: sub-space %d: %w", m, err)
		}
	}
	q.Centroids = cents
	q.computeNorms()
	return nil
}

func (q *Quantizer) trainSub(ctx context.Context, data vector.Matrix, m int, opt TrainOptions, out []float32) error {
	ds := q.Dsub
	n := min(data.Rows, kmeans.DefaultPointsPerCentroid*Ksub)
	// k-means samples n of the rows (faiss's 256 points per centroid).
	sub := vector.NewMatrix(data.Rows, ds)
	for i := 0; i < data.Rows; i++ {
		copy(sub.Row(i), data.Row(i)[m*ds:(m+1)*ds])
	}
	k := Ksub
	if data.Rows < Ksub {
		k = data.Rows
	}
	c, err := kmeans.Train(ctx, sub, k, kmeans.Options{
		Iterations: opt.Iterations,
		SampleSize: n,
		Seed:       opt.Seed + uint64(m)*0x9e3779b97f4a7c15,
		Init:       kmeans.InitRandom,
		Threads:    1,
		Progress:   func(int, float64) { opt.Progress.Done(1) },
	})
	if err != nil {
		return err
	}
	copy(out, c.Data)
	for j := k; j < Ksub; j++ {
		copy(out[j*ds:(j+1)*ds], c.Row(j%k))
	}
	return nil
}

func (q *Quantizer) computeNorms() {
	q.norms = make([]float32, q.M*Ksub)
	ds := q.Dsub
	for i := range q.norms {
		c := q.Centroids[i*ds : (i+1)*ds]
		var s float32
		for _, v := range c {
			s += v * v
		}
		q.norms[i] = s
	}
}

// Encode writes the M-byte code of x to code. It allocates a small
// scratch buffer; EncodeBuf does not.
func (q *Quantizer) Encode(x []float32, code []byte) {
	q.EncodeBuf(x, code, make([]float32, Ksub))
}

// EncodeBuf is Encode with caller-provided scratch space buf of at least
// Ksub values. Each sub-vector goes to the centroid minimizing
// ||c||² - 2<x,c>, with the inner products from one DotBatch call over the
// sub-space's contiguous codebook.
func (q *Quantizer) EncodeBuf(x []float32, code []byte, buf []float32) {
	ds := q.Dsub
	buf = buf[:Ksub]
	for m := 0; m < q.M; m++ {
		distance.DotBatch(x[m*ds:(m+1)*ds], q.Centroids[m*Ksub*ds:(m+1)*Ksub*ds], buf)
		nm := (*[Ksub]float32)(q.norms[m*Ksub:])
		best, bd := 0, nm[0]-2*buf[0]
		for j, d := range buf {
			if v := nm[j] - 2*d; v < bd {
				best, bd = j, v
			}
		}
		code[m] = byte(best)
	}
}

// EncodeMatrix encodes every row of data into codes (data.Rows*M bytes)
// using up to threads goroutines.
func (q *Quantizer) EncodeMatrix(data vector.Matrix, codes []byte, threads int) {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	var faults mapped.Faults // the data may be a memory-mapped file
	per := (data.Rows + threads - 1) / max(threads, 1)
	for lo := 0; lo < data.Rows; lo += per {
		hi := min(lo+per, data.Rows)
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			faults.Guard(func() {
				buf := make([]float32, Ksub)
				for i := lo; i < hi; i++ {
					q.EncodeBuf(data.Row(i), codes[i*q.M:(i+1)*q.M], buf)
				}
			})
		}(lo, hi)
	}
	wg.Wait()
	faults.Raise()
}

// Decode writes the reconstruction of code to x.
func (q *Quantizer) Decode(code []byte, x []float32) {
	ds := q.Dsub
	for m := 0; m < q.M; m++ {
		j := int(code[m])
		copy(x[m*ds:(m+1)*ds], q.Centroids[(m*Ksub+j)*ds:(m*Ksub+j+1)*ds])
	}
}

// SizeBytes returns the bytes held by the codebooks.
func (q *Quantizer) SizeBytes() int64 { return int64(len(q.Centroids)+len(q.norms)) * 4 }
