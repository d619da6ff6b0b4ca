package distance

// These variables select the kernel implementation. The accelerated
// implementations (see the amd64 files) replace them at start-up.
var (
	l2sq      = l2sqGeneric
	dot       = dotGeneric
	l2sqBatch = l2sqBatchGeneric
	dotBatch  = dotBatchGeneric
)

// Implementation names the kernel set chosen at start-up, e.g. "generic".
var Implementation = "generic"
