//go:build amd64 && !purego

package distance

import "golang.org/x/sys/cpu"

// Assembly kernels (avx512_amd64.s, avx2_amd64.s). The pair kernels take
// the length of a and require len(b) >= len(a). The batch kernels handle n
// rows with n a multiple of 4; the block kernels handle four (AVX-512) or
// two (AVX2) queries against n rows, n a multiple of 4, writing
// out[i*ostride+j]. Pointers must be valid for dim > 0.

// l2sqAsm and dotAsm jump to the pair kernel that level selects
// (dispatch_amd64.s).
//
//go:noescape
func l2sqAsm(a, b []float32) float32

//go:noescape
func dotAsm(a, b []float32) float32

//go:noescape
func l2sqAVX512(a, b []float32) float32

//go:noescape
func dotAVX512(a, b []float32) float32

//go:noescape
func l2sqBatch4AVX512(q, rows, out *float32, dim, n int)

//go:noescape
func dotBatch4AVX512(q, rows, out *float32, dim, n int)

//go:noescape
func l2sqBlock4AVX512(q, rows, out *float32, dim, n, ostride int)

//go:noescape
func dotBlock4AVX512(q, rows, out *float32, dim, n, ostride int)

//go:noescape
func l2sqAVX2(a, b []float32) float32

//go:noescape
func dotAVX2(a, b []float32) float32

//go:noescape
func l2sqBatch4AVX2(q, rows, out *float32, dim, n int)

//go:noescape
func dotBatch4AVX2(q, rows, out *float32, dim, n int)

//go:noescape
func l2sqBlock2AVX2(q, rows, out *float32, dim, n, ostride int)

//go:noescape
func dotBlock2AVX2(q, rows, out *float32, dim, n, ostride int)

// l2sqGatherAVX2 and dotGatherAVX2 measure q against the rows of dim
// elements at data + ids[i]*strideb bytes, three rows at a time, writing
// out[i] for i < n; each result has exactly the bits of l2sqAVX2 or dotAVX2
// for that row. They stop before the first group holding an id >= limit
// and return the number of ids measured (n when every id is below limit).
//
//go:noescape
func l2sqGatherAVX2(q, data *float32, strideb int, ids *uint32, n, dim, limit int, out *float32) int

//go:noescape
func dotGatherAVX2(q, data *float32, strideb int, ids *uint32, n, dim, limit int, out *float32) int

// Kernel levels, ordered by preference.
const (
	levelGeneric = iota
	levelAVX2
	levelAVX512
)

