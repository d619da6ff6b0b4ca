// Package ivfpq is the inverted file with product-quantized residuals, as
// faiss's IndexIVFPQ: k-means lists, each vector stored as the PQ code of
// its residual from the list centroid, queries scored by ADC over the
// nprobe nearest lists and optionally re-ranked with exact distances (as
// faiss's IndexRefineFlat).
//
// For l2 the distance splits as ||q-c||² + (||y||² + 2<c,y>) - 2<q,y> for
// centroid c and decoded residual y. The middle term does not depend on the
// query, so it is stored per vector at build time (4 bytes), and one
// lookup table -2<q_m, y_m> per query serves every list: no per-list table
// is computed at search time.
//
// It imports algorithms, the kernels and codecs it builds on
// (algorithms/distance, topk, kmeans, binfmt, and the ivfflat and pq
// packages whose lists and quantizer it shares) and datasets/vector and
// datasets/mapped; never the datasets catalogue, algorithms/registry,
// runner, report or cmd.
package ivfpq

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/ivfflat"
	"github.com/annbench/annbench/algorithms/kmeans"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// Algorithm is the registry entry of the IVF-PQ index.
var Algorithm = algorithms.Algorithm{
	Name:    "ivfpq",
	Doc:     "inverted file with PQ-encoded residuals (faiss IndexIVFPQ), ADC scan of nprobe lists, optional exact rerank",
	Metrics: vector.Metrics,
	Params: algorithms.Spec{
		ivfflat.NListParam,
		pq.CodeParams[0], pq.CodeParams[1],
		algorithms.TrainingSampleParam("to learn centroids and codebooks"),
		algorithms.TrainingSeedParam,
		pq.CodeParams[2],
		ivfflat.NProbeParam,
		pq.RerankParam,
	},
	New: func(metric vector.Metric, dim int, p algorithms.Params) (algorithms.Index, error) {
		return New(metric, dim, Config{NList: p.Int("nlist", 100), Config: pq.ConfigFrom(p)})
	},
}

// Config holds the index-time settings of an IVF-PQ index.
type Config struct {
	// NList is the number of lists (default 100).
	NList int
	// Config holds the settings of the residual codes (M, NBits,
	// StoreVectors) and of training (TrainingSampleSize and Seed, which
	// the coarse quantizer uses too), with pq's defaults.
	pq.Config
	// Iterations is the number of k-means iterations of the coarse
	// quantizer (default ivfflat.DefaultIterations).
	Iterations int
}

// Index is an IVF-PQ index. Build, SetQuery and Load must not run
// concurrently with Search.
type Index struct {
	metric vector.Metric
	dim    int
	cfg    Config
	nprobe int
	rerank int

	coarse  *ivfflat.Coarse
	q       *pq.Quantizer
	offsets []int     // list l holds positions offsets[l]..offsets[l+1]
	ids     []int32   // base id of each position
	codes   []byte    // M bytes per position
	terms   []float32 // l2 only: ||y||² + 2<c,y> per position
	vectors []float32 // full vectors in id order, when stored
	maxList int

	algorithms.TrainingSplit
	algorithms.BuildProgress
	algorithms.DistanceCounter // coarse distances included
	pool                       sync.Pool
}

var _ algorithms.Tunable = (*Index)(nil)

// New returns an empty IVF-PQ index for dim-dimensional vectors.
func New(metric vector.Metric, dim int, cfg Config) (*Index, error) {
	if err := algorithms.CheckShape(metric, dim); err != nil {
		return nil, fmt.Errorf("ivfpq: %w", err)
	}
	if cfg.NList <= 0 {
		cfg.NList = 100
	}
	if err := cfg.Fill(dim); err != nil {
		return nil, fmt.Errorf("ivfpq: %w", err)
	}
	q, err := pq.NewQuantizer(dim, cfg.M)
	if err != nil {
		return nil, fmt.Errorf("ivfpq: %w", err)
	}
	x := &Index{metric: metric, dim: dim, cfg: cfg, q: q, nprobe: 1}
	x.pool.New = func() any { return &scratch{tab: pq.NewTable(cfg.M)} }
	return x, nil
}

