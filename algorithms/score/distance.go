package score

import "github.com/annbench/annbench/datasets/vector"

// Distance is the float64 reference dissimilarity of a and b, smaller is
// nearer: the squared Euclidean distance for l2 and the negated inner
// product for ip and angular. Angular vectors are unit length (datasets
// normalize them at load, and every index relies on it), so for them this
// is the negated cosine similarity. a and b must have the same length.
func Distance(metric vector.Metric, a, b []float32) float64 {
	if metric == vector.L2 {
		return l2sq(a, b)
	}
	return -dot(a, b)
}

// l2sq and dot accumulate in four float64 lanes; the float32 inputs and
// their differences are exact in float64, so the only rounding is in the
// float64 products and sums.
func l2sq(a, b []float32) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := float64(a[i]) - float64(b[i])
		d1 := float64(a[i+1]) - float64(b[i+1])
		d2 := float64(a[i+2]) - float64(b[i+2])
		d3 := float64(a[i+3]) - float64(b[i+3])
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := float64(a[i]) - float64(b[i])
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

func dot(a, b []float32) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += float64(a[i]) * float64(b[i])
		s1 += float64(a[i+1]) * float64(b[i+1])
		s2 += float64(a[i+2]) * float64(b[i+2])
		s3 += float64(a[i+3]) * float64(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += float64(a[i]) * float64(b[i])
	}
	return (s0 + s1) + (s2 + s3)
}
