package ivfpq

import (
	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/ivfflat"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/datasets/vector"
)

var _ algorithms.FilteredSearcher = (*Index)(nil)

// exactShare is the cost of scoring one PQ code relative to one exact
// distance (M table look-ups against dim multiply-adds); an allow-set of at
// most rerank + exactShare × (rows the probe scans) rows is cheaper to scan
// exactly when the full vectors are stored.
const exactShare = 0.25

// SearchFiltered returns up to k allowed ids nearest q, nearest first. It
// scans lists nearest first as Search does, offering only allowed rows to
// the candidate heap; past the nprobe nearest lists it goes on until it has
// seen max(k, rerank) allowed rows. When the full vectors are stored and
// the allow-set is small (see exactShare), it scans the allowed rows
// exactly instead.
func (x *Index) SearchFiltered(q []float32, k int, allow *algorithms.Allow, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.coarse == nil || allow.Count() == 0 {
		return dst
	}
	s := x.pool.Get().(*scratch)
	nl := x.coarse.NList()
	nprobe := min(x.nprobe, nl)
	keep := max(k, x.rerank) // rerank is 0 (none) or positive, see SetQuery
	target := algorithms.FilterProbeTarget(len(x.ids), nl, nprobe)
	if len(x.vectors) > 0 && float64(allow.Count()) <= float64(x.rerank)+exactShare*float64(target) {
		dst = x.exactAllowed(s, q, k, allow, dst)
		x.pool.Put(s)
		return dst
	}
	s.fit(x.maxList)
	lists, ldist := x.coarse.Nearest(q, nl, &s.probe)
	if x.metric == vector.L2 {
		x.q.DotTable(q, -2, s.tab)
	} else {
		x.q.DotTable(q, -1, s.tab)
	}
	s.heap.Reset(keep)
	m := x.cfg.M
	rows := ivfflat.VisitLists(lists, x.offsets, nprobe, keep, func(li, lo, hi int) (seen int) {
		dis := s.dis[:hi-lo]
		pq.Scan(x.codes[lo*m:hi*m], s.tab, dis)
		bias := ldist[li]
		ids := x.ids[lo:hi]
		for i, d := range dis {
			if !allow.Contains(ids[i]) {
				continue
			}
			seen++
			d += bias
			if len(x.terms) > 0 {
				d += x.terms[lo+i]
			}
			s.heap.Push(d, int32(lo+i))
		}
		return seen
	})
	dst = x.finish(s, q, k, int64(nl)+rows, dst)
	x.pool.Put(s)
	return dst
}

// exactAllowed scans the allowed rows with exact distances; the full
// vectors are stored in id order.
func (x *Index) exactAllowed(s *scratch, q []float32, k int, allow *algorithms.Allow, dst []int32) []int32 {
	d := x.dim
	dist := distance.For(x.metric)
	c := algorithms.ScanAllowed(&s.exact, k, allow, len(x.vectors)/d, func(id int32) float32 {
		return dist(q, x.vectors[int(id)*d:int(id)*d+d])
	})
	x.AddDistances(int64(c))
	return s.exact.AppendSorted(dst, nil)
}
