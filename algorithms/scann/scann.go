// Package scann is a ScaNN-style index (Guo et al., ICML 2020,
// "Accelerating Large-Scale Inference with Anisotropic Vector
// Quantization"): the base is partitioned by k-means (spherical k-means for
// ip and angular), the residual of every vector to its partition centre is
// product-quantized with a score-aware (anisotropic) loss, 4-bit codes are
// scored with an 8-bit lookup table and SIMD byte shuffles in blocks of 32
// vectors (the "fast scan"), 8-bit codes with a float table, and the best
// candidates are re-scored exactly.
//
// The anisotropic loss weights the part of the quantization error parallel
// to the datapoint by η and the orthogonal part by 1, where η follows from
// the score threshold T (anisotropic_threshold) and the dimension d:
// η = (d-1)·p/(1-p) with p = T²/‖x‖², i.e. (d-1)T²/(1-T²) for unit-norm
// data. T is relative to unit-norm data: for data of other norms it is
// scaled by the root-mean-square norm of the training points (a no-op for
// angular). T = 0 is the plain reconstruction loss (ordinary product
// quantization).
//
// It imports algorithms, the kernels and codecs it builds on
// (algorithms/distance, topk, kmeans, binfmt, the pq trainer and
// golang.org/x/sys/cpu) and datasets/vector and datasets/mapped; never the
// datasets catalogue, algorithms/registry, runner, report or cmd.
package scann