// Build trains the coarse quantizer and the residual codebooks, then files
// and encodes every base vector.
func (x *Index) Build(ctx context.Context, base vector.Matrix) error {
	if err := x.CheckBase(base, x.dim); err != nil {
		return fmt.Errorf("ivfpq: %w", err)
	}
	x.coarse, x.offsets, x.ids, x.codes, x.terms, x.vectors, x.maxList = nil, nil, nil, nil, nil, nil, 0
	if base.Rows == 0 {
		return nil
	}
	train := kmeans.Sample(x.TrainingData(base), x.cfg.TrainingSampleSize, x.cfg.Seed)
	p := x.Progress()
	coarse, err := ivfflat.TrainCoarse(ctx, train, x.cfg.NList, x.metric, x.cfg.Seed, x.cfg.Iterations, p)
	if err != nil {
		return fmt.Errorf("ivfpq: %w", err)
	}
	resid := residuals(train, coarse, coarse.Assign(train))
	if err := x.q.Train(ctx, resid, pq.TrainOptions{Seed: x.cfg.Seed, Progress: p}); err != nil {
		return fmt.Errorf("ivfpq: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ivfpq: %w", err)
	}
	p.Stage("encode", int64(base.Rows))
	assign := coarse.Assign(base)
	offsets, order := ivfflat.Group(assign, coarse.NList())
	x.encode(base, coarse, assign, order, p)
	if x.cfg.StoreVectors {
		x.vectors = base.Compact(true).Data
	}
	x.coarse, x.offsets, x.ids = coarse, offsets, order
	x.maxList = ivfflat.MaxListLen(offsets)
	x.DropTrainingData()
	return ctx.Err()
}

// residuals returns data minus the centroid of each row's list.
func residuals(data vector.Matrix, c *ivfflat.Coarse, assign []int32) vector.Matrix {
	out := vector.NewMatrix(data.Rows, data.Dim)
	for i := 0; i < data.Rows; i++ {
		r, v, cv := out.Row(i), data.Row(i), c.Centroids.Row(int(assign[i]))
		for j := range r {
			r[j] = v[j] - cv[j]
		}
	}
	return out
}

// encode fills codes (and terms for l2) in list order, in parallel,
// telling p of every 1024 vectors encoded.
func (x *Index) encode(base vector.Matrix, c *ivfflat.Coarse, assign, order []int32, p algorithms.Progress) {
	m, d := x.cfg.M, x.dim
	n := len(order)
	x.codes = make([]byte, n*m)
	if x.metric == vector.L2 {
		x.terms = make([]float32, n)
	}
	threads := runtime.GOMAXPROCS(0)
	per := (n + threads - 1) / threads
	var wg sync.WaitGroup
	var faults mapped.Faults // the data may be a memory-mapped file
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			faults.Guard(func() {
				r := make([]float32, d)
				buf := make([]float32, pq.Ksub)
				since := 0
				for pos := lo; pos < hi; pos++ {
					id := int(order[pos])
					v, cv := base.Row(id), c.Centroids.Row(int(assign[id]))
					for j := range r {
						r[j] = v[j] - cv[j]
					}
					code := x.codes[pos*m : pos*m+m]
					x.q.EncodeBuf(r, code, buf)
					if x.terms != nil {
						x.terms[pos] = x.q.CodeTerm(cv, code)
					}
					if since++; since == 1024 || pos == hi-1 {
						p.Done(int64(since))
						since = 0
					}
				}
			})
		}(lo, hi)
	}
	wg.Wait()
	faults.Raise()
}

// SetQuery applies the query-time parameters nprobe and rerank.
func (x *Index) SetQuery(p algorithms.Params) error {
	n, r := p.Int("nprobe", 1), p.Int("rerank", 0)
	if n < 1 {
		return fmt.Errorf("ivfpq: nprobe must be >= 1, got %d", n)
	}
	if r < 0 {
		return fmt.Errorf("ivfpq: rerank must be >= 0, got %d", r)
	}
	if r > 0 && !x.cfg.StoreVectors {
		return fmt.Errorf("ivfpq: rerank=%d needs the index built with store_vectors=true", r)
	}
	x.nprobe, x.rerank = n, r
	return nil
}

// SizeBytes returns the bytes of centroids, codebooks, codes, per-vector
// terms, ids and stored vectors.
func (x *Index) SizeBytes() int64 {
	if x.coarse == nil {
		return 0
	}
	return 4*int64(len(x.coarse.Centroids.Data)+len(x.terms)+len(x.ids)+len(x.vectors)) +
		8*int64(len(x.offsets)) + int64(len(x.codes)) + x.q.SizeBytes()
}

// scratch is the per-search working memory, recycled through a sync.Pool.
type scratch struct {
	tab   pq.Table
	probe ivfflat.Probe
	dis   []float32 // one list's distances, maxList long
	cand  []int32
	heap  topk.Heap
	exact topk.Heap
}

// fit makes dis long enough for the longest list.
func (s *scratch) fit(maxList int) { s.dis = slices.Grow(s.dis[:0], maxList) }
