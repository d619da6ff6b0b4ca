package scann

import (
	"github.com/annbench/annbench/algorithms"
)

var _ algorithms.FilteredSearcher = (*Index)(nil)

// codeShare is the cost of scoring one 4-bit code relative to one exact
// distance (a fast-scan code costs a few table look-ups shared by 32 rows;
// an exact distance dim multiply-adds): an allow-set of at most
// max(k, reorder) + codeShare × (rows the probe scans) rows is cheaper to
// scan exactly.
const codeShare = 1.0 / 16

// SearchFiltered returns up to k allowed ids nearest q, nearest first. It
// scans partitions nearest first like Search, letting only allowed rows
// into the candidates, and goes past leaves_to_search partitions until it
// holds max(k, reorder) allowed candidates; re-ranking is as in Search. A
// small allow-set (see codeShare) is scanned exactly instead.
func (x *Index) SearchFiltered(q []float32, k int, allow *algorithms.Allow, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.n == 0 || allow.Count() == 0 {
		return dst
	}
	s := x.pool.Get().(*scratch)
	s.ensure(x)
	R := max(k, x.reorder)
	target := algorithms.FilterProbeTarget(x.n, x.nleaves, x.leavesToSearch)
	if float64(allow.Count()) <= float64(R)+codeShare*float64(target) {
		dst = x.exactAllowed(s, q, k, allow, dst)
	} else {
		dst = x.search(s, q, k, x.leavesToSearch, x.reorder, allow, dst)
	}
	x.pool.Put(s)
	return dst
}

// exactAllowed scans the allowed rows with exact distances.
func (x *Index) exactAllowed(s *scratch, q []float32, k int, allow *algorithms.Allow, dst []int32) []int32 {
	c := x.exact.ScanAllowedRows(&s.exact, k, allow, x.ids, func(p int) float32 { return x.rows.Distance(x.metric, q, p, s.row) })
	x.AddDistances(int64(c))
	return s.exact.AppendSorted(dst, nil)
}
