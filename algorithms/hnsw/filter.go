package hnsw

import (
	"math"
	"unsafe"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
)

var _ algorithms.FilteredSearcher = (*Index)(nil)

// FilterGraphBudget bounds a filtered graph search by the cost of the
// exact alternative. A filtered search first walks the graph as usual but
// keeps only allowed nodes among the results, so at a low selectivity it
// must step through many rejected nodes before it holds ef allowed ones.
// When it has computed more than FilterGraphBudget × (allowed rows)
// distances it stops and scans the allowed rows exactly instead, and an
// allow-set no larger than ef is scanned exactly from the start. A graph
// distance costs more than a scanned one (random access versus a
// sequential walk), hence a share below 1. Measured on synthetic-100k-32
// (M=16, ef 32 and 128, random id allow-lists of 0.1 % to 30 %): a graph
// distance took 1.46-1.78x the time of a scanned one, and the graph won
// from about 3 % (ef 32) or 10 % (ef 128) selectivity up, so a budget of
// 1/1.6 of the allowed rows puts the switch at the crossover.
var FilterGraphBudget = 0.6

// filterExactUpfront decides the exact scan before any graph step: a
// filtered walk costs on the order of ef/selectivity distances, so with c
// allowed of n rows the scan (c distances) is cheaper roughly when
// c² < C·ef·n. The crossovers measured above put C between 2.8 (ef 32) and
// 7.8 (ef 128); below C = 2 the scan is certainly cheaper, and between the
// graph budget decides.
const filterExactUpfront = 2.0

// SearchFiltered returns up to k allowed ids nearest q, nearest first. It
// walks the graph through disallowed nodes while collecting only allowed
// ones, and switches to an exact scan of the allowed rows when that is the
// cheaper way (see FilterGraphBudget), so it adapts to the selectivity and
// to how the allowed rows lie in the graph.
func (x *Index) SearchFiltered(q []float32, k int, allow *algorithms.Allow, dst []int32) []int32 {
	dst = dst[:0]
	if k <= 0 || len(q) != x.dim || x.n == 0 {
		return dst
	}
	count := allow.Count()
	if count == 0 {
		return dst
	}
	s := x.pool.Get().(*scratch)
	ef := max(x.ef, k)
	var cnt int
	exact := count <= ef || float64(count)*float64(count) < filterExactUpfront*float64(ef)*float64(x.n)
	if !exact {
		ep, d, c := x.descend(s, q)
		budget := int(math.Ceil(FilterGraphBudget * float64(count)))
		c2, done := x.searchLayer0Filtered(s, q, ep, d, ef, allow, budget)
		cnt = c + c2
		exact = !done
	}
	if exact {
		cnt += x.scanAllowed(s, q, k, allow)
	}
	return x.finish(s, k, cnt, dst)
}

// searchLayer0Filtered is searchLayer0 collecting only allowed nodes in
// s.top: disallowed nodes are still expanded, since the path to the
// allowed neighbours may run through them. It gives up, returning done
// false, once it has computed more than budget distances.
func (x *Index) searchLayer0Filtered(s *scratch, q []float32, ep uint32, epD float32, ef int, allow *algorithms.Allow, budget int) (cnt int, done bool) {
	tags, tag := s.begin(x.n, ep, epD)
	bound := float32(math.Inf(1))
	if allow.Contains(int32(ep)) {
		s.top.push(epD, ep)
		if ef <= 1 {
			bound = epD
		}
	}
	nodes, stride, dim, pf := x.nodes, x.stride, x.dim, x.pfLines
	ids := s.idBuf(x.m0)
	for s.cand.len() > 0 {
		c := s.cand.top()
		if c.d > bound {
			break
		}
		s.cand.pop()
		nb := layer0(nodes, stride, dim, c.id)
		m := 0
		for _, id := range nb {
			if tags[id] != tag {
				tags[id] = tag
				ids[m] = id
				m++
				distance.PrefetchLines(unsafe.Pointer(&nodes[int(id)*stride]), pf)
			}
		}
		cnt += m
		for _, id := range ids[:m] {
			d := x.dist(q, unsafe.Slice((*float32)(unsafe.Pointer(&nodes[int(id)*stride])), dim))
			if d < bound {
				s.cand.push(d, id)
				if allow.Contains(int32(id)) {
					s.top.push(d, id)
					if s.top.len() > ef {
						s.top.pop()
					}
					if s.top.len() >= ef {
						bound = s.top.top().d
					}
				}
			}
		}
		if cnt > budget {
			return cnt, false
		}
	}
	return cnt, true
}

// scanAllowed leaves the k allowed nodes nearest q in s.top by measuring
// every allowed node, and returns the number of distances computed.
func (x *Index) scanAllowed(s *scratch, q []float32, k int, allow *algorithms.Allow) int {
	s.top.reset()
	n := 0
	offer := func(id uint32) {
		d := x.dist(q, x.vec(id))
		n++
		if s.top.len() < k {
			s.top.push(d, id)
		} else if d < s.top.top().d {
			s.top.pop()
			s.top.push(d, id)
		}
	}
	allow.Each(func(id int32) {
		if int(id) < x.n {
			offer(uint32(id))
		}
	})
	return n
}
