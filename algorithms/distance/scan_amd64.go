//go:build amd64 && !purego

package distance

//go:noescape
func firstBelowAVX512(xs []float32, t float32) int

//go:noescape
func firstBelowUint32AVX512(xs []uint32, t uint32) int

func firstBelow(xs []float32, t float32) int {
	if hasAVX512 && len(xs) >= 16 {
		return firstBelowAVX512(xs, t)
	}
	return firstBelowGeneric(xs, t)
}

func firstBelowUint32(xs []uint32, t uint32) int {
	if hasAVX512 && len(xs) >= 16 {
		return firstBelowUint32AVX512(xs, t)
	}
	return firstBelowUint32Generic(xs, t)
}
