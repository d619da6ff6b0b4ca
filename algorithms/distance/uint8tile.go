package distance

import "fmt"

// Byte tiles. The exact ground-truth search of byte-valued data on CPUs
// without the AVX-512 byte kernels: base rows and queries are widened to
// int16 once, laid out for a register-blocked integer kernel (pairs of
// components multiplied and summed into 32 bits), and every squared
// distance |q|² + |x|² − 2⟨q, x⟩ is computed exactly in integers, then
// rounded once to float32.

// TileRows is the row granularity of Uint8Rows: L2SqUint8Tile takes rows
// from a multiple of it.
const TileRows = 16

// MaxUint8TileDim is the largest dimension the tile kernel accepts: up to
// it every squared distance (at most dim × 255²) fits the kernel's signed
// 32-bit integers.
const MaxUint8TileDim = 32768

// tileQueries is the number of queries the kernel takes at a time.
const tileQueries = 6

// Uint8Rows holds byte vectors widened to int16 and interleaved in panels
// of TileRows rows: for each pair of components, the pair of every row of
// the panel side by side, so one load feeds a whole panel.
type Uint8Rows struct {
	n, dim, pairs int
	data          []int16 // panels × pairs × TileRows × 2
	norms         []int32 // squared norms, zero-padded to whole panels
}

// NewUint8Rows lays out the n vectors of dim bytes in rows (row i at
// rows[i*dim:]) for L2SqUint8Tile. It panics when rows is too short or dim
// exceeds MaxUint8TileDim.
func NewUint8Rows(rows []uint8, n, dim int) *Uint8Rows {
	if dim < 0 || dim > MaxUint8TileDim || n < 0 || len(rows) < n*dim {
		panic(fmt.Sprintf("distance: %d byte rows of dim %d from %d bytes", n, dim, len(rows)))
	}
	pairs := (dim + 1) / 2
	panels := (n + TileRows - 1) / TileRows
	r := &Uint8Rows{n: n, dim: dim, pairs: pairs,
		data:  make([]int16, panels*pairs*TileRows*2),
		norms: make([]int32, panels*TileRows)}
	for i := 0; i < n; i++ {
		row := rows[i*dim : i*dim+dim]
		r.norms[i] = int32(SquaredNormUint8(row))
		base := (i/TileRows)*pairs*TileRows*2 + (i%TileRows)*2
		for c, x := range row {
			r.data[base+(c/2)*TileRows*2+c%2] = int16(x)
		}
	}
	return r
}

// Len returns the number of rows.
func (r *Uint8Rows) Len() int { return r.n }

// Uint8Queries holds a block of byte queries widened to int16, the other
// operand of L2SqUint8Tile. The zero value is empty; Set fills it.
type Uint8Queries struct {
	n, dim, pairs int
	data          []int16 // rows of pairs × 2, zero rows up to a whole kernel group
	norms         []int32
}

// Set replaces the block by the n queries of dim bytes in qs (query i at
// qs[i*dim:]), reusing storage. It panics when qs is too short or dim
// exceeds MaxUint8TileDim.
func (q *Uint8Queries) Set(qs []uint8, n, dim int) {
	if dim < 0 || dim > MaxUint8TileDim || n < 0 || len(qs) < n*dim {
		panic(fmt.Sprintf("distance: %d byte queries of dim %d from %d bytes", n, dim, len(qs)))
	}
	pairs := (dim + 1) / 2
	n6 := (n + tileQueries - 1) / tileQueries * tileQueries
	if cap(q.data) < n6*pairs*2 {
		q.data = make([]int16, n6*pairs*2)
	}
	if cap(q.norms) < n6 {
		q.norms = make([]int32, n6)
	}
	q.n, q.dim, q.pairs = n, dim, pairs
	q.data, q.norms = q.data[:n6*pairs*2], q.norms[:n6]
	clear(q.data)
	clear(q.norms)
	for i := 0; i < n; i++ {
		row := qs[i*dim : i*dim+dim]
		q.norms[i] = int32(SquaredNormUint8(row))
		w := q.data[i*pairs*2:]
		for c, x := range row {
			w[c] = int16(x)
		}
	}
}

// Len returns the number of queries.
func (q *Uint8Queries) Len() int { return q.n }

// L2SqUint8Tile writes to out[i*ostride+j-from] the exact squared L2
// distance, rounded to float32, between query i of qs and row j of rows for
// every query and every row j in [from, to). from must be a multiple of
// TileRows. It panics on a dimension mismatch, a bad range or a short out.
func L2SqUint8Tile(qs *Uint8Queries, rows *Uint8Rows, from, to int, out []float32, ostride int) {
	switch {
	case qs.dim != rows.dim:
		panic(fmt.Sprintf("distance: byte queries of dim %d, rows of dim %d", qs.dim, rows.dim))
	case from < 0 || from%TileRows != 0 || to < from || to > rows.n:
		panic(fmt.Sprintf("distance: row range [%d, %d) of %d rows (from a multiple of %d)", from, to, rows.n, TileRows))
	case ostride < to-from || qs.n > 0 && len(out) < (qs.n-1)*ostride+to-from:
		panic(fmt.Sprintf("distance: a %dx%d tile at stride %d does not fit %d outputs", qs.n, to-from, ostride, len(out)))
	}
	if qs.n == 0 || to == from {
		return
	}
	l2sqUint8Tile(qs, rows, from, to, out, ostride)
}

// l2sqUint8TileGeneric is the portable L2SqUint8Tile over the same layout.
func l2sqUint8TileGeneric(qs *Uint8Queries, rows *Uint8Rows, from, to int, out []float32, ostride int) {
	pairs := rows.pairs
	for j := from; j < to; j++ {
		panel := rows.data[(j/TileRows)*pairs*TileRows*2+(j%TileRows)*2:]
		xn := int64(rows.norms[j])
		for i := 0; i < qs.n; i++ {
			q := qs.data[i*pairs*2 : (i+1)*pairs*2]
			var dot int64
			for p := 0; p < pairs; p++ {
				o := p * TileRows * 2
				dot += int64(q[2*p])*int64(panel[o]) + int64(q[2*p+1])*int64(panel[o+1])
			}
			out[i*ostride+j-from] = float32(int64(qs.norms[i]) + xn - 2*dot)
		}
	}
}
