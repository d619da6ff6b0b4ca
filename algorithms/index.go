// Package algorithms defines what an approximate nearest neighbour index
// adapter is: the Index interface every adapter implements, the optional
// one-method interfaces the runner discovers by type assertion, and the
// parameter specs that make adapters configurable from YAML.
//
// Adapters live in sub-packages (flat, hnsw, ivfflat, ...); the explicit list
// of them is in the registry sub-package.
//
// It imports only datasets/vector: indexes, the registry and the runner
// import it, never the reverse, and it knows no index.
package algorithms

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/annbench/annbench/datasets/vector"
)

// Index is what every adapter implements.
type Index interface {
	// Build trains the index if it needs training and adds all base
	// vectors. The index must not keep base after Build returns unless it
	// copies it: base may be a memory mapping that is closed later.
	Build(ctx context.Context, base vector.Matrix) error
	// Search writes the ids of up to k base vectors nearest to q into
	// dst[:0], nearest first, and returns the slice. It must not allocate
	// in steady state when cap(dst) >= k, and it is safe for concurrent use
	// after Build. A query of the wrong dimension returns no results.
	Search(q []float32, k int, dst []int32) []int32
}

// QueryTuner is implemented by indexes whose query-time parameters (ef,
// nprobe, rerank, ...) can change without rebuilding. SetQuery is not called
// concurrently with Search.
type QueryTuner interface {
	SetQuery(p Params) error
}

// Saver is implemented by indexes that can persist themselves in a
// versioned binary format.
type Saver interface {
	Save(w io.Writer) error
}

// Loader is implemented by indexes that can restore what Save wrote. Load
// is called on a fresh index made by the same factory with the same
// parameters.
type Loader interface {
	Load(r io.Reader) error
}

// Sizer is implemented by indexes that know how many bytes their structure
// holds (vectors, codes, graph), excluding transient scratch space.
type Sizer interface {
	SizeBytes() int64
}

// StorageDescriber is implemented by indexes that choose at build or load
// time how they store their data, beyond what their parameters say (ivfflat
// keeps byte-valued vectors as bytes). Storage names the choice ("uint8",
// "float32"); the runner records it with the build.
type StorageDescriber interface {
	Storage() string
}

// Persistent is the set of capabilities every built-in index has, stated
// once: an Index that saves itself, restores what it saved (so the runner
// can keep it in its index cache) and reports its size. Each built-in
// index asserts it at compile time; the conformance suite checks the
// round trip.
type Persistent interface {
	Index
	Saver
	Loader
	Sizer
}

// Tunable is a Persistent index whose query-time parameters change
// without a rebuild: every built-in index but flat, each of which asserts
// it at compile time.
type Tunable interface {
	Persistent
	QueryTuner
}

// Counter is implemented by indexes that count distance computations.
type Counter interface {
	// DistanceCount returns the number of distance computations since the
	// last ResetDistanceCount.
	DistanceCount() int64
	// ResetDistanceCount sets the count to zero.
	ResetDistanceCount()
}

// DistanceCounter is the Counter an index embeds: its searches add what
// they computed with AddDistances, from any goroutine.
type DistanceCounter struct{ n atomic.Int64 }

var _ Counter = (*DistanceCounter)(nil)

// AddDistances counts n more distance computations.
func (c *DistanceCounter) AddDistances(n int64) { c.n.Add(n) }

// DistanceCount returns the distances computed since the last reset.
func (c *DistanceCounter) DistanceCount() int64 { return c.n.Load() }

// ResetDistanceCount sets the distance count to zero.
func (c *DistanceCounter) ResetDistanceCount() { c.n.Store(0) }

// BatchSearcher is implemented by indexes with a faster path for many
// queries at once (blocked computation). SearchBatch writes the results of
// query i to dst[i*k : i*k+k], padding missing results with -1, using up to
// threads goroutines.
type BatchSearcher interface {
	SearchBatch(ctx context.Context, queries vector.Matrix, k, threads int, dst []int32) error
}

// Trainer is implemented by indexes that learn from data (k-means
// centroids, PQ codebooks). When the dataset has a separate learn/train
// split, the runner hands it over before Build, and the index trains on it
// instead of a sample of the base.
type Trainer interface {
	SetTrainingData(train vector.Matrix)
}

// TrainingSplit is the Trainer an index embeds: it keeps the split the
// runner hands over until Build has used it.
type TrainingSplit struct{ train vector.Matrix }

var _ Trainer = (*TrainingSplit)(nil)

