package pq

import "github.com/annbench/annbench/algorithms/distance"

// Table is a per-query ADC lookup table: Table[m][j] is the contribution of
// centroid j of sub-space m to the distance of a code. Indexing the inner
// array with a code byte needs no bounds check.
type Table [][Ksub]float32

// NewTable returns a table for a quantizer with m sub-quantizers.
func NewTable(m int) Table { return make(Table, m) }

// The tables are computed with the shared DotBatch kernel, one call per
// sub-space over its contiguous codebook; even for 4-dimensional sub-spaces
// this measured about twice as fast as an inlined Go loop.

// L2Table fills tab with squared L2 distances between the sub-vectors of x
// and every centroid: summing tab[m][code[m]] over m gives the asymmetric
// distance ||x - decode(code)||².
func (q *Quantizer) L2Table(x []float32, tab Table) {
	ds := q.Dsub
	tab = tab[:q.M]
	for m := range tab {
		sub := x[m*ds : (m+1)*ds]
		row := &tab[m]
		distance.DotBatch(sub, q.Centroids[m*Ksub*ds:(m+1)*Ksub*ds], row[:])
		xn := distance.Dot(sub, sub)
		nm := (*[Ksub]float32)(q.norms[m*Ksub:])
		for j := range row {
			row[j] = xn + nm[j] - 2*row[j]
		}
	}
}

// DotTable fills tab with scale times the inner products between the
// sub-vectors of x and every centroid: summing tab[m][code[m]] gives
// scale*<x, decode(code)>. Scale -1 gives the ip distance; -2 gives the
// query-dependent term of the l2 distance to a residual code.
func (q *Quantizer) DotTable(x []float32, scale float32, tab Table) {
	ds := q.Dsub
	tab = tab[:q.M]
	for m := range tab {
		row := &tab[m]
		distance.DotBatch(x[m*ds:(m+1)*ds], q.Centroids[m*Ksub*ds:(m+1)*Ksub*ds], row[:])
		if scale != 1 {
			for j := range row {
				row[j] *= scale
			}
		}
	}
}

// CodeTerm returns the per-code constant of the l2 distance between a query
// and a vector encoded as the residual code from centroid c:
// ||y||² + 2<c, y> with y = decode(code). With it,
// ||x - c - y||² = ||x - c||² + CodeTerm + sum_m DotTable(x, -2)[m][code[m]],
// so an IVF list needs no per-list table.
func (q *Quantizer) CodeTerm(c []float32, code []byte) float32 {
	ds := q.Dsub
	var s float32
	for m := 0; m < q.M; m++ {
		j := int(code[m])
		y := q.Centroids[(m*Ksub+j)*ds : (m*Ksub+j+1)*ds]
		s += q.norms[m*Ksub+j] + 2*distance.Dot(c[m*ds:(m+1)*ds], y)
	}
	return s
}
