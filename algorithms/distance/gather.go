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
	if checkGather(q, data, stride, ids, out) {
		active.l2sqGather(q, data, stride, ids, out)
	}
}

// DotGather is L2SqGather for the inner product: out[i] is the inner
// product of q and the row at data[ids[i]*stride], with the bits of Dot.
func DotGather(q, data []float32, stride int, ids []uint32, out []float32) {
	if checkGather(q, data, stride, ids, out) {
		active.dotGather(q, data, stride, ids, out)
	}
}

// checkGather validates gather arguments and reports whether there is work
// for a kernel; for an empty query it zeroes out[:len(ids)].
func checkGather(q, data []float32, stride int, ids []uint32, out []float32) bool {
	if stride < 0 {
		panic(fmt.Sprintf("distance: negative gather stride %d", stride))
	}
	if len(out) < len(ids) {
		panic(fmt.Sprintf("distance: gather of %d rows needs %d outputs, out holds %d", len(ids), len(ids), len(out)))
	}
	var top uint32
	for _, id := range ids {
		top = max(top, id)
	}
	if len(ids) > 0 && int(top)*stride+len(q) > len(data) {
		panic(fmt.Sprintf("distance: gathered row %d (stride %d, dim %d) ends past the %d elements of data",
			top, stride, len(q), len(data)))
	}
	if len(q) == 0 {
		clear(out[:len(ids)])
		return false
	}
	return len(ids) > 0
}

func l2sqGatherGeneric(q, data []float32, stride int, ids []uint32, out []float32) {
	d := len(q)
	for i, id := range ids {
		o := int(id) * stride
		out[i] = l2sqGeneric(q, data[o:o+d])
	}
}

func dotGatherGeneric(q, data []float32, stride int, ids []uint32, out []float32) {
	d := len(q)
	for i, id := range ids {
		o := int(id) * stride
		out[i] = dotGeneric(q, data[o:o+d])
	}
}
