package pq

import (
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/vector"
)

// scanBlock is the number of codes scored per Scan call.
const scanBlock = 256

// Search scans every code with the query's ADC table and returns the k
// nearest ids; with rerank > 0 the best max(k, rerank) are re-scored with
// exact distances first.
func (x *Index) Search(q []float32, k int, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.n == 0 {
		return dst
	}
	s := x.pool.Get().(*scratch)
	if x.metric == vector.L2 {
		x.q.L2Table(q, s.tab)
	} else {
		x.q.DotTable(q, -1, s.tab)
	}
	keep := max(k, x.rerank) // rerank is 0 (none) or positive, see SetQuery
	s.heap.Reset(keep)
	m := x.cfg.M
	for lo := 0; lo < x.n; lo += scanBlock {
		hi := min(lo+scanBlock, x.n)
		dis := s.dis[:hi-lo]
		Scan(x.codes[lo*m:hi*m], s.tab, dis)
		s.heap.PushAll(dis, int32(lo))
	}
	count := int64(x.n)
	if x.rerank > 0 {
		s.cand = s.heap.AppendSorted(s.cand[:0], nil)
		count += int64(len(s.cand))
		dst = Rerank(x.metric, q, x.vectors, s.cand, k, &s.exact, dst)
	} else {
		dst = s.heap.AppendSorted(dst, nil)
	}
	x.AddDistances(count)
	x.pool.Put(s)
	return dst
}

// Rerank re-scores the candidate ids cand with exact distances between q
// and their rows of vectors (contiguous, len(q) per row) and appends the k
// nearest to dst, nearest first. h is scratch space.
func Rerank(metric vector.Metric, q, vectors []float32, cand []int32, k int, h *topk.Heap, dst []int32) []int32 {
	d := len(q)
	h.Reset(k)
	if metric == vector.L2 {
		for _, id := range cand {
			h.Push(distance.L2Sq(q, vectors[int(id)*d:int(id)*d+d]), id)
		}
	} else {
		for _, id := range cand {
			h.Push(-distance.Dot(q, vectors[int(id)*d:int(id)*d+d]), id)
		}
	}
	return h.AppendSorted(dst, nil)
}
