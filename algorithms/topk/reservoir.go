package topk

import "slices"

// Reservoir keeps the k nearest of a stream of candidates, like Heap, but
// is cheaper when many candidates beat the threshold (a quantized scan
// keeping its best few hundred for re-ranking): a candidate below the
// threshold is appended to a buffer of about 2k entries, and only when the
// buffer is full are its k nearest selected (quickselect, linear time) and
// the threshold tightened to the farthest of them. A Heap pays a sift of
// log k steps for every candidate that enters.
//
// The zero value holds nothing; call Reset before use.
type Reservoir struct {
	e   []entry
	n   int // entries in use, e[:n]
	k   int
	thr float32
}

// Reset empties the reservoir and sets its capacity to k, reusing storage.
func (r *Reservoir) Reset(k int) {
	k = max(k, 0)
	size := max(2*k, k+32)
	if len(r.e) < size {
		r.e = make([]entry, size)
	}
	r.e = r.e[:size]
	r.n, r.k = 0, k
	r.thr = inf
	if k == 0 {
		r.thr = -inf
	}
}

// Full reports whether the reservoir holds at least k candidates, i.e.
// whether k nearest are known.
func (r *Reservoir) Full() bool { return r.n >= r.k }

// Threshold returns the distance a candidate must beat to enter. It is
// +Inf until more than 2k candidates entered and never increases; unlike
// Heap's it may lag behind the k-th nearest held.
func (r *Reservoir) Threshold() float32 { return r.thr }

// Push offers a candidate; a NaN distance never enters.
func (r *Reservoir) Push(d float32, id int32) {
	if d < r.thr {
		r.e[r.n] = entry{d, id}
		r.n++
		if r.n == len(r.e) {
			r.shrink()
		}
	}
}

// shrink keeps the k nearest entries and sets the threshold to the
// farthest of them.
func (r *Reservoir) shrink() {
	if r.k == 0 {
		r.n = 0
		return
	}
	e := r.e[:r.n]
	selectK(e, r.k)
	r.n = r.k
	r.thr = e[r.k-1].d
}

// selectK reorders e so that e[:k] holds k smallest distances with the
// largest of them at e[k-1] (Wirth's selection; 0 < k <= len(e)).
func selectK(e []entry, k int) {
	t := k - 1
	lo, hi := 0, len(e)-1
	for lo < hi {
		// The median of three as pivot value keeps sorted input linear.
		a, b, c := e[lo].d, e[lo+(hi-lo)/2].d, e[hi].d
		x := max(min(a, b), min(max(a, b), c))
		i, j := lo, hi
		for i <= j {
			for e[i].d < x {
				i++
			}
			for x < e[j].d {
				j--
			}
			if i <= j {
				e[i], e[j] = e[j], e[i]
				i++
				j--
			}
		}
		if j < t {
			lo = i
		}
		if t < i {
			hi = j
		}
	}
}

// Append appends the ids of the k nearest candidates (fewer if fewer
// entered) to dst in no particular order, and empties the reservoir.
func (r *Reservoir) Append(dst []int32) []int32 {
	r.finish()
	for _, x := range r.e[:r.n] {
		dst = append(dst, x.id)
	}
	r.clear()
	return dst
}

// AppendSorted appends the ids of the k nearest candidates to dst nearest
// first and empties the reservoir; dists, when non-nil, receives the
// matching distances and must have room for them. Equal distances come out
// in no particular order.
func (r *Reservoir) AppendSorted(dst []int32, dists []float32) []int32 {
	r.finish()
	e := r.e[:r.n]
	slices.SortFunc(e, func(a, b entry) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return 0
	})
	for i, x := range e {
		dst = append(dst, x.id)
		if dists != nil {
			dists[i] = x.d
		}
	}
	r.clear()
	return dst
}

// finish cuts the entries down to the k nearest.
func (r *Reservoir) finish() {
	if r.n > r.k {
		r.shrink()
	}
}

func (r *Reservoir) clear() {
	r.n = 0
	r.thr = inf
	if r.k == 0 {
		r.thr = -inf
	}
}
