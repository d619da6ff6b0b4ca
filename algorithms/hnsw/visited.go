package hnsw

// visited marks nodes seen by one search. Clearing is O(1): a node is
// marked when its tag equals the current epoch, and starting a new search
// bumps the epoch; the tags are zeroed only when the epoch wraps.
type visited struct {
	tags  []uint16
	epoch uint16
}

// next starts a new search over n nodes.
func (v *visited) next(n int) {
	if len(v.tags) < n {
		v.tags = make([]uint16, n)
		v.epoch = 0
	}
	v.epoch++
	if v.epoch == 0 {
		clear(v.tags)
		v.epoch = 1
	}
}
