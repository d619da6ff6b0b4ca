package ivfflat

import (
	"github.com/annbench/annbench/algorithms"
)

var _ algorithms.FilteredSearcher = (*Index)(nil)

// SearchFiltered returns up to k allowed ids nearest q, nearest first.
//
// An allow-set no larger than the rows nprobe lists hold on average
// (algorithms.FilterProbeTarget) is scanned exactly. Otherwise the lists
// are scanned nearest first as in Search, skipping disallowed rows, and
// beyond the nprobe nearest lists the scan goes on until k allowed rows
// have been seen, so a selective filter still returns k ids.
func (x *Index) SearchFiltered(q []float32, k int, allow *algorithms.Allow, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.coarse == nil || allow.Count() == 0 {
		return dst
	}
	s := x.pool.Get().(*scratch)
	nl := x.coarse.NList()
	n := len(x.ids)
	nprobe := min(x.nprobe, nl)
	if allow.Count() <= algorithms.FilterProbeTarget(n, nl, nprobe) {
		dst = x.exactAllowed(s, q, k, allow, dst)
		x.pool.Put(s)
		return dst
	}
	s.fit(x.maxList, x.dim)
	lists, _ := x.coarse.Nearest(q, nl, &s.probe)
	s.heap.Reset(k)
	rows := VisitLists(lists, x.offsets, nprobe, k, func(_, lo, hi int) (seen int) {
		ids := x.ids[lo:hi]
		for j, dd := range x.listDistances(s, q, lo, hi) {
			if !allow.Contains(ids[j]) {
				continue
			}
			seen++
			if dd < s.heap.Threshold() {
				s.heap.Push(dd, ids[j])
			}
		}
		return seen
	})
	dst = s.heap.AppendSorted(dst, nil)
	x.AddDistances(int64(nl) + rows)
	x.pool.Put(s)
	return dst
}

// VisitLists walks the lists of a filtered search nearest first (lists as
// Coarse.Nearest orders them, offsets as Group returns them): all of the
// nprobe nearest, then further ones until want allowed rows have been
// seen, so that a selective filter still finds enough. visit scans
// positions lo..hi of the i-th list, which is not empty, and returns how
// many allowed rows it saw. VisitLists returns the number of rows visited.
// IVF-PQ walks its lists with it too.
func VisitLists(lists []int32, offsets []int, nprobe, want int, visit func(i, lo, hi int) (seen int)) int64 {
	var rows int64
	seen := 0
	for i, l := range lists {
		if i >= nprobe && seen >= want {
			break
		}
		lo, hi := offsets[l], offsets[l+1]
		if lo == hi {
			continue
		}
		seen += visit(i, lo, hi)
		rows += int64(hi - lo)
	}
	return rows
}

// exactAllowed scans the allowed rows exactly.
func (x *Index) exactAllowed(s *scratch, q []float32, k int, allow *algorithms.Allow, dst []int32) []int32 {
	s.fit(0, x.dim)
	n := x.exact.ScanAllowedRows(&s.heap, k, allow, x.ids, func(p int) float32 { return x.rows.Distance(x.metric, q, p, s.tmp) })
	x.AddDistances(int64(n))
	return s.heap.AppendSorted(dst, nil)
}
