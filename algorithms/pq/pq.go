// Package pq is product quantization without partitioning: every base
// vector is stored as an M-byte code and a query scans all codes with a
// per-query lookup table (asymmetric distance computation, ADC), optionally
// re-scoring the best candidates with exact distances.
//
// The Quantizer, Table and Scan are exported for the other quantizing
// indexes (ivfpq, scann).
//
// It imports algorithms, the kernels and codecs it builds on
// (algorithms/distance, topk, kmeans, binfmt) and datasets/vector and
// datasets/mapped; never the datasets catalogue, algorithms/registry,
// runner, report or cmd.
package pq

import (
	"context"
	"fmt"
	"sync"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/kmeans"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/vector"
)

// CodeParams are the index-time parameters of the PQ codes (M, nbits,
// store_vectors), shared by pq and ivfpq.
var CodeParams = algorithms.Spec{
	{Name: "M", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 0, Min: 0, Max: 65536,
		Doc: "number of sub-quantizers (bytes per code); must divide the dimension; 0 picks dim/4, dim/8, dim/2 or dim, the first that divides"},
	{Name: "nbits", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 8,
		Doc: "bits per sub-quantizer code; only 8 is supported"},
	{Name: "store_vectors", Kind: algorithms.Bool, Stage: algorithms.IndexTime, Default: true,
		Doc: "keep the full vectors so rerank can re-score candidates exactly (costs dim*4 bytes per vector)"},
}

// RerankParam is the query-time exact re-ranking parameter shared by pq and
// ivfpq.
var RerankParam = algorithms.ParamSpec{Name: "rerank", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: 0, Min: 0, Max: 1 << 20,
	Doc: "re-score this many ADC candidates with exact distances (0 = return ADC order; needs store_vectors)"}

// Algorithm is the registry entry of the PQ index.
var Algorithm = algorithms.Algorithm{
	Name:    "pq",
	Doc:     "product quantization: 8-bit codes per sub-vector, exhaustive ADC scan, optional exact re-ranking",
	Metrics: vector.Metrics,
	Params: algorithms.Spec{
		CodeParams[0], CodeParams[1], CodeParams[2],
		algorithms.TrainingSampleParam("to learn the codebooks"),
		algorithms.TrainingSeedParam,
		RerankParam,
	},
	New: func(metric vector.Metric, dim int, p algorithms.Params) (algorithms.Index, error) {
		return New(metric, dim, ConfigFrom(p))
	},
}

// Config holds the index-time settings of a PQ index.
type Config struct {
	// M is the number of sub-quantizers; 0 picks DefaultM(dim).
	M int
	// NBits is the code width per sub-quantizer; only 8 is supported.
	NBits int
	// TrainingSampleSize caps the training vectors (default 100000).
	TrainingSampleSize int
	// Seed seeds sampling and k-means (default 1).
	Seed uint64
	// StoreVectors keeps the full vectors for exact re-ranking.
	StoreVectors bool
}

// ConfigFrom reads a Config from the index-time parameters M, nbits,
// training_sample_size, seed and store_vectors, which pq and ivfpq both
// declare.
func ConfigFrom(p algorithms.Params) Config {
	return Config{
		M:                  p.Int("M", 0),
		NBits:              p.Int("nbits", 8),
		TrainingSampleSize: p.Int("training_sample_size", 100000),
		Seed:               uint64(p.Int("seed", 1)),
		StoreVectors:       p.Bool("store_vectors", true),
	}
}