// SetTrainingData makes Build train on train (a learn split) instead of
// the base. train is used only during Build.
func (t *TrainingSplit) SetTrainingData(train vector.Matrix) { t.train = train }

// CheckBase is CheckBase for an index that trains: it checks base, and
// the split SetTrainingData set, if any, the same way.
func (t *TrainingSplit) CheckBase(base vector.Matrix, dim int) error {
	if err := CheckBase(base, dim); err != nil {
		return err
	}
	if t.train.Rows == 0 {
		return nil
	}
	if err := t.train.Validate(); err != nil {
		return fmt.Errorf("training data: %w", err)
	}
	if t.train.Dim != dim {
		return fmt.Errorf("training data dimension %d, index dimension %d", t.train.Dim, dim)
	}
	return nil
}

// TrainingData returns the split SetTrainingData set, or base when none
// was set; CheckBase has checked both.
func (t *TrainingSplit) TrainingData(base vector.Matrix) vector.Matrix {
	if t.train.Rows == 0 {
		return base
	}
	return t.train
}

// DropTrainingData forgets the split; Build calls it once it has trained.
func (t *TrainingSplit) DropTrainingData() { t.train = vector.Matrix{} }

// TrainingSampleParam is the index-time parameter training_sample_size of
// an index that trains on a seeded sample of TrainingData (pq, ivfflat,
// ivfpq); learns ends its doc, saying what the sample trains.
func TrainingSampleParam(learns string) ParamSpec {
	return ParamSpec{Name: "training_sample_size", Kind: Int, Stage: IndexTime, Default: 100000, Min: 1, Max: 1 << 30,
		Doc: "vectors sampled from the train split (or the base when there is none) " + learns}
}

// TrainingSeedParam is the index-time parameter seed of those indexes.
var TrainingSeedParam = ParamSpec{Name: "seed", Kind: Int, Stage: IndexTime, Default: 1, Min: 0, Max: 1 << 62,
	Doc: "seed of sampling and k-means"}

// TimedRequest describes the timed passes a SelfTimer runs.
type TimedRequest struct {
	// Queries are the query vectors, searched in order.
	Queries vector.Matrix
	// K is the number of neighbours requested per query.
	K int
	// Batch selects one call per pass over all queries instead of one
	// call per query.
	Batch bool
	// Threads is the number of threads a batch call may use (1 in single
	// mode).
	Threads int
	// Warmup is the number of untimed passes before the timed ones.
	Warmup int
	// Passes is the number of timed passes.
	Passes int
	// Repeats is how many times each timed pass runs the whole query set
	// (at least 1).
	Repeats int
	// MinPassSeconds, when positive, lets the index raise Repeats after
	// the warm-up until one pass lasts at least this long.
	MinPassSeconds float64
	// Allow, when not nil, holds each query's allow-set: query i may
	// return only ids allow[i] contains.
	Allow []*Allow
}

// TimedPasses is what a SelfTimer measured.
type TimedPasses struct {
	// Filter says how a filtered request was served: "native" (the
	// library's own filtered search) or "post" (over-fetch, then drop
	// disallowed ids inside the timed loop); empty without a filter.
	Filter string
	// IDs holds, per query, the ids of the last timed pass, nearest first.
	IDs [][]int32
	// PassSeconds holds the wall time of each timed pass; a pass covers
	// Repeats × queries searches.
	PassSeconds []float64
	// PassCPUSeconds, when the index reports it, holds the CPU time its
	// process used during each timed pass.
	PassCPUSeconds []float64
	// Repeats is the number of query-set repetitions per pass actually
	// used.
	Repeats int
	// LatencyNS holds the time of every single search of every timed pass
	// in nanoseconds (single mode only).
	LatencyNS []float64
	// RoundTripSeconds is the harness's own wall time of the whole
	// request, for checking the self-reported times.
	RoundTripSeconds float64
	// Implausible explains why the self-reported times do not fit the
	// round trip ("" when they do).
	Implausible string
}

// SelfTimer is implemented by indexes that must time their own passes,
// such as libraries running in another process, where timing each query
// from here would measure the pipe between the processes. The runner uses
// it instead of timing Search.
type SelfTimer interface {
	TimePasses(ctx context.Context, req TimedRequest) (TimedPasses, error)
}

// ProcessMemory is implemented by indexes that live in a process of their
// own. PeakRSS returns that process's peak resident set size in bytes.
type ProcessMemory interface {
	PeakRSS() int64
}

// Threader is implemented by indexes that size their own thread pools
// (libraries in another process). The runner calls SetThreads before Build
// with the run's thread count, 1 in single mode.
type Threader interface {
	SetThreads(n int)
}
