package hnsw

// item is a node id with its distance to the point being searched for.
type item struct {
	d  float32
	id uint32
}

// minHeap is a binary min-heap of items by distance: the candidate queue
// of the best-first search, nearest on top. It is the max-heap of the
// negated distances (as hnswlib's candidate queue is), so the two heaps
// share one sift-up and one sift-down.
type minHeap struct{ h maxHeap }

func (h *minHeap) reset()   { h.h.reset() }
func (h *minHeap) len() int { return h.h.len() }

func (h *minHeap) top() item {
	t := h.h.top()
	return item{-t.d, t.id}
}

func (h *minHeap) push(d float32, id uint32) { h.h.push(-d, id) }

func (h *minHeap) pop() item {
	t := h.h.pop()
	return item{-t.d, t.id}
}

// maxHeap is a binary max-heap of items by distance: the ef nearest found
// so far, farthest on top so it can be dropped first.
type maxHeap struct{ a []item }

func (h *maxHeap) reset()    { h.a = h.a[:0] }
func (h *maxHeap) len() int  { return len(h.a) }
func (h *maxHeap) top() item { return h.a[0] }

func (h *maxHeap) push(d float32, id uint32) {
	a := append(h.a, item{})
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) >> 1
		if a[p].d >= d {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = item{d, id}
	h.a = a
}

func (h *maxHeap) pop() item {
	a := h.a
	top := a[0]
	n := len(a) - 1
	last := a[n]
	a = a[:n]
	h.a = a
	if n > 0 {
		siftDown(a, last)
	}
	return top
}

// replaceTop replaces the farthest item with (d, id), which must be
// nearer, in one sift down: a push followed by a pop of the farthest,
// done with half the work.
func (h *maxHeap) replaceTop(d float32, id uint32) {
	siftDown(h.a, item{d, id})
}

// siftDown puts x at the root of the max-heap a (whose root slot is free)
// and moves it down until no child is farther.
func siftDown(a []item, x item) {
	n := len(a)
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && a[c+1].d > a[c].d {
			c++
		}
		if a[c].d <= x.d {
			break
		}
		a[i] = a[c]
		i = c
	}
	a[i] = x
}

// drainAscending empties h into dst[:0] nearest first and returns it.
func (h *maxHeap) drainAscending(dst []item) []item {
	n := h.len()
	if cap(dst) < n {
		dst = make([]item, n)
	}
	dst = dst[:n]
	for i := n - 1; i >= 0; i-- {
		dst[i] = h.pop()
	}
	return dst
}
