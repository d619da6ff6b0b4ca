package hnsw

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// Build copies base into the index and inserts every vector into the
// graph, in row order, using Config.Threads goroutines. With one thread
// the graph depends only on the data and the seed. On error, including
// cancellation of ctx, the index is left empty.
func (x *Index) Build(ctx context.Context, base vector.Matrix) error {
	x.clear()
	if err := algorithms.CheckBase(base, x.dim); err != nil {
		return fmt.Errorf("hnsw: %w", err)
	}
	if base.Rows >= math.MaxUint32 {
		return fmt.Errorf("hnsw: %d vectors is more than the %d an index holds", base.Rows, uint32(math.MaxUint32-1))
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("hnsw: build: %w", err)
	}
	n := base.Rows
	if n == 0 {
		return nil
	}
	levels := x.drawLevels(n)
	upperOff := make([]uint32, n)
	var total uint64
	for i, l := range levels {
		upperOff[i] = uint32(total)
		total += uint64(l) * uint64(x.m+1)
		if total > math.MaxUint32 {
			return fmt.Errorf("hnsw: upper layers of %d vectors need more than 2^32 slots; use a smaller M", n)
		}
	}
	x.n, x.levels, x.upperOff = n, levels, upperOff
	x.nodes = make([]uint32, n*x.stride)
	for i := 0; i < n; i++ {
		copy(x.vec(uint32(i)), base.Row(i))
	}
	x.upper = make([]uint32, total)
	x.entry, x.maxLevel = 0, int(levels[0])

	b := &builder{x: x, locks: make([]sync.Mutex, n), entry: 0, maxLevel: int(levels[0]), progress: x.Progress()}
	b.progress.Stage("insert", int64(n))
	threads := x.cfg.Threads
	if threads == 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	threads = max(1, min(threads, n/64))
	var err error
	if threads == 1 {
		err = b.run(ctx, 1, n, 1, &atomic.Int64{})
	} else {
		var next atomic.Int64
		next.Store(1)
		errs := make([]error, threads)
		var wg sync.WaitGroup
		for w := 0; w < threads; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				errs[w] = b.run(ctx, 1, n, threads, &next)
			}(w)
		}
		wg.Wait()
		for _, e := range errs {
			if e != nil {
				err = e
				break
			}
		}
	}
	if err != nil {
		x.clear()
		return fmt.Errorf("hnsw: build: %w", err)
	}
	x.entry, x.maxLevel = b.entry, b.maxLevel
	b.progress.Done(int64(n - (n-1)/128*128)) // run reported every 128th node from 128 on
	return nil
}

// clear empties the index.
func (x *Index) clear() {
	x.n, x.nodes, x.levels, x.upperOff, x.upper = 0, nil, nil, nil, nil
	x.entry, x.maxLevel = 0, 0
}

// drawLevels assigns every node its top layer: floor(-ln(U) * mult) for U
// uniform in (0, 1], from a generator seeded with Config.Seed.
func (x *Index) drawLevels(n int) []uint8 {
	rng := rand.New(rand.NewPCG(x.cfg.Seed, 0x9e3779b97f4a7c15))
	levels := make([]uint8, n)
	for i := range levels {
		u := 1 - rng.Float64()
		l := int(-math.Log(u) * x.mult)
		levels[i] = uint8(min(l, maxLevels-1))
	}
	return levels
}

// builder holds the shared state of one Build.
type builder struct {
	x     *Index
	locks []sync.Mutex // one per node, guarding its neighbour lists

	mu       sync.Mutex // guards entry and maxLevel
	entry    uint32
	maxLevel int

	progress algorithms.Progress // told of every 128 insertions
}

// run inserts nodes until none are left. With threads == 1 it inserts
// from..n-1 in order; otherwise it takes node numbers from next.
func (b *builder) run(ctx context.Context, from, n, threads int, next *atomic.Int64) error {
	s := new(scratch)
	for i := from; ; i++ {
		cur := i
		if threads > 1 {
			cur = int(next.Add(1) - 1)
		}
		if cur >= n {
			return nil
		}
		if cur&127 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if cur > 0 {
				b.progress.Done(128)
			}
		}
		b.insert(s, uint32(cur))
	}
}

// insert links node cur into the graph (the paper's Algorithm 1, as
// hnswlib does it). cur's own lists are all written before any other node
// links back to it: until then no search can reach cur, so a concurrent
// insertion never descends into a node whose lower lists are still empty.
// On one thread this gives the same graph as linking back level by level,
// since a level's search reads only that level's lists.
func (b *builder) insert(s *scratch, cur uint32) {
	x := b.x
	level := int(x.levels[cur])
	b.mu.Lock()
	ep, top := b.entry, b.maxLevel
	if level <= top {
		b.mu.Unlock()
	}
	q := x.vec(cur)
	d := x.dist(q, x.vec(ep))
	for l := top; l > level; l-- {
		ep, d = b.greedy(q, ep, d, l)
	}
	low := min(level, top)
	for l := low; l >= 0; l-- {
		b.searchLayer(s, q, cur, ep, d, l)
		s.sorted = s.top.drainAscending(s.sorted)
		sel := x.selectNeighbors(s.sorted, x.m, s.levelSel[l])
		s.levelSel[l] = sel
		b.setOwn(cur, l, sel)
		ep, d = sel[0].id, sel[0].d
	}
	for l := low; l >= 0; l-- {
		b.linkBack(s, cur, l, s.levelSel[l])
	}
	if level > top {
		b.entry, b.maxLevel = cur, level
		b.mu.Unlock()
	}
}

