//go:build !amd64 || purego

package distance

func firstBelow(xs []float32, t float32) int { return firstBelowGeneric(xs, t) }

func firstBelowUint32(xs []uint32, t uint32) int { return firstBelowUint32Generic(xs, t) }
