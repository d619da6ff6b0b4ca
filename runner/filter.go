package runner

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/groundtruth"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
)

// maxAllowBytes caps the memory the per-query allow-sets of one workload
// may take (a bitset of the base per query for attribute ranges).
const maxAllowBytes = 2 << 30

// workload is a filter workload made concrete for one dataset: the
// allow-set of every query, the exact neighbours among the allowed rows,
// and what a report says about it.
type workload struct {
	spec config.FilterSpec
	// allow holds each query's allow-set; nil for the unfiltered workload.
	// Queries with the same set share one *Allow.
	allow []*algorithms.Allow
	// truth is the exact top-k among each query's allowed rows, padded with
	// -1 where fewer than k rows are allowed.
	truth vector.IDMatrix
	// selectivity is the mean allowed share of the base over the queries.
	selectivity float64
	// short counts queries with fewer than k allowed rows; they are scored
	// over the rows they have, and reported.
	short int
	// scorer scores results against truth and the allow-sets; nil for the
	// unfiltered workload, which uses the dataset's ground truth.
	scorer *score.Truth
}

// workloadsFor makes the plan's filter workloads concrete for ds, in the
// config's order, and logs what each one allows.
func workloadsFor(ctx context.Context, cfg *config.Config, ds *datasets.Dataset, log io.Writer) ([]*workload, error) {
	var out []*workload
	for _, spec := range cfg.Workloads() {
		start := time.Now()
		w, err := newWorkload(ctx, spec, ds, cfg.K)
		if err != nil {
			return nil, err
		}
		if w.filtered() {
			allow := w.allow
			w.scorer, err = score.NewFiltered(ds.Metric, ds.Base, ds.Query, w.truth, cfg.K,
				func(qi int, id int32) bool { return allow[qi].Contains(id) })
			if err != nil {
				return nil, fmt.Errorf("dataset %s: filter %s: %w", ds.Name, w.id(), err)
			}
			fmt.Fprintf(log, "%s: filter %s: %.3g%% of the base per query on average, %d queries with fewer than %d allowed rows; filtered ground truth in %.1fs\n",
				ds.Name, w.id(), 100*w.selectivity, w.short, cfg.K, time.Since(start).Seconds())
		}
		out = append(out, w)
	}
	return out, nil
}

// id is the workload's identity in result files ("" without a filter).
func (w *workload) id() string { return w.spec.ID() }

// filtered reports whether the workload restricts the queries.
func (w *workload) filtered() bool { return w.allow != nil }

// newWorkload builds the allow-sets of spec for ds's queries and their
// exact filtered ground truth at depth k. An unfiltered spec returns a
// workload with no allow-sets and no truth of its own.
func newWorkload(ctx context.Context, spec config.FilterSpec, ds *datasets.Dataset, k int) (*workload, error) {
	w := &workload{spec: spec, selectivity: 1}
	if spec.Kind == config.FilterNone || spec.Kind == "" {
		return w, nil
	}
	n, nq := ds.Base.Rows, ds.Query.Rows
	var err error
	switch spec.Kind {
	case config.FilterLabel:
		w.allow, err = labelAllows(ds)
	case config.FilterRange:
		w.allow, err = rangeAllows(ds, spec)
	case config.FilterIDs:
		w.allow, err = idsAllows(ds, spec)
	default:
		err = fmt.Errorf("unknown filter kind %q", spec.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("dataset %s: filter %s: %w", ds.Name, spec.ID(), err)
	}
	var sum float64
	for _, a := range w.allow {
		sum += float64(a.Count())
		if a.Count() < min(k, n) {
			w.short++
		}
	}
	w.selectivity = sum / float64(nq) / float64(max(n, 1))
	w.truth, err = groundtruth.Filtered(ctx, ds.Metric, ds.Base, ds.Query, w.allow, k, 0)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: filter %s: ground truth: %w", ds.Name, spec.ID(), err)
	}
	return w, nil
}

