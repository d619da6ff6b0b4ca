package distance

// Threshold scans. A top-k scan rejects almost every distance it computes;
// these find the next one worth a look, sixteen comparisons per
// instruction where the CPU allows.

// FirstBelow returns the index of the first element of xs smaller than t,
// or len(xs) when there is none. NaN elements are never smaller.
func FirstBelow(xs []float32, t float32) int { return firstBelow(xs, t) }

// FirstBelowUint32 returns the index of the first element of xs smaller
// than t, or len(xs) when there is none.
func FirstBelowUint32(xs []uint32, t uint32) int { return firstBelowUint32(xs, t) }

func firstBelowGeneric(xs []float32, t float32) int {
	for i, x := range xs {
		if x < t {
			return i
		}
	}
	return len(xs)
}

func firstBelowUint32Generic(xs []uint32, t uint32) int {
	for i, x := range xs {
		if x < t {
			return i
		}
	}
	return len(xs)
}
