package flat

import (
	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

var _ algorithms.FilteredSearcher = (*Index)(nil)

// SearchFiltered returns the k nearest allowed ids, nearest first, by an
// exact scan of the allowed rows only: a range is scanned with the batch
// kernels like an unfiltered search, an id list row by row. The result is
// exactly the filtered ground truth.
func (x *Index) SearchFiltered(q []float32, k int, allow *algorithms.Allow, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) != x.dim || k <= 0 || x.v.n == 0 {
		return dst
	}
	s := x.pool.Get().(*scratch)
	if lo, hi, ok := allow.Range(); ok {
		hi = min(hi, x.v.n)
		if lo < hi {
			s.heap.Reset(min(k, hi-lo))
			x.scan(q, s, lo, hi)
			dst = s.heap.AppendSorted(dst, nil)
			x.AddDistances(int64(hi - lo))
		}
	} else if ids := allow.IDs(); len(ids) > 0 {
		s.heap.Reset(min(k, len(ids)))
		x.AddDistances(int64(x.scanIDs(q, s, ids)))
		dst = s.heap.AppendSorted(dst, nil)
	}
	x.pool.Put(s)
	return dst
}

// scanIDs offers the distances to q of the listed base vectors (ascending
// ids) to s.heap and returns how many it measured.
func (x *Index) scanIDs(q []float32, s *scratch, ids []int32) int {
	v := &x.v
	n := 0
	if v.bytes != nil {
		d := v.dim
		if cap(s.qb) < d {
			s.qb = make([]uint8, d)
		}
		qb := s.qb[:d]
		if toBytes(qb, q) {
			var one [1]uint32
			for _, id := range ids {
				if int(id) >= v.n {
					break
				}
				distance.L2SqUint8Batch(qb, v.bytes[int(id)*d:int(id)*d+d], one[:])
				pushInts(&s.heap, one[:], int(id))
				n++
			}
			return n
		}
		if len(s.rows) < ScanRows*d {
			s.rows = make([]float32, ScanRows*d)
		}
		row := s.rows[:d]
		for _, id := range ids {
			if int(id) >= v.n {
				break
			}
			v.widen(row, int(id), int(id)+1)
			s.heap.Push(distance.L2Sq(q, row), id)
			n++
		}
		return n
	}
	h, t := v.h, v.dim-v.h
	l2 := v.metric == vector.L2
	v.permute(s.q, q, !l2)
	qh, qt := s.q[:h], s.q[h:]
	for _, id := range ids {
		r := int(id)
		if r >= v.n {
			break
		}
		n++
		head := v.head[r*h : r*h+h]
		if !l2 {
			s.heap.Push(distance.Dot(qh, head), id)
			continue
		}
		p := distance.L2Sq(qh, head)
		if t > 0 && p < s.heap.Threshold() {
			p += distance.L2Sq(qt, v.tail[r*t:r*t+t])
		}
		if p < s.heap.Threshold() {
			s.heap.Push(p, id)
		}
	}
	return n
}
