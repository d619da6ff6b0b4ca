// Package topk keeps the k nearest candidates seen so far in a fixed-size
// max-heap over (distance, id) pairs, without interfaces or allocation
// after Reset.
package topk

// Heap holds at most k (distance, id) pairs; the root is the farthest kept.
type Heap struct {
	dist []float32
	ids  []int32
	k    int
}

// Reset empties the heap and sets its capacity to k, reusing storage.
func (h *Heap) Reset(k int) {
	if cap(h.dist) < k {
		h.dist = make([]float32, 0, k)
		h.ids = make([]int32, 0, k)
	}
	h.dist = h.dist[:0]
	h.ids = h.ids[:0]
	h.k = k
}

// Len returns the number of pairs held.
func (h *Heap) Len() int { return len(h.dist) }

// Full reports whether the heap holds k pairs.
func (h *Heap) Full() bool { return len(h.dist) >= h.k }

// Worst returns the largest distance held; only meaningful when Len() > 0.
func (h *Heap) Worst() float32 { return h.dist[0] }

// Threshold returns the distance a candidate must beat to enter: the
// largest held distance when full, +Inf otherwise.
func (h *Heap) Threshold() float32 {
	if len(h.dist) < h.k {
		return inf
	}
	return h.dist[0]
}

const inf = float32(3.4028234663852886e38)

// Push offers a candidate. It is kept when the heap is not full or d is
// smaller than the current worst.
func (h *Heap) Push(d float32, id int32) {
	n := len(h.dist)
	if n < h.k {
		h.dist = append(h.dist, d)
		h.ids = append(h.ids, id)
		h.up(n)
		return
	}
	if h.k == 0 || d >= h.dist[0] {
		return
	}
	h.dist[0] = d
	h.ids[0] = id
	h.down(0)
}

func (h *Heap) up(i int) {
	dist, ids := h.dist, h.ids
	d, id := dist[i], ids[i]
	for i > 0 {
		p := (i - 1) / 2
		if dist[p] >= d {
			break
		}
		dist[i], ids[i] = dist[p], ids[p]
		i = p
	}
	dist[i], ids[i] = d, id
}

func (h *Heap) down(i int) {
	dist, ids := h.dist, h.ids
	n := len(dist)
	d, id := dist[i], ids[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && dist[c+1] > dist[c] {
			c++
		}
		if dist[c] <= d {
			break
		}
		dist[i], ids[i] = dist[c], ids[c]
		i = c
	}
	dist[i], ids[i] = d, id
}

// pop removes the root.
func (h *Heap) pop() {
	n := len(h.dist) - 1
	h.dist[0], h.ids[0] = h.dist[n], h.ids[n]
	h.dist = h.dist[:n]
	h.ids = h.ids[:n]
	if n > 0 {
		h.down(0)
	}
}

// AppendSorted empties the heap and appends its ids to dst nearest first;
// dists, when non-nil, receives the matching distances in the same order
// and must have room for Len() values.
func (h *Heap) AppendSorted(dst []int32, dists []float32) []int32 {
	n := len(h.dist)
	start := len(dst)
	for i := 0; i < n; i++ {
		dst = append(dst, 0)
	}
	for i := n - 1; i >= 0; i-- {
		dst[start+i] = h.ids[0]
		if dists != nil {
			dists[i] = h.dist[0]
		}
		h.pop()
	}
	return dst
}
