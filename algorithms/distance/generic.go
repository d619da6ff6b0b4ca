package distance

import "github.com/annbench/annbench/datasets/vector"

// Portable kernels. They are the reference the accelerated kernels are
// tested against and the implementation on platforms without them.

// l2sqGeneric and dotGeneric are vector.SquaredL2 and vector.Dot in
// float32: the summation order the scorer's float64 reference shares.
func l2sqGeneric(a, b []float32) float32 { return vector.SquaredL2[float32](a, b) }

func dotGeneric(a, b []float32) float32 { return vector.Dot[float32](a, b) }

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