// Fill replaces the zero fields by their defaults for dim-dimensional
// vectors and rejects an NBits other than 8; New and ivfpq.New call it.
func (c *Config) Fill(dim int) error {
	if c.M == 0 {
		c.M = DefaultM(dim)
	}
	if c.NBits == 0 {
		c.NBits = 8
	}
	if c.NBits != 8 {
		return fmt.Errorf("nbits=%d is not supported (only 8)", c.NBits)
	}
	if c.TrainingSampleSize <= 0 {
		c.TrainingSampleSize = 100000
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return nil
}

// DefaultM returns the first of dim/4, dim/8, dim/2 and dim that is
// positive and divides dim, the choice the faiss peer script makes.
func DefaultM(dim int) int {
	for _, m := range []int{dim / 4, dim / 8, dim / 2, dim} {
		if m > 0 && dim%m == 0 {
			return m
		}
	}
	return dim
}

// Index is a PQ index. Build, SetQuery and Load must not run concurrently
// with Search.
type Index struct {
	metric vector.Metric
	dim    int
	cfg    Config
	rerank int

	q       *Quantizer
	codes   []byte
	vectors []float32
	n       int

	algorithms.TrainingSplit
	algorithms.BuildProgress
	algorithms.DistanceCounter
	pool sync.Pool
}

var _ algorithms.Tunable = (*Index)(nil)

// New returns an empty PQ index for dim-dimensional vectors.
func New(metric vector.Metric, dim int, cfg Config) (*Index, error) {
	if err := algorithms.CheckShape(metric, dim); err != nil {
		return nil, fmt.Errorf("pq: %w", err)
	}
	if err := cfg.Fill(dim); err != nil {
		return nil, fmt.Errorf("pq: %w", err)
	}
	q, err := NewQuantizer(dim, cfg.M)
	if err != nil {
		return nil, err
	}
	x := &Index{metric: metric, dim: dim, cfg: cfg, q: q}
	x.pool.New = func() any { return &scratch{tab: NewTable(cfg.M), dis: make([]float32, scanBlock)} }
	return x, nil
}

// Build learns the codebooks and encodes every base vector.
func (x *Index) Build(ctx context.Context, base vector.Matrix) error {
	if err := x.CheckBase(base, x.dim); err != nil {
		return fmt.Errorf("pq: %w", err)
	}
	x.n, x.codes, x.vectors = 0, nil, nil
	if base.Rows == 0 {
		return nil
	}
	train := kmeans.Sample(x.TrainingData(base), x.cfg.TrainingSampleSize, x.cfg.Seed)
	p := x.Progress()
	if err := x.q.Train(ctx, train, TrainOptions{Seed: x.cfg.Seed, Progress: p}); err != nil {
		return err
	}
	codes := make([]byte, base.Rows*x.cfg.M)
	// Encoded in chunks so that progress moves on a large base.
	p.Stage("encode", int64(base.Rows))
	for lo := 0; lo < base.Rows; lo += encodeChunk {
		hi := min(lo+encodeChunk, base.Rows)
		x.q.EncodeMatrix(base.Slice(lo, hi), codes[lo*x.cfg.M:hi*x.cfg.M], 0)
		p.Done(int64(hi - lo))
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if x.cfg.StoreVectors {
		x.vectors = base.Compact(true).Data
	}
	x.codes, x.n = codes, base.Rows
	x.DropTrainingData()
	return ctx.Err()
}

// SetQuery applies the query-time parameter rerank.
func (x *Index) SetQuery(p algorithms.Params) error {
	r := p.Int("rerank", 0)
	if r < 0 {
		return fmt.Errorf("pq: rerank must be >= 0, got %d", r)
	}
	if r > 0 && !x.cfg.StoreVectors {
		return fmt.Errorf("pq: rerank=%d needs the index built with store_vectors=true", r)
	}
	x.rerank = r
	return nil
}

// SizeBytes returns the bytes of codebooks, codes and stored vectors.
func (x *Index) SizeBytes() int64 {
	return x.q.SizeBytes() + int64(len(x.codes)) + 4*int64(len(x.vectors))
}

// scratch is the per-search working memory, recycled through a sync.Pool.
type scratch struct {
	tab   Table
	dis   []float32
	heap  topk.Heap
	exact topk.Heap
	cand  []int32
}

// encodeChunk is how many base vectors Build encodes between progress
// reports.
const encodeChunk = 1 << 16
