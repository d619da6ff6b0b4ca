// Package ivfflat is the inverted file index with exact distances: k-means
// partitions the base into nlist lists, and a query scans the vectors of
// the nprobe lists whose centroids are nearest.
//
// Its coarse quantizer (Coarse) is shared with ivfpq.
//
// It imports algorithms, the kernels and codecs it builds on
// (algorithms/distance, topk, kmeans, binfmt) and datasets/vector and
// datasets/mapped; never the datasets catalogue, algorithms/registry,
// runner, report or cmd.
package ivfflat

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/kmeans"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/vector"
)

// NListParam and NProbeParam are the parameters of the lists, shared by
// ivfflat and ivfpq: how many there are, and how many a query scans.
var (
	NListParam = algorithms.ParamSpec{Name: "nlist", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 100, Min: 1, Max: 1 << 24,
		Doc: "number of k-means lists (capped at the number of base vectors)"}
	NProbeParam = algorithms.ParamSpec{Name: "nprobe", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: 1, Min: 1, Max: 1 << 24,
		Doc: "number of nearest lists scanned per query"}
)

// Algorithm is the registry entry of the IVF-Flat index.
var Algorithm = algorithms.Algorithm{
	Name:    "ivfflat",
	Doc:     "inverted file: k-means lists of full vectors, exact distances within the nprobe nearest lists",
	Metrics: vector.Metrics,
	Params: algorithms.Spec{
		NListParam,
		algorithms.TrainingSampleParam("for k-means, which further uses at most 256 per list"),
		algorithms.TrainingSeedParam,
		NProbeParam,
	},
	New: func(metric vector.Metric, dim int, p algorithms.Params) (algorithms.Index, error) {
		return New(metric, dim, Config{
			NList:              p.Int("nlist", 100),
			TrainingSampleSize: p.Int("training_sample_size", 100000),
			Seed:               uint64(p.Int("seed", 1)),
		})
	},
}

// Config holds the index-time settings of an IVF-Flat index.
type Config struct {
	// NList is the number of lists (default 100).
	NList int
	// TrainingSampleSize caps the vectors k-means sees (default 100000).
	TrainingSampleSize int
	// Seed seeds sampling and k-means (default 1).
	Seed uint64
	// Iterations is the number of k-means iterations (default
	// DefaultIterations).
	Iterations int
}

func (c *Config) defaults() {
	if c.NList <= 0 {
		c.NList = 100
	}
	if c.TrainingSampleSize <= 0 {
		c.TrainingSampleSize = 100000
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Iterations <= 0 {
		c.Iterations = DefaultIterations
	}
}

// Index is an IVF-Flat index. Build, SetQuery and Load must not run
// concurrently with Search.
type Index struct {
	metric vector.Metric
	dim    int
	cfg    Config
	nprobe int

	coarse  *Coarse
	offsets []int         // list l holds positions offsets[l]..offsets[l+1]
	ids     []int32       // base id of each position
	rows    distance.Rows // vectors in list order, as bytes when compact (compact.go)
	maxList int
	exact   algorithms.StoredOrder // small allow-sets (filter.go)

	algorithms.TrainingSplit
	algorithms.BuildProgress
	algorithms.DistanceCounter // coarse distances included
	pool                       sync.Pool
}

var (
	_ algorithms.Tunable          = (*Index)(nil)
	_ algorithms.StorageDescriber = (*Index)(nil)
)

// New returns an empty IVF-Flat index for dim-dimensional vectors.
func New(metric vector.Metric, dim int, cfg Config) (*Index, error) {
	if err := algorithms.CheckShape(metric, dim); err != nil {
		return nil, fmt.Errorf("ivfflat: %w", err)
	}
	cfg.defaults()
	x := &Index{metric: metric, dim: dim, cfg: cfg, nprobe: 1}
	x.pool.New = func() any { return new(scratch) }
	return x, nil
}

// Build trains the coarse quantizer and files every base vector in the
// list of its nearest centroid.
func (x *Index) Build(ctx context.Context, base vector.Matrix) error {
	if err := x.CheckBase(base, x.dim); err != nil {
		return fmt.Errorf("ivfflat: %w", err)
	}
	x.coarse, x.offsets, x.ids, x.rows, x.maxList = nil, nil, nil, distance.Rows{}, 0
	if base.Rows == 0 {
		return nil
	}
	train := kmeans.Sample(x.TrainingData(base), x.cfg.TrainingSampleSize, x.cfg.Seed)
	p := x.Progress()
	coarse, err := TrainCoarse(ctx, train, x.cfg.NList, x.metric, x.cfg.Seed, x.cfg.Iterations, p)
	if err != nil {
		return fmt.Errorf("ivfflat: %w", err)
	}
	p.Stage("assign", int64(base.Rows))
	assign := coarse.Assign(base)
	p.Done(int64(base.Rows))
	offsets, order := Group(assign, coarse.NList())
	d := x.dim
	vectors := make([]float32, base.Rows*d)
	for pos, id := range order {
		copy(vectors[pos*d:pos*d+d], base.Row(int(id)))
	}
	x.coarse, x.offsets, x.ids = coarse, offsets, order
	x.setVectors(vectors)
	x.maxList = MaxListLen(offsets)
	x.DropTrainingData()
	return ctx.Err()
}

// Group sorts ids by list: it returns offsets (list l holds positions
// offsets[l] to offsets[l+1]) and the ids in list order, ascending within a
// list.
func Group(assign []int32, nlist int) ([]int, []int32) {
	offsets := make([]int, nlist+1)
	for _, l := range assign {
		offsets[l+1]++
	}
	for l := 0; l < nlist; l++ {
		offsets[l+1] += offsets[l]
	}
	fill := append([]int(nil), offsets[:nlist]...)
	order := make([]int32, len(assign))
	for id, l := range assign {
		order[fill[l]] = int32(id)
		fill[l]++
	}
	return offsets, order
}

// MaxListLen returns the length of the longest list given the offsets
// Group or ListOffsets returned; IVF-PQ sizes its scratch by it too.
func MaxListLen(offsets []int) int {
	m := 0
	for l := 0; l+1 < len(offsets); l++ {
		m = max(m, offsets[l+1]-offsets[l])
	}
	return m
}

// SetQuery applies the query-time parameter nprobe.
func (x *Index) SetQuery(p algorithms.Params) error {
	n := p.Int("nprobe", 1)
	if n < 1 {
		return fmt.Errorf("ivfflat: nprobe must be >= 1, got %d", n)
	}
	x.nprobe = n
	return nil
}

// SizeBytes returns the bytes of centroids, ids, offsets and vectors
// (float32 or, when compact, bytes).
func (x *Index) SizeBytes() int64 {
	if x.coarse == nil {
		return 0
	}
	return 4*int64(len(x.coarse.Centroids.Data)+len(x.coarse.norms)+len(x.ids)) + x.rows.SizeBytes() + 8*int64(len(x.offsets))
}

// scratch is the per-search working memory, recycled through a sync.Pool.
type scratch struct {
	probe Probe
	dis   []float32 // one list's distances, maxList long
	tmp   []float32 // four rows converted from bytes (compact.go)
	heap  topk.Heap
}

// fit makes dis long enough for the longest list and tmp for four rows of
// dim elements.
func (s *scratch) fit(maxList, dim int) {
	s.dis = slices.Grow(s.dis[:0], maxList)
	s.tmp = slices.Grow(s.tmp[:0], 4*dim)[:4*dim]
}