// labelAllows gives each query the base rows of its own label; queries of
// one label share one set.
func labelAllows(ds *datasets.Dataset) ([]*algorithms.Allow, error) {
	n, nq := ds.Base.Rows, ds.Query.Rows
	if len(ds.BaseLabels) < n || len(ds.QueryLabels) < nq {
		return nil, fmt.Errorf("{label: query} needs a label for every base and query row (dataset has %d of %d base and %d of %d query labels)",
			len(ds.BaseLabels), n, len(ds.QueryLabels), nq)
	}
	rows := map[int32][]int32{}
	for i, l := range ds.BaseLabels[:n] {
		rows[l] = append(rows[l], int32(i))
	}
	sets := map[int32]*algorithms.Allow{}
	out := make([]*algorithms.Allow, nq)
	for qi, l := range ds.QueryLabels[:nq] {
		a, ok := sets[l]
		if !ok {
			var err error
			if a, err = algorithms.AllowIDs(n, rows[l]); err != nil {
				return nil, err
			}
			sets[l] = a
		}
		out[qi] = a
	}
	return out, nil
}

// workloadSeed derives the seed of a workload's random choices from the
// dataset and the workload, so every run and every shard draws the same.
func workloadSeed(ds *datasets.Dataset, spec config.FilterSpec) uint64 {
	h := fnv.New64a()
	h.Write([]byte(ds.Name))
	h.Write([]byte{0})
	h.Write([]byte(spec.ID()))
	return h.Sum64()
}

// rangeAllows gives each query a seeded random contiguous range of the
// integer attribute holding spec.Fraction of the base: of the row id when
// the dataset has no attribute column, else of its attribute values (all
// rows whose value lies in [lo, hi], lo and hi being the values at two
// ranks Fraction·n apart).
func rangeAllows(ds *datasets.Dataset, spec config.FilterSpec) ([]*algorithms.Allow, error) {
	n, nq := ds.Base.Rows, ds.Query.Rows
	size := max(1, int(math.Round(spec.Fraction*float64(n))))
	size = min(size, n)
	rng := rand.New(rand.NewPCG(workloadSeed(ds, spec), 1))
	out := make([]*algorithms.Allow, nq)
	if len(ds.Attributes) == 0 {
		for qi := range out {
			lo := rng.IntN(n - size + 1)
			out[qi] = algorithms.AllowRange(n, lo, lo+size)
		}
		return out, nil
	}
	if len(ds.Attributes) != n {
		return nil, fmt.Errorf("the dataset has %d attribute values for %d base rows", len(ds.Attributes), n)
	}
	if need := int64(nq) * int64((n+63)/64*8+size*4); need > maxAllowBytes {
		return nil, fmt.Errorf("the allow-sets of %d queries over %d rows would take %d MiB (limit %d MiB); use fewer queries (queries=N)",
			nq, n, need>>20, maxAllowBytes>>20)
	}
	// Rows by attribute value, ties by id: a value range is a run of it.
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	attr := ds.Attributes
	slices.SortStableFunc(order, func(a, b int32) int {
		switch {
		case attr[a] < attr[b]:
			return -1
		case attr[a] > attr[b]:
			return 1
		}
		return 0
	})
	for qi := range out {
		r := rng.IntN(n - size + 1)
		lo, hi := attr[order[r]], attr[order[r+size-1]]
		from, to := r, r+size
		for from > 0 && attr[order[from-1]] == lo {
			from--
		}
		for to < n && attr[order[to]] == hi {
			to++
		}
		a, err := algorithms.AllowIDs(n, order[from:to])
		if err != nil {
			return nil, err
		}
		out[qi] = a
	}
	return out, nil
}

// idsAllows reads the allow-list file once; every query shares it.
func idsAllows(ds *datasets.Dataset, spec config.FilterSpec) ([]*algorithms.Allow, error) {
	n := ds.Base.Rows
	vals, cols, err := datasets.ReadNpyInts(config.FilePath(spec.IDs), -1)
	if err != nil {
		return nil, err
	}
	if cols != 1 {
		return nil, fmt.Errorf("%s: an allow-list is one id per row; the array has %d columns", spec.IDs, cols)
	}
	ids := make([]int32, len(vals))
	for i, v := range vals {
		if v < 0 || v >= int64(n) {
			return nil, fmt.Errorf("%s: entry %d: id %d outside the base [0,%d)", spec.IDs, i, v, n)
		}
		ids[i] = int32(v)
	}
	a, err := algorithms.AllowIDs(n, ids)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.IDs, err)
	}
	if a.Count() == 0 {
		return nil, fmt.Errorf("%s: the allow-list is empty", spec.IDs)
	}
	out := make([]*algorithms.Allow, ds.Query.Rows)
	for i := range out {
		out[i] = a
	}
	return out, nil
}