import (
	"fmt"
	"sync"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// Defaults of the index and query parameters.
const (
	// DefaultNumLeaves is the number of k-means partitions.
	DefaultNumLeaves = 100
	// DefaultDimsPerBlock is the width of a quantization sub-space.
	DefaultDimsPerBlock = 2
	// DefaultNBits is the number of bits per sub-space code.
	DefaultNBits = 4
	// MetricDefaultThreshold asks for the metric's default anisotropic
	// threshold: DefaultIPThreshold for ip and angular, 0 for l2.
	MetricDefaultThreshold = -1
	// DefaultIPThreshold is the anisotropic threshold used for ip and
	// angular when none is given, as in ScaNN's examples.
	DefaultIPThreshold = 0.2
	// DefaultTrainingSampleSize caps the number of points the codebooks
	// are trained on.
	DefaultTrainingSampleSize = 25000
	// DefaultTrainingIterations is the number of alternating
	// assignment/update rounds of codebook training.
	DefaultTrainingIterations = 10
	// DefaultLeavesToSearch is the number of partitions scanned per query.
	DefaultLeavesToSearch = 10
	// DefaultReorder is the number of candidates re-scored exactly.
	DefaultReorder = 100
)

// Algorithm is the registry entry of the ScaNN-style index.
var Algorithm = algorithms.Algorithm{
	Name:    "scann",
	Doc:     "ScaNN-style: k-means partitions, anisotropic product quantization of residuals, 4-bit SIMD fast scan, exact re-ranking",
	Metrics: vector.Metrics,
	Params: algorithms.Spec{
		{Name: "num_leaves", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: DefaultNumLeaves, Min: 1, Max: 1 << 22,
			Doc: "number of k-means partitions (leaves); spherical k-means for ip and angular; capped at the number of base vectors"},
		{Name: "dims_per_block", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: DefaultDimsPerBlock, Min: 1, Max: 64,
			Doc: "dimensions per quantization block; each block costs nbits bits per vector"},
		{Name: "nbits", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: DefaultNBits, Min: 4, Max: 8,
			Doc: "bits per block code: 4 (16 codewords, SIMD fast scan) or 8 (256 codewords, float table scan)"},
		{Name: "anisotropic_threshold", Kind: algorithms.Float, Stage: algorithms.IndexTime, Default: float64(MetricDefaultThreshold), Min: -1, Max: 0.999,
			Doc: "score threshold T of the anisotropic loss, relative to unit-norm data (scaled by the RMS norm otherwise); 0 = plain reconstruction loss; -1 = metric default (0.2 for ip and angular, 0 for l2)"},
		{Name: "training_sample_size", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: DefaultTrainingSampleSize, Min: 0, Max: 1 << 30,
			Doc: "number of points sampled to train the codebooks; 0 = all"},
		{Name: "training_iterations", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: DefaultTrainingIterations, Min: 1, Max: 1000,
			Doc: "alternating code-assignment / codeword-update rounds of codebook training"},
		{Name: "seed", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 1, Min: 0, Max: 1 << 62,
			Doc: "seed of sampling, k-means and codebook initialization"},
		{Name: "leaves_to_search", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: DefaultLeavesToSearch, Min: 1, Max: 1 << 22,
			Doc: "number of partitions scanned per query"},
		{Name: "reorder", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: DefaultReorder, Min: 0, Max: 1 << 20,
			Doc: "number of best candidates by quantized score re-scored with exact distances; 0 = return quantized ranking"},
	},
	New: func(metric vector.Metric, dim int, p algorithms.Params) (algorithms.Index, error) {
		return New(metric, dim, Options{
			NumLeaves:          p.Int("num_leaves", DefaultNumLeaves),
			DimsPerBlock:       p.Int("dims_per_block", DefaultDimsPerBlock),
			NBits:              p.Int("nbits", DefaultNBits),
			Threshold:          p.Float("anisotropic_threshold", MetricDefaultThreshold),
			TrainingSampleSize: p.Int("training_sample_size", DefaultTrainingSampleSize),
			TrainingIterations: p.Int("training_iterations", DefaultTrainingIterations),
			Seed:               uint64(p.Int("seed", 1)),
		})
	},
}

// Options are the index-time knobs. Zero values take the defaults above,
// except Threshold, whose zero means plain reconstruction loss.
type Options struct {
	// NumLeaves is the number of partitions (DefaultNumLeaves).
	NumLeaves int
	// DimsPerBlock is the sub-space width (DefaultDimsPerBlock).
	DimsPerBlock int
	// NBits is 4 or 8 (DefaultNBits).
	NBits int
	// Threshold is the anisotropic threshold T; negative means the
	// metric default (DefaultIPThreshold for ip and angular, 0 for l2).
	Threshold float64
	// TrainingSampleSize caps the codebook training sample; 0 = all points.
	TrainingSampleSize int
	// TrainingIterations is the number of training rounds
	// (DefaultTrainingIterations).
	TrainingIterations int
	// Seed seeds all randomness; 0 means 1.
	Seed uint64
}

// Index is a built (or loadable) ScaNN-style index.
type Index struct {
	metric vector.Metric
	dim    int
	opt    Options
	// threshold is the effective anisotropic threshold.
	threshold float64

	leavesToSearch, reorder int

	algorithms.TrainingSplit

	n         int
	rows      distance.Rows // n×dim base copy in leaf order for re-ranking; unit rows for angular; bytes when byte-valued l2 (rows.go)
	ids       []int32       // original id of each stored row
	centers   []float32     // L×dim
	nleaves   int
	leafStart []int32 // L+1 row offsets
	q         *quantizer
	codes     []byte    // 4-bit: packed groups per leaf; 8-bit: row-major
	codeStart []int64   // L+1 byte offsets into codes
	extra     []float32 // l2 only: ‖r̃‖² + 2c·r̃ per stored row
	maxLeaf   int
	exact     algorithms.StoredOrder // small allow-sets (filter.go)

	algorithms.BuildProgress
	algorithms.DistanceCounter
	pool sync.Pool
}

var _ algorithms.Tunable = (*Index)(nil)

// New returns an unbuilt index for dim-dimensional vectors.
func New(metric vector.Metric, dim int, opt Options) (*Index, error) {
	if err := algorithms.CheckShape(metric, dim); err != nil {
		return nil, fmt.Errorf("scann: %w", err)
	}
	if opt.NumLeaves == 0 {
		opt.NumLeaves = DefaultNumLeaves
	}
	if opt.DimsPerBlock == 0 {
		opt.DimsPerBlock = DefaultDimsPerBlock
	}
	if opt.NBits == 0 {
		opt.NBits = DefaultNBits
	}
	if opt.TrainingIterations == 0 {
		opt.TrainingIterations = DefaultTrainingIterations
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	switch {
	case opt.NumLeaves < 1:
		return nil, fmt.Errorf("scann: num_leaves must be at least 1, got %d", opt.NumLeaves)
	case opt.DimsPerBlock < 1:
		return nil, fmt.Errorf("scann: dims_per_block must be at least 1, got %d", opt.DimsPerBlock)
	case opt.NBits != 4 && opt.NBits != 8:
		return nil, fmt.Errorf("scann: nbits must be 4 or 8, got %d", opt.NBits)
	case opt.Threshold >= 1:
		return nil, fmt.Errorf("scann: anisotropic_threshold must be below 1 (or -1 for the metric default), got %g", opt.Threshold)
	case opt.TrainingSampleSize < 0:
		return nil, fmt.Errorf("scann: training_sample_size must be 0 (all) or positive, got %d", opt.TrainingSampleSize)
	case opt.TrainingIterations < 1:
		return nil, fmt.Errorf("scann: training_iterations must be at least 1, got %d", opt.TrainingIterations)
	}
	if nb := (dim + opt.DimsPerBlock - 1) / opt.DimsPerBlock; opt.NBits == 4 && nb > maxBlocks4 {
		return nil, fmt.Errorf("scann: %d blocks of %d dimensions exceed the 4-bit fast scan's limit of %d; raise dims_per_block", nb, opt.DimsPerBlock, maxBlocks4)
	}
	x := &Index{metric: metric, dim: dim, opt: opt,
		leavesToSearch: DefaultLeavesToSearch, reorder: DefaultReorder}
	x.threshold = opt.Threshold
	if x.threshold < 0 {
		x.threshold = 0
		if metric != vector.L2 {
			x.threshold = DefaultIPThreshold
		}
	}
	x.pool.New = func() any { return new(scratch) }
	return x, nil
}

// maxBlocks4 bounds the number of 4-bit blocks so that the 16-bit sums of
// the fast scan keep at least 16 quantization steps per block.
const maxBlocks4 = 4096

// Threshold returns the effective anisotropic threshold T.
func (x *Index) Threshold() float64 { return x.threshold }

// SetQuery applies leaves_to_search and reorder.
func (x *Index) SetQuery(p algorithms.Params) error {
	for name := range p {
		if name != "leaves_to_search" && name != "reorder" {
			return fmt.Errorf("scann: unknown query parameter %q (valid: leaves_to_search, reorder)", name)
		}
	}
	l := p.Int("leaves_to_search", x.leavesToSearch)
	r := p.Int("reorder", x.reorder)
	if l < 1 {
		return fmt.Errorf("scann: leaves_to_search must be at least 1, got %d", l)
	}
	if r < 0 {
		return fmt.Errorf("scann: reorder must be 0 (none) or positive, got %d", r)
	}
	x.leavesToSearch, x.reorder = l, r
	return nil
}

// SizeBytes returns the bytes held by the index: centres, codebooks, codes,
// ids, the l2 correction terms and the full-precision vectors kept for
// re-ranking.
func (x *Index) SizeBytes() int64 {
	s := x.rows.SizeBytes() + int64(len(x.centers)+len(x.extra))*4 + int64(len(x.ids)+len(x.leafStart))*4 +
		int64(len(x.codes)) + int64(len(x.codeStart))*8
	if x.q != nil {
		s += int64(len(x.q.codebooks)) * 4
	}
	return s
}
