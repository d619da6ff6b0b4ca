package ivfflat

import (
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// Search scans the nprobe lists nearest to q and returns the k nearest
// ids, nearest first.
func (x *Index) Search(q []float32, k int, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.coarse == nil {
		return dst
	}
	s := x.pool.Get().(*scratch)
	nprobe := min(x.nprobe, x.coarse.NList())
	s.fit(x.maxList)
	lists, _ := x.coarse.Nearest(q, nprobe, &s.probe)
	s.heap.Reset(k)
	count := int64(x.coarse.NList())
	for _, l := range lists {
		lo, hi := x.offsets[l], x.offsets[l+1]
		if lo == hi {
			continue
		}
		// The heap holds list positions; they become ids at the end.
		s.heap.PushAll(x.listDistances(s, q, lo, hi), int32(lo))
		count += int64(hi - lo)
	}
	dst = s.heap.AppendSorted(dst, nil)
	for i, pos := range dst {
		dst[i] = x.ids[pos]
	}
	x.AddDistances(count)
	x.pool.Put(s)
	return dst
}

// listDistances returns the distances from q to the vectors at positions
// lo..hi-1, in s.dis: squared l2, or the negated inner product (smaller is
// nearer) for ip and angular.
func (x *Index) listDistances(s *scratch, q []float32, lo, hi int) []float32 {
	dis := s.dis[:hi-lo]
	rows := x.vectors[lo*x.dim : hi*x.dim]
	if x.metric == vector.L2 {
		distance.L2SqBatch(q, rows, dis)
		return dis
	}
	distance.DotBatch(q, rows, dis)
	for i := range dis {
		dis[i] = -dis[i]
	}
	return dis
}
