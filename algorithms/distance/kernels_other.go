//go:build !amd64 || purego

package distance

// Without assembly the portable kernels are the only implementation.

func chooseKernels() kernelSet { return genericKernels }

// availableKernels lists every kernel set this build can run on this CPU.
func availableKernels() []kernelSet { return []kernelSet{genericKernels} }

func l2sq(a, b []float32) float32 { return l2sqGeneric(a, b) }

func dot(a, b []float32) float32 { return dotGeneric(a, b) }
