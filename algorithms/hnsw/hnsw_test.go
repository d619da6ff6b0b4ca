package hnsw

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/algorithms/groundtruth"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets/vector"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Case{
		Algorithm: Algorithm,
		Index:     algorithms.Params{"M": 16, "ef_construction": 100},
		Query:     algorithms.Params{"ef": 100},
		MinRecall: 0.95,
	})
}

func TestConformanceSingleThread(t *testing.T) {
	conformance.Run(t, conformance.Case{
		Algorithm: Algorithm,
		Index:     algorithms.Params{"M": 8, "ef_construction": 64, "threads": 1, "seed": 7},
		Query:     algorithms.Params{"ef": 80},
		Metrics:   []vector.Metric{vector.L2},
		MinRecall: 0.9,
	})
}

// gaussian returns n seeded vectors around a few dozen centres.
func gaussian(seed uint64, n, dim int) vector.Matrix {
	rng := rand.New(rand.NewPCG(seed, 42))
	centers := make([][]float32, 32)
	for i := range centers {
		centers[i] = make([]float32, dim)
		for j := range centers[i] {
			centers[i][j] = float32(rng.NormFloat64())
		}
	}
	m := vector.NewMatrix(n, dim)
	for i := 0; i < n; i++ {
		c := centers[rng.IntN(len(centers))]
		for j, v := range c {
			m.Row(i)[j] = v + 0.4*float32(rng.NormFloat64())
		}
	}
	return m
}

