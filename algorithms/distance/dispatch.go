package distance

// kernelSet is one complete implementation of the kernels. Every set has
// the same contract as the exported functions, minus argument checking,
// which the exported functions do once.
type kernelSet struct {
	name      string
	l2sq      func(a, b []float32) float32
	dot       func(a, b []float32) float32
	l2sqBatch func(q, rows, out []float32)
	dotBatch  func(q, rows, out []float32)
	l2sqBlock func(qs []float32, nq int, rows []float32, nr, dim int, out []float32)
	dotBlock  func(qs []float32, nq int, rows []float32, nr, dim int, out []float32)
	// l2sqGather and dotGather measure q against rows at ids[i]*stride,
	// stopping at the first id >= limit (the number of rows that fit in
	// data); they return the number of ids measured. len(q) > 0 and
	// len(ids) > 0.
	l2sqGather func(q, data []float32, stride int, ids []uint32, out []float32, limit int) int
	dotGather  func(q, data []float32, stride int, ids []uint32, out []float32, limit int) int
	// rankPanels scores four queries against np panels (nearest.go) and
	// argmin finds the first smallest value of a non-empty slice whose
	// length is a multiple of PanelRows.
	rankPanels func(q *[panelQueries][]float32, panel, bias, out []float32, dim, np int, scale float32)
	argmin     func(v []float32) int
}

var genericKernels = kernelSet{
	name:       "generic",
	l2sq:       l2sqGeneric,
	dot:        dotGeneric,
	l2sqBatch:  l2sqBatchGeneric,
	dotBatch:   dotBatchGeneric,
	l2sqBlock:  l2sqBlockGeneric,
	dotBlock:   dotBlockGeneric,
	l2sqGather: l2sqGatherGeneric,
	dotGather:  dotGatherGeneric,
	rankPanels: rankPanelsGeneric,
	argmin:     argminGeneric,
}

// active is the kernel set chosen once at start-up: the fastest one the CPU
// and operating system support (see the platform files).
var active = chooseKernels()

// Implementation names the kernel set chosen at start-up: "avx512", "avx2"
// or "generic".
var Implementation = active.name
