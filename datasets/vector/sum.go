package vector

// Float is a precision the reference sums accumulate in.
type Float interface{ ~float32 | ~float64 }

// SquaredL2 returns the squared Euclidean distance between a and b
// (b at least as long as a) with every element converted to F, summed in
// four interleaved partial sums added as (s0+s1)+(s2+s3). It is one
// summation order at two precisions: F = float32 is the portable distance
// kernel the SIMD kernels are tested against, F = float64 the reference
// the scorer judges results with.
func SquaredL2[F Float](a, b []float32) F {
	b = b[:len(a)]
	var s0, s1, s2, s3 F
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := F(a[i]) - F(b[i])
		d1 := F(a[i+1]) - F(b[i+1])
		d2 := F(a[i+2]) - F(b[i+2])
		d3 := F(a[i+3]) - F(b[i+3])
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := F(a[i]) - F(b[i])
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// Dot returns the inner product of a and b (b at least as long as a) in
// the precision and summation order of SquaredL2.
func Dot[F Float](a, b []float32) F {
	b = b[:len(a)]
	var s0, s1, s2, s3 F
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += F(a[i]) * F(b[i])
		s1 += F(a[i+1]) * F(b[i+1])
		s2 += F(a[i+2]) * F(b[i+2])
		s3 += F(a[i+3]) * F(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += F(a[i]) * F(b[i])
	}
	return (s0 + s1) + (s2 + s3)
}
