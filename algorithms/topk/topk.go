// Package topk keeps the k nearest candidates seen so far in a fixed-size
// max-heap over (distance, id) pairs, without interfaces or allocation
// after Reset.
//
// The common case in a scan is a candidate that is farther than everything
// kept; Push rejects it with one inlined comparison, and PushAll scans a
// whole block of distances against a threshold held in a register.
//
// It imports only algorithms/distance.
package topk

import "github.com/annbench/annbench/algorithms/distance"

// entry is one kept candidate. Distance and id sit side by side so a sift
// step touches one cache line and one bounds check covers both.
type entry struct {
	d  float32
	id int32
}

// Heap holds at most k (distance, id) pairs; the root is the farthest kept.
// The zero value is an empty heap of capacity 0; call Reset before use.
type Heap struct {
	e []entry
	k int
	// worst is e[0].d when the heap is full and +Inf otherwise, so the
	// rejection test in Push is a single comparison.
	worst float32
}

const inf = float32(3.4028234663852886e38)

// Reset empties the heap and sets its capacity to k, reusing storage.
func (h *Heap) Reset(k int) {
	if k < 0 {
		k = 0
	}
	if cap(h.e) < k {
		h.e = make([]entry, 0, k)
	}
	h.e = h.e[:0]
	h.k = k
	h.worst = inf
	if k == 0 {
		h.worst = -inf
	}
}

// Len returns the number of pairs held.
func (h *Heap) Len() int { return len(h.e) }

// K returns the capacity set by the last Reset.
func (h *Heap) K() int { return h.k }

// Full reports whether the heap holds k pairs.
func (h *Heap) Full() bool { return len(h.e) >= h.k }

// Worst returns the largest distance held; only meaningful when Len() > 0.
func (h *Heap) Worst() float32 { return h.e[0].d }

// Threshold returns the distance a candidate must beat to enter: the
// largest held distance when full, +Inf otherwise (and -Inf when k is 0,
// so nothing enters).
func (h *Heap) Threshold() float32 { return h.worst }

// Push offers a candidate. It is kept when the heap is not full or d is
// smaller than the current worst; a NaN distance is never kept.
func (h *Heap) Push(d float32, id int32) {
	if d < h.worst {
		h.push(d, id)
	}
}

// PushAll offers dists[i] with id first+i for every i, the fast path for a
// block of distances computed by a batch kernel: the distances that cannot
// enter are skipped by a vectorized threshold scan.
func (h *Heap) PushAll(dists []float32, first int32) {
	for i := 0; i < len(dists); {
		i += distance.FirstBelow(dists[i:], h.worst)
		if i >= len(dists) {
			return
		}
		h.push(dists[i], first+int32(i))
		i++
	}
}

// push inserts a candidate known to beat the threshold.
func (h *Heap) push(d float32, id int32) {
	n := len(h.e)
	if n < h.k {
		h.e = append(h.e, entry{d, id})
		h.up(n)
		if n+1 == h.k {
			h.worst = h.e[0].d
		}
		return
	}
	if n == 0 { // a zero-value Heap: capacity 0
		return
	}
	h.e[0] = entry{d, id}
	h.down(0)
	h.worst = h.e[0].d
}

func (h *Heap) up(i int) {
	e := h.e
	x := e[i]
	for i > 0 {
		p := (i - 1) / 2
		if e[p].d >= x.d {
			break
		}
		e[i] = e[p]
		i = p
	}
	e[i] = x
}

func (h *Heap) down(i int) {
	e := h.e
	n := len(e)
	x := e[i]
	for {
		c := 2*i + 1
		if c >= n || c < 0 {
			break
		}
		if c+1 < n && e[c+1].d > e[c].d {
			c++
		}
		if e[c].d <= x.d {
			break
		}
		e[i] = e[c]
		i = c
	}
	e[i] = x
}

// AppendSorted empties the heap and appends its ids to dst nearest first;
// dists, when non-nil, receives the matching distances in the same order
// and must have room for Len() values. Equal distances come out in no
// particular order.
func (h *Heap) AppendSorted(dst []int32, dists []float32) []int32 {
	n := len(h.e)
	if dists != nil {
		dists = dists[:n]
	}
	start := len(dst)
	dst = append(dst, make([]int32, n)...)
	out := dst[start : start+n]
	// Heap sort in place: move the root (the farthest) to the end of the
	// shrinking heap, then read the array front to back.
	for m := n - 1; m > 0; m-- {
		h.e[0], h.e[m] = h.e[m], h.e[0]
		h.e = h.e[:m]
		h.down(0)
	}
	e := h.e[:n]
	for i := range out {
		out[i] = e[i].id
		if dists != nil {
			dists[i] = e[i].d
		}
	}
	h.e = h.e[:0]
	h.worst = inf
	if h.k == 0 {
		h.worst = -inf
	}
	return dst
}
