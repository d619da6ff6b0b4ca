// Package hnsw is a Hierarchical Navigable Small World graph index
// (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor
// search using Hierarchical Navigable Small World graphs", 2016/2018).
//
// Every vector becomes a node on layer 0 and, with geometrically falling
// probability (level multiplier 1/ln M), on higher layers too. Search walks
// greedily down from the single top-level entry point and then runs a
// best-first search of width ef on layer 0. Neighbour lists are chosen with
// the paper's heuristic (Algorithm 4): a candidate is kept only if it is
// nearer to the node than to every neighbour already kept, which preserves
// links across clusters.
//
// The layout is built for speed: vectors in one contiguous slice, neighbour
// lists as fixed-size slots in two flat uint32 blocks, a visited set reset
// by an epoch counter, and hand-written heaps without interfaces.
//
// It imports algorithms, the kernels and codecs it builds on
// (algorithms/distance, topk, kmeans, binfmt) and datasets/vector and
// datasets/mapped; never the datasets catalogue, algorithms/registry,
// runner, report or cmd.
package hnsw

import (
	"fmt"
	"math"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/vector"
)

// Defaults of the tuning knobs.
const (
	// DefaultM is the number of neighbours a node links to on the upper
	// layers; layer 0 allows 2M.
	DefaultM = 16
	// DefaultEfConstruction is the width of the candidate search that
	// finds a new node's neighbours during Build.
	DefaultEfConstruction = 200
	// DefaultEf is the width of the layer-0 search at query time; the
	// effective width is max(ef, k).
	DefaultEf = 64
	// DefaultSeed seeds the level generator.
	DefaultSeed = 1
	// maxLevels caps the number of layers a node may appear on; with
	// M >= 2 the chance of needing more is below 2^-30 per node.
	maxLevels = 32
)

// Algorithm is the registry entry of the HNSW index.
var Algorithm = algorithms.Algorithm{
	Name:    "hnsw",
	Doc:     "Hierarchical Navigable Small World graph (Malkov & Yashunin) with the neighbour-selection heuristic",
	Metrics: vector.Metrics,
	Params: algorithms.Spec{
		{Name: "M", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: DefaultM, Min: 2, Max: 1024,
			Doc: "neighbours per node on the upper layers (2M on layer 0); more links raise recall and memory"},
		{Name: "ef_construction", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: DefaultEfConstruction, Min: 1, Max: 1 << 20,
			Doc: "candidate list size when inserting a node; larger builds a better graph, slower"},
		{Name: "seed", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: DefaultSeed, Min: 0, Max: math.MaxInt64,
			Doc: "seed of the random level assignment"},
		{Name: "threads", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 0, Min: 0, Max: 4096,
			Doc: "goroutines inserting in parallel during Build (0 = GOMAXPROCS; 1 = deterministic graph for a given seed)"},
		{Name: "ef", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: DefaultEf, Min: 1, Max: 1 << 20,
			Doc: "candidate list size at query time (at least k is used); larger raises recall, slower"},
	},
	New: func(metric vector.Metric, dim int, p algorithms.Params) (algorithms.Index, error) {
		return New(metric, dim, Config{
			M:              p.Int("M", DefaultM),
			EfConstruction: p.Int("ef_construction", DefaultEfConstruction),
			Seed:           uint64(p.Int("seed", DefaultSeed)),
			Threads:        p.Int("threads", 0),
		})
	},
}

// Config holds the index-time knobs. Zero fields take their defaults.
type Config struct {
	// M is the number of neighbours per node on layers >= 1; layer 0
	// keeps up to 2M. Default 16.
	M int
	// EfConstruction is the candidate list size used while inserting.
	// Default 200.
	EfConstruction int
	// Seed seeds the level generator. Default 0 is a valid seed; the
	// registry passes 1 unless told otherwise.
	Seed uint64
	// Threads is the number of goroutines inserting during Build; 0 means
	// GOMAXPROCS and 1 gives a graph that depends only on the data and
	// Seed.
	Threads int
}

func (c *Config) fill() error {
	if c.M == 0 {
		c.M = DefaultM
	}
	if c.EfConstruction == 0 {
		c.EfConstruction = DefaultEfConstruction
	}
	if c.M < 2 {
		return fmt.Errorf("hnsw: M must be at least 2, got %d", c.M)
	}
	if c.EfConstruction < 1 {
		return fmt.Errorf("hnsw: ef_construction must be positive, got %d", c.EfConstruction)
	}
	if c.Threads < 0 {
		return fmt.Errorf("hnsw: threads must be >= 0, got %d", c.Threads)
	}
	return nil
}
