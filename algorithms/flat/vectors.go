package flat

import (
	"cmp"
	"slices"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// vectors is the stored base: n vectors of dim elements ranked by metric.
//
// For l2 the dimensions may be reordered by decreasing variance over the
// base and split into a head of the first h of them and a tail of the rest,
// stored as two contiguous arrays. A squared L2 distance is a sum of
// non-negative terms, so the head's partial sum is a lower bound of the
// whole (also in floating point: adding a non-negative tail never makes a
// sum smaller). A single-query scan computes the head of every vector and
// finishes only those whose head already beats the current k-th distance;
// the result is the same as a full scan. Reordering dimensions changes no
// distance, only the order of the additions.
type vectors struct {
	metric vector.Metric
	n, dim int
	h      int       // head width; h == dim means no tail
	head   []float32 // n × h
	tail   []float32 // n × (dim-h), empty when h == dim
	// perm lists original dimensions in stored order: stored column c is
	// original dimension perm[c]. Nil means the identity.
	perm []int32
	// bytes, when not nil, holds the vectors instead of head and tail
	// (see bytes.go), and norms their squared norms.
	bytes []uint8
	norms []uint32
	// tiles, when not nil, holds the byte vectors again laid out for the
	// exact tile kernel, which then answers byte queries (Exact only; see
	// useTiles).
	tiles *distance.Uint8Rows
}

// headVariance is the share of the base's total variance the head
// dimensions must carry, and headMaxShare the largest share of the
// dimensions the head may take. Data whose variance is spread evenly (the
// head would be wide) is stored unsplit, since the head bound would rarely
// prune enough to pay for the second pass. They are variables so the
// benchmarks can compare settings.
var (
	headVariance = 0.7
	headMaxShare = 0.6
)

// minSplitDim is the smallest dimension worth splitting.
const minSplitDim = 32

// newVectors stores base (any stride) for metric, splitting it for l2 when
// its variance is concentrated in few dimensions.
func newVectors(metric vector.Metric, base vector.Matrix) vectors {
	return storeVectors(metric, base, false)
}

// storeVectors is newVectors; with tiles set, byte-valued l2 data the
// index would not store as bytes gets byte and tile storage when the tile
// kernel runs as assembly (see useTiles).
func storeVectors(metric vector.Metric, base vector.Matrix, tiles bool) vectors {
	n, d := base.Rows, base.Dim
	v := vectors{metric: metric, n: n, dim: d, h: d}
	tiles = tiles && useTiles(metric, base)
	if tiles || useBytes(metric, base) {
		v.bytes = make([]uint8, n*d)
		v.norms = make([]uint32, n)
		for i := 0; i < n; i++ {
			row := v.bytes[i*d : i*d+d]
			toBytes(row, base.Row(i))
			v.norms[i] = distance.SquaredNormUint8(row)
		}
		if tiles {
			v.tiles = distance.NewUint8Rows(v.bytes, n, d)
		}
		return v
	}
	if metric == vector.L2 && d >= minSplitDim && n > 0 {
		v.perm, v.h = splitPlan(base)
	}
	t := d - v.h
	v.head = make([]float32, n*v.h)
	if t > 0 {
		v.tail = make([]float32, n*t)
	}
	// A row is stored in the column order permute gives, split at h.
	buf := make([]float32, d)
	for i := 0; i < n; i++ {
		v.permute(buf, base.Row(i), false)
		copy(v.head[i*v.h:(i+1)*v.h], buf)
		copy(v.tail[i*t:(i+1)*t], buf[v.h:])
	}
	return v
}

// row writes vector i in original order into dst (len dim).
func (v *vectors) row(i int, dst []float32) {
	if v.bytes != nil {
		v.widen(dst, i, i+1)
		return
	}
	h, t := v.h, v.dim-v.h
	head := v.head[i*h : i*h+h]
	if v.perm == nil {
		copy(dst, head)
		return
	}
	tail := v.tail[i*t : i*t+t]
	for c, j := range v.perm[:h] {
		dst[j] = head[c]
	}
	for c, j := range v.perm[h:] {
		dst[j] = tail[c]
	}
}

// permute writes q in stored column order into dst (len dim), negated when
// neg is set.
func (v *vectors) permute(dst, q []float32, neg bool) {
	switch {
	case v.perm == nil && !neg:
		copy(dst, q)
	case v.perm == nil:
		for i, x := range q {
			dst[i] = -x
		}
	case !neg:
		for c, j := range v.perm {
			dst[c] = q[j]
		}
	default:
		for c, j := range v.perm {
			dst[c] = -q[j]
		}
	}
}

// splitPlan orders base's dimensions by decreasing variance and returns
// the order and the head width: the smallest multiple of 16 carrying
// headVariance of the total. It returns (nil, dim) when that head would be
// wider than headMaxShare of the dimensions.
func splitPlan(base vector.Matrix) ([]int32, int) {
	n, d := base.Rows, base.Dim
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, x := range base.Row(i) {
			mean[j] += float64(x)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	vari := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, x := range base.Row(i) {
			e := float64(x) - mean[j]
			vari[j] += e * e
		}
	}
	perm := make([]int32, d)
	var total float64
	for j := range perm {
		perm[j] = int32(j)
		total += vari[j]
	}
	if total == 0 {
		return nil, d
	}
	slices.SortStableFunc(perm, func(a, b int32) int { return cmp.Compare(vari[b], vari[a]) })
	var cum float64
	h := 0
	for h < d && cum < headVariance*total {
		cum += vari[perm[h]]
		h++
	}
	h = max(16, (h+15)&^15)
	if float64(h) > headMaxShare*float64(d) {
		return nil, d
	}
	return perm, h
}