var (
	hasAVX512 = cpu.X86.HasAVX512F
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

// level selects the pair kernels that l2sqAsm and dotAsm jump to. It is a
// plain variable read by predictable branches, so L2Sq and Dot inline to a
// direct call of the assembly, cheaper than a call through a function value.
var level = levelOf(active.name)

func levelOf(name string) int {
	switch name {
	case "avx512":
		return levelAVX512
	case "avx2":
		return levelAVX2
	}
	return levelGeneric
}

var avx512Kernels = kernelSet{
	name:      "avx512",
	l2sq:      l2sqAVX512,
	dot:       dotAVX512,
	l2sqBatch: func(q, rows, out []float32) { batch4(q, rows, out, l2sqBatch4AVX512, l2sqAVX512) },
	dotBatch:  func(q, rows, out []float32) { batch4(q, rows, out, dotBatch4AVX512, dotAVX512) },
	l2sqBlock: func(qs []float32, nq int, rows []float32, nr, dim int, out []float32) {
		block(qs, nq, rows, nr, dim, out, 4, l2sqBlock4AVX512, l2sqBatch4AVX512, l2sqAVX512)
	},
	dotBlock: func(qs []float32, nq int, rows []float32, nr, dim int, out []float32) {
		block(qs, nq, rows, nr, dim, out, 4, dotBlock4AVX512, dotBatch4AVX512, dotAVX512)
	},
	// One row at a time: a gathered distance must have the bits of the
	// set's pair kernel, and no multi-row AVX-512 kernel keeps them yet.
	l2sqGather: func(q, data []float32, stride int, ids []uint32, out []float32, limit int) int {
		return gatherPairs(q, data, stride, ids, out, limit, l2sqAVX512)
	},
	dotGather: func(q, data []float32, stride int, ids []uint32, out []float32, limit int) int {
		return gatherPairs(q, data, stride, ids, out, limit, dotAVX512)
	},
	// AVX-512F CPUs run the AVX2 panel kernels.
	rankPanels: rankPanelsAVX2,
	argmin:     argminAVX2,
}

var avx2Kernels = kernelSet{
	name:      "avx2",
	l2sq:      l2sqAVX2,
	dot:       dotAVX2,
	l2sqBatch: func(q, rows, out []float32) { batch4(q, rows, out, l2sqBatch4AVX2, l2sqAVX2) },
	dotBatch:  func(q, rows, out []float32) { batch4(q, rows, out, dotBatch4AVX2, dotAVX2) },
	l2sqBlock: func(qs []float32, nq int, rows []float32, nr, dim int, out []float32) {
		block(qs, nq, rows, nr, dim, out, 2, l2sqBlock2AVX2, l2sqBatch4AVX2, l2sqAVX2)
	},
	dotBlock: func(qs []float32, nq int, rows []float32, nr, dim int, out []float32) {
		block(qs, nq, rows, nr, dim, out, 2, dotBlock2AVX2, dotBatch4AVX2, dotAVX2)
	},
	l2sqGather: func(q, data []float32, stride int, ids []uint32, out []float32, limit int) int {
		return l2sqGatherAVX2(&q[0], &data[0], stride*4, &ids[0], len(ids), len(q), limit, &out[0])
	},
	dotGather: func(q, data []float32, stride int, ids []uint32, out []float32, limit int) int {
		return dotGatherAVX2(&q[0], &data[0], stride*4, &ids[0], len(ids), len(q), limit, &out[0])
	},
	rankPanels: rankPanelsAVX2,
	argmin:     argminAVX2,
}

func chooseKernels() kernelSet {
	switch {
	case hasAVX512:
		return avx512Kernels
	case hasAVX2:
		return avx2Kernels
	}
	return genericKernels
}

// availableKernels lists every kernel set this build can run on this CPU,
// fastest first.
func availableKernels() []kernelSet {
	var s []kernelSet
	if hasAVX512 {
		s = append(s, avx512Kernels)
	}
	if hasAVX2 {
		s = append(s, avx2Kernels)
	}
	return append(s, genericKernels)
}

func l2sq(a, b []float32) float32 { return l2sqAsm(a, b[:len(a)]) }

func dot(a, b []float32) float32 { return dotAsm(a, b[:len(a)]) }

type batchKernel func(q, rows, out *float32, dim, n int)
type blockKernel func(q, rows, out *float32, dim, n, ostride int)
type pairKernel func(a, b []float32) float32

// batch4 runs k over the largest multiple of four rows and pair over the
// rest, for float32 rows and for byte rows (uint8_amd64.go). Arguments are
// checked by the caller; dim > 0.
func batch4[T, D any](q, rows []T, out []D, k func(q, rows *T, out *D, dim, n int), pair func(a, b []T) D) {
	d, n := len(q), len(out)
	n4 := n &^ 3
	if n4 > 0 {
		k(&q[0], &rows[0], &out[0], d, n4)
	}
	for i := n4; i < n; i++ {
		out[i] = pair(q, rows[i*d:i*d+d])
	}
}

// block runs the tile kernel k over groups of g queries and the largest
// multiple of four rows, and finishes the leftover rows and queries with
// the batch and pair kernels. Arguments are checked by the caller; dim > 0.
func block(qs []float32, nq int, rows []float32, nr, dim int, out []float32, g int, k blockKernel, b batchKernel, pair pairKernel) {
	nr4 := nr &^ 3
	i := 0
	for ; i+g <= nq; i += g {
		if nr4 > 0 {
			k(&qs[i*dim], &rows[0], &out[i*nr], dim, nr4, nr)
		}
		for j := nr4; j < nr; j++ {
			r := rows[j*dim : j*dim+dim]
			for ii := i; ii < i+g; ii++ {
				out[ii*nr+j] = pair(qs[ii*dim:ii*dim+dim], r)
			}
		}
	}
	for ; i < nq; i++ {
		batch4(qs[i*dim:i*dim+dim], rows[:nr*dim], out[i*nr:i*nr+nr], b, pair)
	}
}
