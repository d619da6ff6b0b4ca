package distance

import (
	"fmt"
	"math"
)

// Nearest-row search for k-means and product-quantizer encoding: which of
// a set of rows (centroids, codewords) minimizes bias[j] + scale·⟨q, row_j⟩
// for each of many queries. With bias the squared row norms and scale −2
// that is the nearest row in squared L2 (the query's own norm is the same
// for every row); with bias 0 and scale −1 it is the largest inner product.
//
// The rows are packed in panels of PanelRows rows stored dimension-major,
// so one vector load holds one component of eight rows and the kernel
// multiplies it by a broadcast query component: the products of four
// queries and a whole panel accumulate in registers, no horizontal sums are
// needed, and any dimension, however small, runs at full vector width.

// PanelRows is the number of rows in one panel of Panels.
const PanelRows = 16

// panelQueries is the number of queries the panel kernel takes at a time.
const panelQueries = 4

// panelChunk is the number of panels scored against a group of queries
// before their minima are taken: the scores of one group fit a small stack
// buffer, and for long vectors the chunk is cut so that its panels stay in
// the core's cache while every query of a block passes over them.
const panelChunk = 16

// panelChunkBytes bounds the bytes of the panels of one chunk.
const panelChunkBytes = 96 << 10

// nearestBlock is the number of queries passed over one chunk of panels.
const nearestBlock = 64

// Panels holds rows packed for Nearest, with a bias per row and a common
// scale. The zero value is empty; Set fills it.
type Panels struct {
	n, dim int
	scale  float32
	data   []float32 // panels × dim × PanelRows
	bias   []float32 // per row, +Inf for the padding of the last panel
}

// Set packs the n rows of dim elements in rows (row j at rows[j*dim:]) with
// bias[j] (zero when bias is nil) and scale, reusing storage. It panics when
// rows or bias is too short or a shape is negative.
func (p *Panels) Set(rows []float32, n, dim int, bias []float32, scale float32) {
	if n < 0 || dim < 0 || len(rows) < n*dim || (bias != nil && len(bias) < n) {
		panic(fmt.Sprintf("distance: panels of %d rows of dim %d from %d elements and %d biases", n, dim, len(rows), len(bias)))
	}
	np := (n + PanelRows - 1) / PanelRows
	p.n, p.dim, p.scale = n, dim, scale
	if cap(p.data) < np*dim*PanelRows {
		p.data = make([]float32, np*dim*PanelRows)
	}
	p.data = p.data[:np*dim*PanelRows]
	if cap(p.bias) < np*PanelRows {
		p.bias = make([]float32, np*PanelRows)
	}
	p.bias = p.bias[:np*PanelRows]
	clear(p.data)
	for j := 0; j < n; j++ {
		base := (j/PanelRows)*dim*PanelRows + j%PanelRows
		for c, v := range rows[j*dim : j*dim+dim] {
			p.data[base+c*PanelRows] = v
		}
		p.bias[j] = 0
		if bias != nil {
			p.bias[j] = bias[j]
		}
	}
	for j := n; j < len(p.bias); j++ {
		p.bias[j] = float32(math.Inf(1))
	}
}

// Len returns the number of rows.
func (p *Panels) Len() int { return p.n }

// Nearest writes to best[i] the index j of the row minimizing
// bias[j] + scale·⟨q_i, row_j⟩ and to val[i] that value, for the nq
// queries q_i = qs[i*stride : i*stride+dim]. Ties go to the smallest j. It
// allocates nothing, and any number of goroutines may call it on the same
// Panels. It panics when the panels are empty or a slice is too short.
func (p *Panels) Nearest(qs []float32, nq, stride int, best []int32, val []float32) {
	switch {
	case p.n == 0:
		panic("distance: nearest row among no rows")
	case nq < 0 || stride < p.dim:
		panic(fmt.Sprintf("distance: %d queries of stride %d for rows of dim %d", nq, stride, p.dim))
	case nq > 0 && len(qs) < (nq-1)*stride+p.dim:
		panic(fmt.Sprintf("distance: %d queries of dim %d at stride %d need %d elements, qs holds %d", nq, p.dim, stride, (nq-1)*stride+p.dim, len(qs)))
	case len(best) < nq || len(val) < nq:
		panic(fmt.Sprintf("distance: %d queries need %d outputs, best holds %d and val %d", nq, nq, len(best), len(val)))
	}
	if nq > 0 {
		p.nearest(&active, qs, nq, stride, best, val)
	}
}

// nearest is Nearest with the kernels of ks, for checked arguments.
func (p *Panels) nearest(ks *kernelSet, qs []float32, nq, stride int, best []int32, val []float32) {
	if p.dim == 0 {
		b, v := 0, p.bias[0]
		for j, x := range p.bias[:p.n] {
			if x < v {
				b, v = j, x
			}
		}
		for i := 0; i < nq; i++ {
			best[i], val[i] = int32(b), v
		}
		return
	}
	np := len(p.bias) / PanelRows
	chunk := max(1, min(panelChunk, panelChunkBytes/(p.dim*PanelRows*4)))
	var scores [panelQueries * panelChunk * PanelRows]float32
	var qp [panelQueries][]float32
	for lo := 0; lo < nq; lo += nearestBlock {
		hi := min(lo+nearestBlock, nq)
		for c0 := 0; c0 < np; c0 += chunk {
			cn := min(chunk, np-c0)
			cols := cn * PanelRows
			panel := p.data[c0*p.dim*PanelRows:]
			bias := p.bias[c0*PanelRows:]
			for g := lo; g < hi; g += panelQueries {
				for k := range qp {
					// A short last group repeats its last query.
					q := min(g+k, hi-1) * stride
					qp[k] = qs[q : q+p.dim]
				}
				ks.rankPanels(&qp, panel[:cn*p.dim*PanelRows], bias[:cols], scores[:panelQueries*cols], p.dim, cn, p.scale)
				for k := 0; k < panelQueries && g+k < hi; k++ {
					row := scores[k*cols : k*cols+cols]
					j := ks.argmin(row)
					if v := row[j]; c0 == 0 || v < val[g+k] {
						best[g+k], val[g+k] = int32(c0*PanelRows+j), v
					}
				}
			}
		}
	}
}

// rankPanelsGeneric is the portable panel kernel: for the four queries
// q[k] (dim elements each) and the np panels in panel, it writes
// bias[j] + scale·⟨q[k], row_j⟩ to out[k*np*PanelRows + j].
func rankPanelsGeneric(q *[panelQueries][]float32, panel, bias, out []float32, dim, np int, scale float32) {
	cols := np * PanelRows
	for k, qk := range q {
		qk = qk[:dim]
		for pn := 0; pn < np; pn++ {
			var acc [PanelRows]float32
			pp := panel[pn*dim*PanelRows : (pn+1)*dim*PanelRows]
			for c, x := range qk {
				r := (*[PanelRows]float32)(pp[c*PanelRows : c*PanelRows+PanelRows])
				for l := range acc {
					acc[l] += x * r[l]
				}
			}
			o := out[k*cols+pn*PanelRows : k*cols+pn*PanelRows+PanelRows]
			b := bias[pn*PanelRows : pn*PanelRows+PanelRows]
			for l := range acc {
				o[l] = b[l] + scale*acc[l]
			}
		}
	}
}

// argminGeneric returns the first index of the smallest value of v; with
// NaNs in v it returns some index of v.
func argminGeneric(v []float32) int {
	b, m := 0, v[0]
	for j, x := range v {
		if x < m {
			b, m = j, x
		}
	}
	return b
}
