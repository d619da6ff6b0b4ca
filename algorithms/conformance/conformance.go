// Package conformance is the test suite every algorithm adapter runs. It
// checks recall against exact search on seeded clustered data for each
// supported metric, k larger than the number of vectors, the empty index,
// dimension mismatches, the save/load round trip (and that every corrupted,
// truncated or mismatched index file is rejected), concurrent Search,
// allocation-free steady-state Search and the optional interfaces.
//
// It imports algorithms, algorithms/binfmt, algorithms/score and
// datasets/vector, never an index package (each adapter's tests hand it
// their index) nor the runner.
package conformance

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets/vector"
)

// Case configures one run of the suite for an adapter.
type Case struct {
	// Algorithm is the registry entry under test.
	Algorithm algorithms.Algorithm
	// Index holds raw index-time parameters; unspecified ones take their
	// defaults.
	Index algorithms.Params
	// Query holds raw query-time parameters of a high-recall setting.
	Query algorithms.Params
	// SmallIndex, when set, replaces Index for the tiny-data checks
	// (k > n), e.g. fewer IVF lists than vectors.
	SmallIndex algorithms.Params
	// Metrics restricts the metrics checked; default Algorithm.Metrics.
	Metrics []vector.Metric
	// MinRecall is the recall@10 required against exact search (default 0.9).
	MinRecall float64
	// N, Dim and Queries size the seeded data (defaults 2000, 32, 100).
	N, Dim, Queries int
	// SmallN is the size of the tiny data set used for k > n (default 40).
	SmallN int
	// Seed seeds the data (default 1).
	Seed uint64
}

func (c *Case) defaults() {
	c.MinRecall = cmp.Or(c.MinRecall, 0.9)
	c.N, c.Dim, c.Queries = cmp.Or(c.N, 2000), cmp.Or(c.Dim, 32), cmp.Or(c.Queries, 100)
	c.SmallN = cmp.Or(c.SmallN, 40)
	c.Seed = cmp.Or(c.Seed, 1)
	if len(c.Metrics) == 0 {
		c.Metrics = c.Algorithm.Metrics
	}
	if c.SmallIndex == nil {
		c.SmallIndex = c.Index
	}
}

const k = 10

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, c Case) {
	t.Helper()
	c.defaults()
	for _, m := range c.Metrics {
		t.Run(string(m), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(c.Seed, uint64(len(m))))
			cs := centers(rng, 24, c.Dim)
			base := clustered(rng, cs, c.N, m)
			queries := clustered(rng, cs, c.Queries, m)
			idx := build(t, c, m, c.Index, base)
			t.Run("recall", func(t *testing.T) { checkRecall(t, c, m, idx, base, queries) })
			t.Run("filtered", func(t *testing.T) { checkFiltered(t, c, m, idx, base, queries) })
			t.Run("dimension_mismatch", func(t *testing.T) { checkDimMismatch(t, c, m, idx, queries) })
			t.Run("concurrent_search", func(t *testing.T) { checkConcurrent(t, idx, queries) })
			t.Run("no_alloc", func(t *testing.T) { checkAllocs(t, idx, queries) })
			t.Run("optional_interfaces", func(t *testing.T) { checkOptional(t, idx, queries) })
			t.Run("save_load", func(t *testing.T) { checkSaveLoad(t, c, m, idx, queries) })
			t.Run("k_greater_than_n", func(t *testing.T) {
				small := clustered(rng, cs, c.SmallN, m)
				checkKGreaterThanN(t, c, m, small, queries)
			})
			t.Run("empty", func(t *testing.T) { checkEmpty(t, c, m, queries) })
		})
	}
}

// newIndex makes an index through the registry path: the spec normalizes
// the parameters, the factory builds the index, SetQuery applies the query.
func newIndex(t *testing.T, c Case, m vector.Metric, index algorithms.Params) algorithms.Index {
	t.Helper()
	ip, err := c.Algorithm.Params.Normalize(algorithms.IndexTime, index)
	if err != nil {
		t.Fatalf("index params: %v", err)
	}
	idx, err := c.Algorithm.New(m, c.Dim, ip)
	if err != nil {
		t.Fatalf("new %s: %v", c.Algorithm.Name, err)
	}
	return idx
}

func setQuery(t *testing.T, c Case, idx algorithms.Index) {
	t.Helper()
	qt, ok := idx.(algorithms.QueryTuner)
	if !ok {
		if len(c.Algorithm.Params.Names(algorithms.QueryTime)) > 0 {
			t.Fatalf("%s declares query parameters but does not implement QueryTuner", c.Algorithm.Name)
		}
		return
	}
	qp, err := c.Algorithm.Params.Normalize(algorithms.QueryTime, c.Query)
	if err != nil {
		t.Fatalf("query params: %v", err)
	}
	if err := qt.SetQuery(qp); err != nil {
		t.Fatalf("SetQuery(%v): %v", qp, err)
	}
}

