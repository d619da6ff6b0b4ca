//go:build amd64 && !purego

package distance

// l2sqU8Tile6x16AVX2 computes the 6-query × 16-row tile of exact squared
// distances for queries at q (qstride bytes apart) and the panel at rows,
// over pairs component pairs, with the queries' norms at qn and the rows'
// at xn, writing the first ncol (1..16) columns of each of the six output
// rows, ostride elements apart, as float32.
//
//go:noescape
func l2sqU8Tile6x16AVX2(q *int16, qstride int, rows *int16, pairs int, qn, xn *int32, out *float32, ostride, ncol int)

// Uint8TileAccelerated reports whether L2SqUint8Tile runs as assembly
// (AVX2).
func Uint8TileAccelerated() bool { return hasAVX2 }

func l2sqUint8Tile(qs *Uint8Queries, rows *Uint8Rows, from, to int, out []float32, ostride int) {
	if !hasAVX2 || rows.pairs == 0 {
		l2sqUint8TileGeneric(qs, rows, from, to, out, ostride)
		return
	}
	pairs := rows.pairs
	qstride := pairs * 2
	panelLen := pairs * TileRows * 2
	var spare [tileQueries * TileRows]float32
	for i := 0; i < qs.n; i += tileQueries {
		full := i+tileQueries <= qs.n
		for j := from; j < to; j += TileRows {
			ncol := min(TileRows, to-j)
			dst, stride := spare[:], TileRows
			if full {
				dst, stride = out[i*ostride+j-from:], ostride
			}
			l2sqU8Tile6x16AVX2(&qs.data[i*qstride], qstride*2, &rows.data[(j/TileRows)*panelLen], pairs,
				&qs.norms[i], &rows.norms[j], &dst[0], stride, ncol)
			if !full {
				for ii := i; ii < qs.n; ii++ {
					copy(out[ii*ostride+j-from:ii*ostride+j-from+ncol], spare[(ii-i)*TileRows:])
				}
			}
		}
	}
}