func mustBuild(t testing.TB, base vector.Matrix, cfg Config) *Index {
	t.Helper()
	x, err := New(vector.L2, base.Dim, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Build(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	return x
}

// recallAt is recall@k of x on queries against exact ground truth over
// base (l2), scored by algorithms/score.
func recallAt(tb testing.TB, x *Index, base, queries vector.Matrix, k int) float64 {
	tb.Helper()
	gt, _, err := groundtruth.Compute(context.Background(), vector.L2, base, queries, k, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return recallAgainst(tb, x, base, queries, gt, k)
}

// recallAgainst is recall@k of x on queries against the ground-truth ids
// gt, scored by algorithms/score.
func recallAgainst(tb testing.TB, x *Index, base, queries vector.Matrix, gt vector.IDMatrix, k int) float64 {
	tb.Helper()
	tr, err := score.New(vector.L2, base, queries, gt, k)
	if err != nil {
		tb.Fatal(err)
	}
	results := make([][]int32, queries.Rows)
	for qi := range results {
		results[qi] = x.Search(queries.Row(qi), k, nil)
	}
	s, err := tr.Score(results)
	if err != nil {
		tb.Fatal(err)
	}
	return s.Recall
}

func TestSingleThreadBuildIsDeterministic(t *testing.T) {
	base := gaussian(1, 3000, 24)
	cfg := Config{M: 8, EfConstruction: 60, Seed: 5, Threads: 1}
	a, b := mustBuild(t, base, cfg), mustBuild(t, base, cfg)
	if !slices.Equal(a.nodes, b.nodes) || !slices.Equal(a.upper, b.upper) || !slices.Equal(a.levels, b.levels) ||
		a.entry != b.entry || a.maxLevel != b.maxLevel {
		t.Fatal("two single-thread builds with the same seed produced different graphs")
	}
	cfg.Seed = 6
	c := mustBuild(t, base, cfg)
	if slices.Equal(a.levels, c.levels) {
		t.Error("seeds 5 and 6 drew identical levels for 3000 nodes")
	}
}

func TestLevelDistribution(t *testing.T) {
	x, _ := New(vector.L2, 4, Config{M: 16, Seed: 3})
	levels := x.drawLevels(200000)
	var above int
	for _, l := range levels {
		if l >= 1 {
			above++
		}
	}
	// P(level >= 1) = exp(-1/mult) = 1/M.
	got, want := float64(above)/float64(len(levels)), 1.0/16
	if math.Abs(got-want) > 0.005 {
		t.Errorf("fraction of nodes above layer 0 = %.4f, want about %.4f", got, want)
	}
}

func TestParallelBuildRecall(t *testing.T) {
	base := gaussian(2, 4000, 32)
	queries := gaussian(3, 100, 32)
	for _, threads := range []int{1, 4} {
		x := mustBuild(t, base, Config{M: 12, EfConstruction: 100, Threads: threads})
		x.ef = 64
		checkGraph(t, x)
		if r := recallAt(t, x, base, queries, 10); r < 0.95 {
			t.Errorf("threads=%d: recall@10 = %.3f, want >= 0.95", threads, r)
		}
	}
}

// checkGraph verifies the structural invariants: counts within capacity,
// no self links, no duplicate links, and every node reachable on layer 0.
func checkGraph(t *testing.T, x *Index) {
	t.Helper()
	atLeast := make([]int, maxLevels)
	for _, l := range x.levels {
		for j := 0; j <= int(l); j++ {
			atLeast[j]++
		}
	}
	for i := 0; i < x.n; i++ {
		for l := 0; l <= int(x.levels[i]); l++ {
			lst := x.list(uint32(i), l)
			ids := lst[1 : 1+lst[0]]
			if len(ids) == 0 && atLeast[l] > 1 {
				t.Errorf("node %d level %d has no neighbours", i, l)
			}
			seen := map[uint32]bool{}
			for _, id := range ids {
				if id == uint32(i) {
					t.Errorf("node %d links to itself on level %d", i, l)
				}
				if seen[id] {
					t.Errorf("node %d lists %d twice on level %d", i, id, l)
				}
				if int(x.levels[id]) < l {
					t.Errorf("node %d links on level %d to node %d whose top level is %d", i, l, id, x.levels[id])
				}
				seen[id] = true
			}
		}
	}
	reach := make([]bool, x.n)
	stack := []uint32{x.entry}
	reach[x.entry] = true
	count := 1
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		l := x.list(c, 0)
		for _, id := range l[1 : 1+l[0]] {
			if !reach[id] {
				reach[id] = true
				count++
				stack = append(stack, id)
			}
		}
	}
	t.Logf("%d of %d nodes reachable from the entry point on layer 0", count, x.n)
	if count < x.n*999/1000 {
		t.Errorf("only %d of %d nodes reachable from the entry point on layer 0", count, x.n)
	}
	if int(x.levels[x.entry]) != x.maxLevel {
		t.Errorf("entry point %d has level %d, max level %d", x.entry, x.levels[x.entry], x.maxLevel)
	}
}

func TestSelectNeighborsHeuristic(t *testing.T) {
	// Points on a line and off it, base point at the origin.
	pts := [][]float32{
		{1, 0},   // 0: nearest
		{2, 0},   // 1: behind 0 (nearer to 0 than to the origin): pruned
		{0, 1.5}, // 2: other direction: kept
		{-3, 0},  // 3: opposite side: kept
		{0, 3},   // 4: behind 2: pruned
	}
	x, _ := New(vector.L2, 2, Config{M: 4})
	x.n, x.nodes = len(pts), make([]uint32, len(pts)*x.stride)
	for i, p := range pts {
		copy(x.vec(uint32(i)), p)
	}
	var cands []item
	for i, p := range pts {
		cands = append(cands, item{p[0]*p[0] + p[1]*p[1], uint32(i)})
	}
	sortItems(cands)
	tests := []struct {
		m    int
		want []uint32
	}{
		{m: 4, want: []uint32{0, 2, 3}},
		{m: 2, want: []uint32{0, 2}},
		{m: 6, want: []uint32{0, 2, 1, 3, 4}}, // fewer candidates than m: all kept
	}
	for _, tc := range tests {
		got := x.selectNeighbors(cands, tc.m, nil)
		var ids []uint32
		for _, it := range got {
			ids = append(ids, it.id)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("m=%d: selected %v, want %v", tc.m, ids, tc.want)
		}
	}
}

func TestStridedBase(t *testing.T) {
	base := gaussian(4, 1000, 16)
	strided := vector.Matrix{Data: make([]float32, 1000*20), Rows: 1000, Dim: 16, Stride: 20}
	for i := 0; i < base.Rows; i++ {
		copy(strided.Row(i), base.Row(i))
	}
	cfg := Config{M: 8, EfConstruction: 40, Threads: 1}
	a, b := mustBuild(t, base, cfg), mustBuild(t, strided, cfg)
	if !slices.Equal(a.nodes, b.nodes) {
		t.Error("a strided base built a different index than the same rows packed")
	}
}

func TestBuildHonoursCancel(t *testing.T) {
	base := gaussian(5, 5000, 16)
	for _, threads := range []int{1, 2} {
		x, _ := New(vector.L2, 16, Config{Threads: threads})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := x.Build(ctx, base); err == nil {
			t.Errorf("threads=%d: Build with a cancelled context returned no error", threads)
		}
		if got := x.Search(base.Row(0), 10, nil); len(got) != 0 {
			t.Errorf("threads=%d: cancelled build left a searchable index (%d results)", threads, len(got))
		}
	}
}

// cancelAfter is a context whose Err reports cancellation from its n-th
// call on, so a test can stop a build part-way deterministically.
type cancelAfter struct {
	context.Context
	calls, n atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.calls.Add(1) >= c.n.Load() {
		return context.Canceled
	}
	return nil
}

func TestBuildStopsWhenCancelledMidway(t *testing.T) {
	base := gaussian(12, 6000, 8)
	for _, threads := range []int{1, 2} {
		ctx := &cancelAfter{Context: context.Background()}
		ctx.n.Store(5) // Build checks once up front, then every 128 inserts
		x, _ := New(vector.L2, 8, Config{M: 4, EfConstruction: 8, Threads: threads})
		err := x.Build(ctx, base)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("threads=%d: Build error = %v, want context.Canceled", threads, err)
		}
		if x.Len() != 0 {
			t.Errorf("threads=%d: cancelled build left %d nodes", threads, x.Len())
		}
		if c := ctx.calls.Load(); c > 5+int64(threads) {
			t.Errorf("threads=%d: Err called %d times after cancellation at call 5", threads, c)
		}
	}
}

func TestSearchDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race: sync.Pool drops items at random")
	}
	base := gaussian(6, 2000, 32)
	x := mustBuild(t, base, Config{M: 16, EfConstruction: 64})
	for _, ef := range []int{10, 64, 256} {
		x.ef = ef
		dst := make([]int32, 0, 10)
		i := 0
		allocs := testing.AllocsPerRun(300, func() {
			x.Search(base.Row(i%base.Rows), 10, dst)
			i++
		})
		if allocs != 0 {
			t.Errorf("ef=%d: Search allocates %.2f times per call", ef, allocs)
		}
	}
}