func build(t *testing.T, c Case, m vector.Metric, index algorithms.Params, base vector.Matrix) algorithms.Index {
	t.Helper()
	idx := newIndex(t, c, m, index)
	if err := idx.Build(context.Background(), base); err != nil {
		t.Fatalf("build %s on %d×%d: %v", c.Algorithm.Name, base.Rows, base.Dim, err)
	}
	setQuery(t, c, idx)
	return idx
}

// validate reports malformed output: more than k ids, duplicates, or ids
// out of range.
func validate(ids []int32, k, n int) error {
	if len(ids) > k {
		return fmt.Errorf("returned %d ids for k=%d", len(ids), k)
	}
	seen := make(map[int32]bool, len(ids))
	for _, id := range ids {
		if id < 0 || int(id) >= n {
			return fmt.Errorf("id %d out of range [0,%d)", id, n)
		}
		if seen[id] {
			return fmt.Errorf("id %d returned twice in %v", id, ids)
		}
		seen[id] = true
	}
	return nil
}

func checkRecall(t *testing.T, c Case, m vector.Metric, idx algorithms.Index, base, queries vector.Matrix) {
	tr, err := score.New(m, base, queries, exactNeighbors(m, base, queries, k), k)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	dst := make([]int32, 0, k)
	for qi := 0; qi < queries.Rows; qi++ {
		q := queries.Row(qi)
		ids := idx.Search(q, k, dst)
		if err := validate(ids, k, base.Rows); err != nil {
			t.Fatalf("query %d: %v", qi, err)
		}
		if len(ids) < k {
			t.Fatalf("query %d: %d results for k=%d over %d vectors", qi, len(ids), k, base.Rows)
		}
		sum += float64(tr.Query(qi, ids).Hits) / float64(tr.K())
	}
	r := sum / float64(queries.Rows)
	t.Logf("%s %s recall@%d = %.4f (min %.2f)", c.Algorithm.Name, m, k, r, c.MinRecall)
	if r < c.MinRecall {
		t.Errorf("recall@%d = %.4f, want >= %.2f", k, r, c.MinRecall)
	}
}

func checkDimMismatch(t *testing.T, c Case, m vector.Metric, idx algorithms.Index, queries vector.Matrix) {
	q := queries.Row(0)
	longer := append(slices.Clone(q), 1)
	for name, bad := range map[string][]float32{"shorter": q[:len(q)-1], "longer": longer, "empty": nil} {
		if ids := idx.Search(bad, k, nil); len(ids) != 0 {
			t.Errorf("Search with a %s query (dim %d, index %d) returned %d ids, want none", name, len(bad), c.Dim, len(ids))
		}
	}
	wrong := vector.NewMatrix(10, c.Dim+1)
	fresh := newIndex(t, c, m, c.Index)
	if err := fresh.Build(context.Background(), wrong); err == nil {
		t.Errorf("Build with base dimension %d on a %d-dimensional index returned no error", c.Dim+1, c.Dim)
	}
}

func searchAll(idx algorithms.Index, queries vector.Matrix) [][]int32 {
	out := make([][]int32, queries.Rows)
	for i := range out {
		out[i] = idx.Search(queries.Row(i), k, make([]int32, 0, k))
	}
	return out
}

