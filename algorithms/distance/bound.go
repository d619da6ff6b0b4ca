package distance

// L2SqBatchBound is L2SqBatch for a scan that keeps only distances below
// bound (the threshold of a top-k heap): out[i] holds exactly what
// L2SqBatch writes whenever that is smaller than bound, and otherwise some
// value not smaller than bound. Where the CPU allows, the kernel stops
// reading a block of rows once their partial sums, which never exceed the
// full ones, have all reached bound, so a scan that rejects most of its
// candidates reads only part of their vectors. With bound +Inf (or NaN) it
// is L2SqBatch. It panics when rows is shorter than len(out)*len(q).
func L2SqBatchBound(q, rows, out []float32, bound float32) {
	if checkBatch(q, rows, out) && !l2sqBatchBound(q, rows, out, bound) {
		active.l2sqBatch(q, rows, out)
	}
}
