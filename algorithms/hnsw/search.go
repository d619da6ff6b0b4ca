package hnsw

// Search returns the ids of up to k stored vectors nearest to q, nearest
// first, written into dst[:0]. It searches with width max(ef, k); when k
// reaches the number of stored vectors it scans them all instead, so every
// vector is returned. Search does not allocate once its pooled scratch has
// grown and cap(dst) >= k, and it is safe for concurrent use after Build.
func (x *Index) Search(q []float32, k int, dst []int32) []int32 {
	dst = dst[:0]
	if k <= 0 || len(q) != x.dim || x.n == 0 {
		return dst
	}
	s := x.pool.Get().(*scratch)
	var cnt int
	if k >= x.n {
		cnt = x.scanAll(s, q)
	} else {
		ep, d, c := x.descend(s, q)
		cnt = c + x.searchLayer0(s, q, ep, d, max(x.ef, k))
	}
	return x.finish(s, k, cnt, dst)
}

// descend walks greedily from the entry point down the upper layers and
// returns the node it reaches on layer 1, its distance to q and the number
// of distances computed: where the layer-0 search of Search and
// SearchFiltered starts.
func (x *Index) descend(s *scratch, q []float32) (uint32, float32, int) {
	ep := x.entry
	d := x.dist(q, x.vec(ep))
	cnt := 1
	for l := x.maxLevel; l > 0; l-- {
		var c int
		ep, d, c = x.greedy(s, q, ep, d, l)
		cnt += c
	}
	return ep, d, cnt
}

// finish ends a search: it writes the k nearest nodes left in s.top into
// dst, nearest first, returns s to the pool and counts cnt distances.
func (x *Index) finish(s *scratch, k, cnt int, dst []int32) []int32 {
	for s.top.len() > k {
		s.top.pop()
	}
	m := s.top.len()
	if cap(dst) >= m {
		dst = dst[:m]
	} else {
		dst = make([]int32, m)
	}
	for i := m - 1; i >= 0; i-- {
		dst[i] = int32(s.top.pop().id)
	}
	x.pool.Put(s)
	x.AddDistances(int64(cnt))
	return dst
}

// greedy moves from ep to the nearest node on level reachable by always
// stepping to a neighbour nearer to q, and returns it with its distance and
// the number of distances computed.
func (x *Index) greedy(s *scratch, q []float32, ep uint32, d float32, level int) (uint32, float32, int) {
	ds := s.distBuf(x.m0)
	cnt := 0
	for changed := true; changed; {
		changed = false
		l := x.list(ep, level)
		nb := l[1 : 1+l[0]]
		x.distances(q, nb, ds)
		cnt += len(nb)
		for i, id := range nb {
			if ds[i] < d {
				d, ep, changed = ds[i], id, true
			}
		}
	}
	return ep, d, cnt
}

// searchLayer0 runs the best-first search of width ef on layer 0 from ep
// and leaves the ef nearest nodes found in s.top. It returns the number of
// distances computed.
//
// Each expansion first collects the unvisited neighbours without a branch
// per neighbour (a visited test is a coin flip the predictor cannot learn:
// every neighbour is written to ids and tagged, and the count advances only
// for one not seen before), prefetches the start of their vectors in one
// call, then measures them all with one gather call, which reads three
// vectors side by side: the loads of several vectors overlap instead of
// each distance waiting for its own cache misses.
func (x *Index) searchLayer0(s *scratch, q []float32, ep uint32, epD float32, ef int) int {
	tags, tag := s.begin(x.n, ep, epD)
	s.top.push(epD, ep)
	bound := epD
	nodes, stride, dim, pf := x.nodes, x.stride, x.dim, x.pfLines
	ids, ds := s.idBuf(x.m0), s.distBuf(x.m0)
	cnt := 0
	for s.cand.len() > 0 {
		c := s.cand.top()
		if c.d > bound && s.top.len() >= ef {
			break
		}
		s.cand.pop()
		nb := layer0(nodes, stride, dim, c.id)
		m := 0
		for _, id := range nb {
			seen := tags[id] ^ tag // 0 when visited
			tags[id] = tag
			ids[m] = id
			m += int((uint32(seen) + 0xffff) >> 16)
		}
		if m == 0 {
			continue
		}
		prefetchRows(&nodes[0], stride*4, &ids[0], m, pf)
		cnt += m
		x.distances(q, ids[:m], ds)
		for i, id := range ids[:m] {
			d := ds[i]
			if d < bound || s.top.len() < ef {
				s.cand.push(d, id)
				if s.top.len() < ef {
					s.top.push(d, id)
				} else {
					s.top.replaceTop(d, id)
				}
				bound = s.top.top().d
			}
		}
	}
	return cnt
}

// scanAll leaves every stored vector in s.top, for k >= n.
func (x *Index) scanAll(s *scratch, q []float32) int {
	s.top.reset()
	for i := 0; i < x.n; i++ {
		s.top.push(x.dist(q, x.vec(uint32(i))), uint32(i))
	}
	return x.n
}