func TestSearchResultShape(t *testing.T) {
	base := gaussian(7, 500, 8)
	x := mustBuild(t, base, Config{M: 6, EfConstruction: 30})
	tests := []struct {
		name string
		q    []float32
		k    int
		want int
	}{
		{"k=1", base.Row(3), 1, 1},
		{"k=10", base.Row(3), 10, 10},
		{"k=n", base.Row(3), 500, 500},
		{"k>n", base.Row(3), 900, 500},
		{"k=0", base.Row(3), 0, 0},
		{"negative k", base.Row(3), -1, 0},
		{"short query", base.Row(3)[:7], 10, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := x.Search(tc.q, tc.k, nil)
			if len(got) != tc.want {
				t.Fatalf("got %d ids, want %d", len(got), tc.want)
			}
			if tc.want > 0 && got[0] != 3 {
				t.Errorf("nearest to row 3 is %d, want 3", got[0])
			}
		})
	}
}

func TestParams(t *testing.T) {
	tests := []struct {
		name  string
		stage algorithms.Stage
		raw   map[string]any
		ok    bool
	}{
		{"defaults", algorithms.IndexTime, nil, true},
		{"all index", algorithms.IndexTime, map[string]any{"M": 32, "ef_construction": 400, "seed": 9, "threads": 1}, true},
		{"M too small", algorithms.IndexTime, map[string]any{"M": 1}, false},
		{"ef at index time", algorithms.IndexTime, map[string]any{"ef": 10}, false},
		{"unknown", algorithms.IndexTime, map[string]any{"m": 16}, false},
		{"ef", algorithms.QueryTime, map[string]any{"ef": 10}, true},
		{"ef zero", algorithms.QueryTime, map[string]any{"ef": 0}, false},
		{"ef string", algorithms.QueryTime, map[string]any{"ef": "ten"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Algorithm.Params.Normalize(tc.stage, tc.raw)
			if (err == nil) != tc.ok {
				t.Fatalf("Normalize(%v) error = %v, want ok=%v", tc.raw, err, tc.ok)
			}
			if err == nil && tc.stage == algorithms.IndexTime {
				if _, err := Algorithm.New(vector.L2, 8, p); err != nil {
					t.Errorf("New(%v): %v", p, err)
				}
			}
		})
	}
	if _, err := New(vector.Metric("hamming"), 8, Config{}); err == nil {
		t.Error("New with an unknown metric returned no error")
	}
	if _, err := New(vector.L2, 0, Config{}); err == nil {
		t.Error("New with dimension 0 returned no error")
	}
}