// greedy is Index.greedy for a graph other goroutines are changing: it
// reads neighbour lists with atomic loads.
func (b *builder) greedy(q []float32, ep uint32, d float32, level int) (uint32, float32) {
	x := b.x
	for changed := true; changed; {
		changed = false
		l := x.list(ep, level)
		n := min(int(atomic.LoadUint32(&l[0])), len(l)-1)
		for j := 1; j <= n; j++ {
			id := atomic.LoadUint32(&l[j])
			dd := x.dist(q, x.vec(id))
			if dd < d {
				d, ep, changed = dd, id, true
			}
		}
	}
	return ep, d
}

// searchLayer is the best-first search of width ef_construction on level
// for the node being inserted, reading lists with atomic loads; the result
// is left in s.top.
func (b *builder) searchLayer(s *scratch, q []float32, self, ep uint32, epD float32, level int) {
	x := b.x
	ef := x.cfg.EfConstruction
	tags, tag := s.begin(x.n, ep, epD)
	tags[self] = tag
	s.top.push(epD, ep)
	bound := epD
	ids := s.idBuf(x.m0)
	for s.cand.len() > 0 {
		c := s.cand.top()
		if c.d > bound && s.top.len() >= ef {
			break
		}
		s.cand.pop()
		l := x.list(c.id, level)
		n := min(int(atomic.LoadUint32(&l[0])), len(l)-1)
		m := 0
		for j := 1; j <= n; j++ {
			id := atomic.LoadUint32(&l[j])
			if tags[id] != tag {
				tags[id] = tag
				ids[m] = id
				m++
				distance.PrefetchLines(unsafe.Pointer(&x.nodes[int(id)*x.stride]), x.pfLines)
			}
		}
		for _, id := range ids[:m] {
			d := x.dist(q, x.vec(id))
			if d < bound || s.top.len() < ef {
				s.cand.push(d, id)
				s.top.push(d, id)
				if s.top.len() > ef {
					s.top.pop()
				}
				bound = s.top.top().d
			}
		}
	}
}

// selectNeighbors is the paper's heuristic (Algorithm 4 without extending
// or keeping pruned candidates): walking cands nearest first, a candidate
// is kept when it is nearer to the base point than to every candidate kept
// so far, until m are kept. Fewer than m candidates are all kept, as
// hnswlib does. cands must be sorted by distance to the base point.
func (x *Index) selectNeighbors(cands []item, m int, out []item) []item {
	out = out[:0]
	if len(cands) < m {
		return append(out, cands...)
	}
	for _, c := range cands {
		if len(out) >= m {
			break
		}
		vc := x.vec(c.id)
		keep := true
		for _, o := range out {
			if x.dist(vc, x.vec(o.id)) < c.d {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, c)
		}
	}
	return out
}

// setOwn makes sel the neighbours of cur on level.
func (b *builder) setOwn(cur uint32, level int, sel []item) {
	b.locks[cur].Lock()
	l := b.x.list(cur, level)
	for j, it := range sel {
		atomic.StoreUint32(&l[1+j], it.id)
	}
	atomic.StoreUint32(&l[0], uint32(len(sel)))
	b.locks[cur].Unlock()
}

// linkBack adds cur to the level lists of its neighbours sel, shrinking a
// full list with the heuristic.
func (b *builder) linkBack(s *scratch, cur uint32, level int, sel []item) {
	x := b.x
	capacity := x.m
	if level == 0 {
		capacity = x.m0
	}
	for _, it := range sel {
		nb := it.id
		b.locks[nb].Lock()
		l := x.list(nb, level)
		n := int(l[0])
		if n < capacity {
			atomic.StoreUint32(&l[1+n], cur)
			atomic.StoreUint32(&l[0], uint32(n+1))
			b.locks[nb].Unlock()
			continue
		}
		vn := x.vec(nb)
		c := append(s.shrink[:0], item{it.d, cur})
		for j := 1; j <= n; j++ {
			id := l[j]
			c = append(c, item{x.dist(vn, x.vec(id)), id})
		}
		sortItems(c)
		s.shrink = c
		s.sel2 = x.selectNeighbors(c, capacity, s.sel2)
		for j, k := range s.sel2 {
			atomic.StoreUint32(&l[1+j], k.id)
		}
		atomic.StoreUint32(&l[0], uint32(len(s.sel2)))
		b.locks[nb].Unlock()
	}
}

// sortItems sorts a short slice by distance (insertion sort; lists hold at
// most 2M+1 items).
func sortItems(a []item) {
	for i := 1; i < len(a); i++ {
		v := a[i]
		j := i - 1
		for j >= 0 && a[j].d > v.d {
			a[j+1] = a[j]
			j--
		}
		a[j+1] = v
	}
}
