package distance

import "fmt"

// L2SqGather writes to out[i] the squared L2 distance between q and the
// row of len(q) elements starting at data[ids[i]*stride], for every i <
// len(ids). It is for an index that measures one query against scattered
// rows, such as the neighbours of a graph node: the AVX2 kernel reads
// three rows side by side, so their cache misses overlap. Every distance
// has exactly the bits L2Sq would return for that row, wherever it sits in
// ids. It panics when out is shorter than ids or a row does not fit in
// data.
func L2SqGather(q, data []float32, stride int, ids []uint32, out []float32) {
	if limit, ok := checkGather(q, data, stride, ids, out); ok {
		if m := active.l2sqGather(q, data, stride, ids, out, limit); m < len(ids) {
			gatherPanic(q, data, stride, ids[m:], limit)
		}
	}
}

// DotGather is L2SqGather for the inner product: out[i] is the inner
// product of q and the row at data[ids[i]*stride], with the bits of Dot.
func DotGather(q, data []float32, stride int, ids []uint32, out []float32) {
	if limit, ok := checkGather(q, data, stride, ids, out); ok {
		if m := active.dotGather(q, data, stride, ids, out, limit); m < len(ids) {
			gatherPanic(q, data, stride, ids[m:], limit)
		}
	}
}

// checkGather validates gather arguments and returns the number of rows
// whose start fits in data, capped at 2^32 (ids are below it), and whether
// there is work for a kernel; for an empty query it zeroes out[:len(ids)].
// The kernels compare every id with that limit, so the check costs nothing
// per id here.
func checkGather(q, data []float32, stride int, ids []uint32, out []float32) (int, bool) {
	if stride < 0 {
		panic(fmt.Sprintf("distance: negative gather stride %d", stride))
	}
	if len(out) < len(ids) {
		panic(fmt.Sprintf("distance: gather of %d rows needs %d outputs, out holds %d", len(ids), len(ids), len(out)))
	}
	if len(q) == 0 {
		for _, id := range ids {
			if int(id)*stride > len(data) {
				gatherPanic(q, data, stride, []uint32{id}, 0)
			}
		}
		clear(out[:len(ids)])
		return 0, false
	}
	const maxRows = 1 << 32
	limit := 0
	switch {
	case len(q) > len(data):
	case stride == 0:
		limit = maxRows
	default:
		limit = min((len(data)-len(q))/stride+1, maxRows)
	}
	return limit, len(ids) > 0
}

// gatherPanic reports the first of ids whose row does not fit in data.
func gatherPanic(q, data []float32, stride int, ids []uint32, limit int) {
	bad := ids[0]
	for _, id := range ids {
		if int(id) >= limit {
			bad = id
			break
		}
	}
	panic(fmt.Sprintf("distance: gathered row %d (stride %d, dim %d) ends past the %d elements of data",
		bad, stride, len(q), len(data)))
}

func l2sqGatherGeneric(q, data []float32, stride int, ids []uint32, out []float32, limit int) int {
	return gatherPairs(q, data, stride, ids, out, limit, l2sqGeneric)
}

func dotGatherGeneric(q, data []float32, stride int, ids []uint32, out []float32, limit int) int {
	return gatherPairs(q, data, stride, ids, out, limit, dotGeneric)
}

// gatherPairs measures the ids one at a time with pair, stopping at the
// first id >= limit; it returns the number measured.
func gatherPairs(q, data []float32, stride int, ids []uint32, out []float32, limit int, pair func(a, b []float32) float32) int {
	d := len(q)
	for i, id := range ids {
		if int(id) >= limit {
			return i
		}
		o := int(id) * stride
		out[i] = pair(q, data[o:o+d])
	}
	return len(ids)
}
