package distance

// Portable kernels. They are the reference the accelerated kernels are
// tested against and the implementation on platforms without them.

func l2sqGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func l2sqBatchGeneric(q, rows []float32, out []float32) {
	d := len(q)
	for i := range out {
		out[i] = l2sqGeneric(q, rows[i*d:i*d+d])
	}
}

func dotBatchGeneric(q, rows []float32, out []float32) {
	d := len(q)
	for i := range out {
		out[i] = dotGeneric(q, rows[i*d:i*d+d])
	}
}

func l2sqBlockGeneric(qs []float32, nq int, rows []float32, nr, dim int, out []float32) {
	blockOfBatches(qs, nq, rows, nr, dim, out, l2sqBatchGeneric)
}

func dotBlockGeneric(qs []float32, nq int, rows []float32, nr, dim int, out []float32) {
	blockOfBatches(qs, nq, rows, nr, dim, out, dotBatchGeneric)
}

// blockOfBatches is a portable block kernel made of a batch kernel: it runs
// batch for each of the nq queries against the nr rows, writing query i's
// distances to out[i*nr : i*nr+nr].
func blockOfBatches(qs []float32, nq int, rows []float32, nr, dim int, out []float32, batch func(q, rows, out []float32)) {
	for i := 0; i < nq; i++ {
		batch(qs[i*dim:i*dim+dim], rows[:nr*dim], out[i*nr:i*nr+nr])
	}
}
