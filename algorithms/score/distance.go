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

// l2sq and dot accumulate in float64 (vector.SquaredL2, vector.Dot): the
// float32 inputs and their differences are exact in float64, so the only
// rounding is in the float64 products and sums.
func l2sq(a, b []float32) float64 { return vector.SquaredL2[float64](a, b) }

func dot(a, b []float32) float64 { return vector.Dot[float64](a, b) }
