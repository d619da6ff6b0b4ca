package ivfflat

import (
	"math"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// scanBlock is the number of rows a bounded scan measures between two
// looks at the heap's threshold.
const scanBlock = 64

// boundMinDim is the smallest dimension for which an l2 search lets the
// kernel abandon rows (distance.L2SqBatchBound). Long vectors stream from
// memory and reading less of them pays (fashion-mnist, 784: +6% QPS);
// short ones are in cache, and there the threshold checks cost more than
// they save (siftsmall, 128: -23%).
const boundMinDim = 256

// Search scans the nprobe lists nearest to q and returns the k nearest
// ids, nearest first.
func (x *Index) Search(q []float32, k int, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.coarse == nil {
		return dst
	}
	s := x.pool.Get().(*scratch)
	nprobe := min(x.nprobe, x.coarse.NList())
	s.fit(x.maxList, x.dim)
	lists, _ := x.coarse.Nearest(q, nprobe, &s.probe)
	s.heap.Reset(k)
	count := int64(x.coarse.NList())
	bounded := x.metric == vector.L2 && x.dim >= boundMinDim
	for _, l := range lists {
		lo, hi := x.offsets[l], x.offsets[l+1]
		if lo == hi {
			continue
		}
		count += int64(hi - lo)
		if bounded {
			x.scanBounded(s, q, lo, hi)
			continue
		}
		// The heap holds list positions; they become ids at the end.
		s.heap.PushAll(x.listDistances(s, q, lo, hi), int32(lo))
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
// lo..hi-1, in s.dis (from bytes, the same values; compact.go): squared l2, or the negated inner product (smaller is
// nearer) for ip and angular.
func (x *Index) listDistances(s *scratch, q []float32, lo, hi int) []float32 {
	dis := s.dis[:hi-lo]
	if b := x.rows.Bytes(); b != nil {
		distance.L2SqBatchBoundUint8(q, b[lo*x.dim:hi*x.dim], dis, float32(math.Inf(1)), s.tmp)
		return dis
	}
	rows := x.rows.Floats()[lo*x.dim : hi*x.dim]
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

// scanBounded pushes the l2 distances from q to the vectors at positions
// lo..hi-1 into s.heap, in blocks of rows measured against the heap's
// current threshold: the kernel abandons rows that cannot enter, and a
// threshold that tightens within a list prunes the rest of it sooner. Rows
// that could enter get their exact distance, so the heap ends as it would
// after one PushAll of listDistances.
func (x *Index) scanBounded(s *scratch, q []float32, lo, hi int) {
	d := x.dim
	bytes, floats := x.rows.Bytes(), x.rows.Floats()
	for b := lo; b < hi; b += scanBlock {
		e := min(hi, b+scanBlock)
		dis := s.dis[:e-b]
		if bytes != nil {
			distance.L2SqBatchBoundUint8(q, bytes[b*d:e*d], dis, s.heap.Threshold(), s.tmp)
		} else {
			distance.L2SqBatchBound(q, floats[b*d:e*d], dis, s.heap.Threshold())
		}
		s.heap.PushAll(dis, int32(b))
	}
}
