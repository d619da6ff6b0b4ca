package pq

import "github.com/annbench/annbench/algorithms/distance"

// Table is a per-query ADC lookup table: Table[m][j] is the contribution of
// centroid j of sub-space m to the distance of a code. Indexing the inner
// array with a code byte needs no bounds check.
type Table [][Ksub]float32

// NewTable returns a table for a quantizer with m sub-quantizers.
func NewTable(m int) Table { return make(Table, m) }

// batchDsub is the sub-space dimension from which the table is computed
// with the shared batch kernels rather than an inlined loop.
const batchDsub = 8

// L2Table fills tab with squared L2 distances between the sub-vectors of x
// and every centroid: summing tab[m][code[m]] over m gives the asymmetric
// distance ||x - decode(code)||².
func (q *Quantizer) L2Table(x []float32, tab Table) {
	ds := q.Dsub
	tab = tab[:q.M]
	for m := range tab {
		sub := x[m*ds : (m+1)*ds]
		cb := q.Centroids[m*Ksub*ds : (m+1)*Ksub*ds]
		row := &tab[m]
		if ds >= batchDsub {
			distance.DotBatch(sub, cb, row[:])
			xn := distance.Dot(sub, sub)
			nm := q.norms[m*Ksub : (m+1)*Ksub]
			nm = nm[:Ksub]
			for j := range row {
				row[j] = xn + nm[j] - 2*row[j]
			}
			continue
		}
		for j := range row {
			c := cb[j*ds : j*ds+ds]
			c = c[:len(sub)]
			var s float32
			for t, v := range sub {
				d := v - c[t]
				s += d * d
			}
			row[j] = s
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
		sub := x[m*ds : (m+1)*ds]
		cb := q.Centroids[m*Ksub*ds : (m+1)*Ksub*ds]
		row := &tab[m]
		if ds >= batchDsub {
			distance.DotBatch(sub, cb, row[:])
			for j := range row {
				row[j] *= scale
			}
			continue
		}
		for j := range row {
			c := cb[j*ds : j*ds+ds]
			c = c[:len(sub)]
			var s float32
			for t, v := range sub {
				s += v * c[t]
			}
			row[j] = scale * s
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
