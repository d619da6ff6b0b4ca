package ivfpq

import (
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/datasets/vector"
)

// Search scores the codes of the nprobe lists nearest to q with one ADC
// table and returns the k nearest ids; with rerank > 0 the best
// max(k, rerank) are re-scored with exact distances first.
func (x *Index) Search(q []float32, k int, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.coarse == nil {
		return dst
	}
	s := x.pool.Get().(*scratch)
	nl := x.coarse.NList()
	nprobe := min(x.nprobe, nl)
	s.fit(x.maxList)
	lists, ldist := x.coarse.Nearest(q, nprobe, &s.probe)
	l2 := x.metric == vector.L2
	if l2 {
		x.q.DotTable(q, -2, s.tab)
	} else {
		x.q.DotTable(q, -1, s.tab)
	}
	keep := max(k, x.rerank) // rerank is 0 (none) or positive, see SetQuery
	s.heap.Reset(keep)
	m := x.cfg.M
	count := int64(nl)
	ldist = ldist[:len(lists)]
	for li, l := range lists {
		lo, hi := x.offsets[l], x.offsets[l+1]
		if lo == hi {
			continue
		}
		dis := s.dis[:hi-lo]
		pq.Scan(x.codes[lo*m:hi*m], s.tab, dis)
		bias := ldist[li]
		if l2 {
			terms := x.terms[lo:hi]
			terms = terms[:len(dis)]
			for i := range dis {
				dis[i] += bias + terms[i]
			}
		} else {
			for i := range dis {
				dis[i] += bias
			}
		}
		// The heap holds list positions; they become ids at the end.
		s.heap.PushAll(dis, int32(lo))
		count += int64(hi - lo)
	}
	dst = x.finish(s, q, k, count, dst)
	x.pool.Put(s)
	return dst
}

// finish turns the candidate positions in s.heap into the k result ids:
// re-scored exactly first when rerank > 0. count is the distances computed
// so far; the re-rank's are added before it is recorded.
func (x *Index) finish(s *scratch, q []float32, k int, count int64, dst []int32) []int32 {
	if x.rerank > 0 {
		s.cand = s.heap.AppendSorted(s.cand[:0], nil)
		for i, pos := range s.cand {
			s.cand[i] = x.ids[pos]
		}
		count += int64(len(s.cand))
		dst = pq.Rerank(x.metric, q, x.vectors, s.cand, k, &s.exact, dst)
	} else {
		dst = s.heap.AppendSorted(dst, nil)
		for i, pos := range dst {
			dst[i] = x.ids[pos]
		}
	}
	x.AddDistances(count)
	return dst
}
