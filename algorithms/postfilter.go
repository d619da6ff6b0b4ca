package algorithms

import (
	"math"
	"sync"
)

// PostFilterOverfetch is how many more ids than k/selectivity a
// post-filtered search asks the index for, so that after dropping the ids
// the allow-set rejects about k remain even when allowed ids are not spread
// evenly over the result.
const PostFilterOverfetch = 2.0

// PostFilter gives an index without FilteredSearcher a filtered search by
// post-filtering: it asks the index for ceil(PostFilterOverfetch·k /
// selectivity) ids (at most the base size), drops those the allow-set
// rejects and keeps the first k. This is what a user of such a library
// would do; its cost grows as the selectivity falls, which is what a
// filtered benchmark should show.
type PostFilter struct {
	Index Index
	pool  sync.Pool // *[]int32
}

var _ FilteredSearcher = (*PostFilter)(nil)

// Fetch is the number of ids PostFilter asks the index for.
func (p *PostFilter) Fetch(k int, allow *Allow) int {
	n := allow.N()
	c := allow.Count()
	if c == 0 || n == 0 {
		return 0
	}
	f := math.Ceil(PostFilterOverfetch * float64(k) * float64(n) / float64(c))
	return int(min(f, float64(n)))
}

// SearchFiltered searches the wrapped index and keeps the allowed ids.
func (p *PostFilter) SearchFiltered(q []float32, k int, allow *Allow, dst []int32) []int32 {
	dst = dst[:0]
	fetch := p.Fetch(k, allow)
	if fetch == 0 || k <= 0 {
		return dst
	}
	buf, _ := p.pool.Get().(*[]int32)
	if buf == nil {
		buf = new([]int32)
	}
	if cap(*buf) < fetch {
		*buf = make([]int32, 0, fetch)
	}
	got := p.Index.Search(q, fetch, (*buf)[:0])
	for _, id := range got {
		if len(dst) == k {
			break
		}
		if allow.Contains(id) {
			dst = append(dst, id)
		}
	}
	*buf = got[:0]
	p.pool.Put(buf)
	return dst
}