func checkConcurrent(t *testing.T, idx algorithms.Index, queries vector.Matrix) {
	want := searchAll(idx, queries)
	const workers = 4
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			dst := make([]int32, 0, k)
			for r := 0; r < 3; r++ {
				for i := 0; i < queries.Rows; i++ {
					qi := (i + w*17) % queries.Rows
					got := idx.Search(queries.Row(qi), k, dst)
					if !slices.Equal(got, want[qi]) {
						errs <- fmt.Errorf("worker %d query %d: concurrent result %v differs from sequential %v", w, qi, got, want[qi])
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func checkAllocs(t *testing.T, idx algorithms.Index, queries vector.Matrix) {
	if raceEnabled {
		t.Skip("-race: sync.Pool drops items on purpose, so allocation counts are meaningless")
	}
	dst := make([]int32, 0, k)
	for i := 0; i < queries.Rows; i++ { // warm up pools and scratch
		idx.Search(queries.Row(i), k, dst)
	}
	i := 0
	allocs := testing.AllocsPerRun(200, func() {
		idx.Search(queries.Row(i%queries.Rows), k, dst)
		i++
	})
	if allocs > 0 {
		t.Errorf("steady-state Search allocates %.1f times per call, want 0", allocs)
	}
}

func checkOptional(t *testing.T, idx algorithms.Index, queries vector.Matrix) {
	if s, ok := idx.(algorithms.Sizer); ok {
		if b := s.SizeBytes(); b <= 0 {
			t.Errorf("SizeBytes() = %d after building a non-empty index, want > 0", b)
		}
	}
	if c, ok := idx.(algorithms.Counter); ok {
		c.ResetDistanceCount()
		if n := c.DistanceCount(); n != 0 {
			t.Errorf("DistanceCount() = %d right after ResetDistanceCount, want 0", n)
		}
		idx.Search(queries.Row(0), k, nil)
		if n := c.DistanceCount(); n <= 0 {
			t.Errorf("DistanceCount() = %d after a search, want > 0", n)
		}
	}
}

func checkSaveLoad(t *testing.T, c Case, m vector.Metric, idx algorithms.Index, queries vector.Matrix) {
	s, ok := idx.(algorithms.Saver)
	if !ok {
		t.Skipf("%s does not implement Saver", c.Algorithm.Name)
	}
	var buf bytes.Buffer
	if err := s.Save(&buf); err != nil {
		t.Fatalf("Save: %v", err)
	}
	saved := buf.Bytes()
	loaded := newIndex(t, c, m, c.Index)
	l, ok := loaded.(algorithms.Loader)
	if !ok {
		t.Fatalf("%s implements Saver but not Loader", c.Algorithm.Name)
	}
	if err := l.Load(bytes.NewReader(saved)); err != nil {
		t.Fatalf("Load of what Save wrote: %v", err)
	}
	checkLoadAllocs(t, c, m, idx, saved)
	setQuery(t, c, loaded)
	want, got := searchAll(idx, queries), searchAll(loaded, queries)
	for i := range want {
		if !slices.Equal(want[i], got[i]) {
			t.Fatalf("query %d: loaded index returns %v, original %v", i, got[i], want[i])
		}
	}
	// Truncated and corrupted input must be an error, never a panic.
	for _, cut := range []int{0, 1, 7, 12, len(saved) / 3, len(saved) / 2, len(saved) - 1} {
		if cut < 0 || cut >= len(saved) {
			continue
		}
		x := newIndex(t, c, m, c.Index).(algorithms.Loader)
		if err := x.Load(bytes.NewReader(saved[:cut])); err == nil {
			t.Errorf("Load of the first %d of %d bytes returned no error", cut, len(saved))
		}
	}
	garbage := bytes.Repeat([]byte{0xA5}, 64)
	if err := newIndex(t, c, m, c.Index).(algorithms.Loader).Load(bytes.NewReader(garbage)); err == nil {
		t.Errorf("Load of 64 garbage bytes returned no error")
	}
	checkCorruption(t, c, m, saved)
}

// checkLoadAllocs checks that Load allocates the index about once: no
// more than twice what SizeBytes reports (room for one transient copy,
// such as flat's re-layout of the vectors it read) plus 128 KiB of
// buffers. A Load that grows its arrays by appending (as hnsw's did,
// about 3.5 times the index) leaves garbage that starts a collection
// right when the loaded index is being measured, and lays the index out
// differently from a build.
func checkLoadAllocs(t *testing.T, c Case, m vector.Metric, idx algorithms.Index, saved []byte) {
	s, ok := idx.(algorithms.Sizer)
	if !ok || raceEnabled {
		return
	}
	x := newIndex(t, c, m, c.Index).(algorithms.Loader)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := x.Load(bytes.NewReader(saved))
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	got, size := int64(after.TotalAlloc-before.TotalAlloc), s.SizeBytes()
	limit := 2*size + 128<<10
	t.Logf("Load allocated %d bytes for an index of %d bytes (file %d bytes)", got, size, len(saved))
	if got > limit {
		t.Errorf("Load allocated %d bytes for an index of %d bytes (file %d bytes), want at most %d", got, size, len(saved), limit)
	}
}

// corruptions is how many seeded random corruptions of a saved file
// checkCorruption tries.
const corruptions = 60

// checkCorruption damages a saved file in seeded random ways (flipped
// bytes, overwritten runs, truncation, appended bytes) and loads it into
// an index of the same shape, then loads the intact file into indexes of
// another metric, dimension and algorithm name: every one must be
// rejected with an error.
func checkCorruption(t *testing.T, c Case, m vector.Metric, saved []byte) {
	rng := rand.New(rand.NewPCG(c.Seed, uint64(len(saved))))
	load := func(data []byte, metric vector.Metric, dim int) error {
		cc := c
		cc.Dim = dim
		return newIndex(t, cc, metric, c.Index).(algorithms.Loader).Load(bytes.NewReader(data))
	}
	accepted := 0
	for i := 0; i < corruptions; i++ {
		bad, what := corrupt(rng, saved, i)
		if bytes.Equal(bad, saved) {
			continue
		}
		if err := load(bad, m, c.Dim); err == nil {
			accepted++
			t.Errorf("corruption %d (%s) of a %d-byte file loaded without an error", i, what, len(saved))
		}
	}
	if accepted > 0 {
		t.Errorf("Load accepted %d of %d corrupted files", accepted, corruptions)
	}
	for _, other := range vector.Metrics {
		if other != m && c.Algorithm.Supports(other) {
			if err := load(saved, other, c.Dim); err == nil {
				t.Errorf("a %s file loaded into a %s index without an error", m, other)
			}
		}
	}
	// Twice the dimension keeps parameters that must divide it valid.
	if err := load(saved, m, 2*c.Dim); err == nil {
		t.Errorf("a file of dimension %d loaded into an index of dimension %d without an error", c.Dim, 2*c.Dim)
	}
	// The same file under another algorithm name, checksum recomputed.
	if len(saved) > 16 {
		renamed := bytes.Clone(saved)
		n := int(binary.LittleEndian.Uint32(renamed[12:16]))
		for j := 16; j < 16+n && j < len(renamed)-4; j++ {
			renamed[j] = 'z'
		}
		if err := load(binfmt.Reseal(renamed), m, c.Dim); err == nil {
			t.Errorf("a file naming another algorithm loaded without an error")
		}
	}
}

// corrupt returns a damaged copy of file, of a kind chosen by i, and a
// description of the damage.
func corrupt(rng *rand.Rand, file []byte, i int) ([]byte, string) {
	bad := bytes.Clone(file)
	n := len(bad)
	switch i % 5 {
	case 0:
		off := rng.IntN(n)
		bad[off] ^= byte(1 + rng.IntN(255))
		return bad, fmt.Sprintf("byte %d flipped", off)
	case 1:
		for range 64 {
			bad[rng.IntN(n)] ^= byte(1 + rng.IntN(255))
		}
		return bad, "64 random bytes flipped"
	case 2:
		off, run := rng.IntN(n), 1+rng.IntN(16)
		for j := off; j < min(off+run, n); j++ {
			bad[j] = byte(rng.IntN(256))
		}
		return bad, fmt.Sprintf("%d bytes overwritten at %d", run, off)
	case 3:
		cut := rng.IntN(n)
		return bad[:cut], fmt.Sprintf("truncated to %d bytes", cut)
	}
	extra := 1 + rng.IntN(8)
	for range extra {
		bad = append(bad, byte(rng.IntN(256)))
	}
	return bad, fmt.Sprintf("%d bytes appended", extra)
}

func checkKGreaterThanN(t *testing.T, c Case, m vector.Metric, small, queries vector.Matrix) {
	idx := build(t, c, m, c.SmallIndex, small)
	bigK := 2 * small.Rows
	total := 0
	for qi := 0; qi < queries.Rows; qi++ {
		ids := idx.Search(queries.Row(qi), bigK, make([]int32, 0, bigK))
		if err := validate(ids, small.Rows, small.Rows); err != nil {
			t.Fatalf("k=%d over %d vectors, query %d: %v", bigK, small.Rows, qi, err)
		}
		total += len(ids)
	}
	if total == 0 {
		t.Errorf("k=%d over %d vectors returned nothing for all %d queries", bigK, small.Rows, queries.Rows)
	}
}

func checkEmpty(t *testing.T, c Case, m vector.Metric, queries vector.Matrix) {
	idx := newIndex(t, c, m, c.Index)
	empty := vector.Matrix{Dim: c.Dim, Stride: c.Dim}
	if err := idx.Build(context.Background(), empty); err != nil {
		t.Logf("Build on an empty base returned an error (allowed): %v", err)
		return
	}
	setQuery(t, c, idx)
	if ids := idx.Search(queries.Row(0), k, nil); len(ids) != 0 {
		t.Errorf("Search on an empty index returned %v, want none", ids)
	}
	// An empty index that saves must load again.
	s, ok := idx.(algorithms.Saver)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := s.Save(&buf); err != nil {
		t.Fatalf("Save of an empty index: %v", err)
	}
	loaded := newIndex(t, c, m, c.Index)
	if err := loaded.(algorithms.Loader).Load(&buf); err != nil {
		t.Fatalf("Load of a saved empty index: %v", err)
	}
	setQuery(t, c, loaded)
	if ids := loaded.Search(queries.Row(0), k, nil); len(ids) != 0 {
		t.Errorf("Search on a loaded empty index returned %v, want none", ids)
	}
}
