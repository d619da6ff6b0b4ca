package algorithms

import (
	"fmt"
	"math/bits"
	"sync"

	"github.com/annbench/annbench/algorithms/topk"
)

// Allow is the set of base ids a filtered search may return: a contiguous
// id range, or an arbitrary set held both as a bitset (for membership tests
// inside a scan) and as the sorted id list (for an exact scan of only the
// allowed rows). An Allow is built once per filter and query before any
// timing, is read-only afterwards and may be shared by concurrent searches,
// so a filtered search allocates nothing for it.
type Allow struct {
	n      int      // base rows the ids refer to
	lo, hi int32    // range form: ids in [lo, hi); bits == nil
	bits   []uint64 // set form: bit id set when id is allowed
	ids    []int32  // set form: the allowed ids, ascending, no repeats
}

// AllowRange returns the allow-set of the ids in [lo, hi) of a base of n
// rows. lo and hi are clamped to [0, n].
func AllowRange(n int, lo, hi int) *Allow {
	lo, hi = max(0, min(lo, n)), max(0, min(hi, n))
	if hi < lo {
		hi = lo
	}
	return &Allow{n: n, lo: int32(lo), hi: int32(hi)}
}

// AllowIDs returns the allow-set of ids, a list of base row ids of a base
// of n rows in any order; repeats are merged. An id outside [0, n) is an
// error.
func AllowIDs(n int, ids []int32) (*Allow, error) {
	a := &Allow{n: n, bits: make([]uint64, (n+63)/64)}
	for i, id := range ids {
		if id < 0 || int(id) >= n {
			return nil, fmt.Errorf("allow-list entry %d: id %d outside [0,%d)", i, id, n)
		}
		a.bits[id>>6] |= 1 << (uint(id) & 63)
	}
	a.ids = make([]int32, 0, len(ids))
	for w, word := range a.bits {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			a.ids = append(a.ids, int32(w*64+b))
			word &= word - 1
		}
	}
	return a, nil
}

// Contains reports whether id may be returned.
func (a *Allow) Contains(id int32) bool {
	if a.bits == nil {
		return id >= a.lo && id < a.hi
	}
	return uint32(id) < uint32(a.n) && a.bits[id>>6]&(1<<(uint(id)&63)) != 0
}

// Count is the number of allowed ids.
func (a *Allow) Count() int {
	if a.bits == nil {
		return int(a.hi - a.lo)
	}
	return len(a.ids)
}

// N is the number of base rows the set refers to.
func (a *Allow) N() int { return a.n }

// Selectivity is the allowed share of the base, in [0, 1].
func (a *Allow) Selectivity() float64 {
	if a.n == 0 {
		return 0
	}
	return float64(a.Count()) / float64(a.n)
}

// Range returns the id range [lo, hi) when the set is one, and ok false
// when it is an arbitrary set (then use IDs).
func (a *Allow) Range() (lo, hi int, ok bool) {
	if a.bits != nil {
		return 0, 0, false
	}
	return int(a.lo), int(a.hi), true
}

// IDs returns the allowed ids in ascending order. For a range form it
// returns nil: walk Range instead, which costs no memory.
func (a *Allow) IDs() []int32 {
	if a.bits == nil {
		return nil
	}
	return a.ids
}

// Each calls fn for every allowed id in ascending order.
func (a *Allow) Each(fn func(id int32)) {
	if a.bits == nil {
		for id := a.lo; id < a.hi; id++ {
			fn(id)
		}
		return
	}
	for _, id := range a.ids {
		fn(id)
	}
}

// Equal reports whether a and b allow exactly the same ids of the same
// base, whatever their form.
func (a *Allow) Equal(b *Allow) bool {
	if a.n != b.n || a.Count() != b.Count() {
		return false
	}
	ok := true
	a.Each(func(id int32) {
		if ok && !b.Contains(id) {
			ok = false
		}
	})
	return ok
}

// FilteredSearcher is implemented by indexes that restrict a search to an
// allow-set themselves, instead of searching everything and dropping what
// is not allowed. SearchFiltered is Search with the extra rule that every
// returned id satisfies allow.Contains; it returns fewer than k ids only
// when fewer are allowed (or the index cannot reach them). It must not
// allocate in steady state.
type FilteredSearcher interface {
	SearchFiltered(q []float32, k int, allow *Allow, dst []int32) []int32
}

// Positions inverts order, a permutation of 0..len(order)-1 that lists base
// ids in storage order (as inverted-file indexes keep them): the result
// maps an id to its storage position. An exact scan of an allow-list needs
// it to find each allowed row.
func Positions(order []int32) []int32 {
	pos := make([]int32, len(order))
	for p, id := range order {
		pos[id] = int32(p)
	}
	return pos
}

// FilterProbeTarget is the number of rows an unfiltered inverted-file
// search with nprobe of nlist lists over n rows expects to scan. A filtered
// search whose allow-set is no larger than this is answered by scanning the
// allowed rows exactly: that costs no more than the probe and misses
// nothing.
func FilterProbeTarget(n, nlist, nprobe int) int {
	if nlist <= 0 {
		return n
	}
	return int(int64(n) * int64(min(nprobe, nlist)) / int64(nlist))
}

// ScanAllowed is the exact scan of an allow-set that the inverted-file
// indexes fall back to: it resets h to keep min(k, allowed) entries,
// offers every allowed id below n at distance dist(id), and returns how
// many distances it computed.
func ScanAllowed(h *topk.Heap, k int, allow *Allow, n int, dist func(id int32) float32) int {
	h.Reset(min(k, allow.Count()))
	c := 0
	allow.Each(func(id int32) {
		if int(id) < n {
			h.Push(dist(id), id)
			c++
		}
	})
	return c
}

// StoredOrder is the exact allow-set scan of an index that keeps its base
// vectors in an order of its own (inverted lists, partitions): row p of
// its data holds base id order[p]. The id → row table the scan needs is
// built on the first scan and kept; it is safe for concurrent use.
type StoredOrder struct {
	once sync.Once
	pos  []int32
}

// ScanAllowed is the package's ScanAllowed over such rows: every allowed
// id is offered to h at dist(q, its row of data), len(q) values a row.
func (s *StoredOrder) ScanAllowed(h *topk.Heap, k int, allow *Allow, order []int32, q, data []float32, dist func(a, b []float32) float32) int {
	d := len(q)
	return s.ScanAllowedRows(h, k, allow, order, func(p int) float32 { return dist(q, data[p*d:p*d+d]) })
}

// ScanAllowedRows is ScanAllowed for rows kept in any form: every allowed
// id is offered to h at dist(its row number p).
func (s *StoredOrder) ScanAllowedRows(h *topk.Heap, k int, allow *Allow, order []int32, dist func(p int) float32) int {
	s.once.Do(func() { s.pos = Positions(order) })
	return ScanAllowed(h, k, allow, len(s.pos), func(id int32) float32 { return dist(int(s.pos[id])) })
}
