package flat

import (
	"context"
	"math"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/algorithms/topk"
	"github.com/annbench/annbench/datasets/vector"
)

// Byte storage. When every component of an l2 base is an integer in
// 0..255 (SIFT descriptors and image pixels are, though their files hold
// float32) and the CPU runs the byte kernels, the index keeps the vectors
// as bytes: a quarter of the memory traffic of a scan, and distances
// computed exactly in integers. Queries with byte components use the byte
// kernels; any other query is answered by widening the stored rows to
// float32 block by block, so every query gets the exact answer.

// useBytes reports whether base should be stored as bytes for metric.
func useBytes(metric vector.Metric, base vector.Matrix) bool {
	if !distance.Uint8Accelerated() || base.Dim > distance.MaxUint8Dim {
		return false
	}
	return allBytes(metric, base)
}

// allBytes reports whether metric is l2 and base is not empty and holds
// only byte values.
func allBytes(metric vector.Metric, base vector.Matrix) bool {
	if metric != vector.L2 || base.Rows == 0 {
		return false
	}
	for i := 0; i < base.Rows; i++ {
		for _, x := range base.Row(i) {
			if !isByte(x) {
				return false
			}
		}
	}
	return true
}

// useTiles reports whether Exact should search byte-valued l2 base with
// the exact tile kernel (distance.L2SqUint8Tile): on CPUs that run it as
// assembly but not the AVX-512 byte kernels the index uses.
func useTiles(metric vector.Metric, base vector.Matrix) bool {
	if distance.Uint8Accelerated() || !distance.Uint8TileAccelerated() || base.Dim > distance.MaxUint8TileDim {
		return false
	}
	return allBytes(metric, base)
}

// isByte reports whether x is an integer in 0..255 (NaN is not).
func isByte(x float32) bool { return x >= 0 && x <= 255 && x == float32(uint8(x)) }

// toBytes writes x into dst and reports whether every component was a
// byte value; dst is undefined when it was not.
func toBytes(dst []uint8, x []float32) bool {
	for i, f := range x {
		if !isByte(f) {
			return false
		}
		dst[i] = uint8(f)
	}
	return true
}

// widen writes rows [from, to) of the byte storage as float32 into dst.
func (v *vectors) widen(dst []float32, from, to int) {
	for i, b := range v.bytes[from*v.dim : to*v.dim] {
		dst[i] = float32(b)
	}
}

// scanBytes is Index.scan for byte storage.
func (v *vectors) scanBytes(q []float32, s *scratch, from, to int) {
	d := v.dim
	if cap(s.qb) < d {
		s.qb = make([]uint8, d)
	}
	qb := s.qb[:d]
	if !toBytes(qb, q) {
		if len(s.rows) < ScanRows*d {
			s.rows = make([]float32, ScanRows*d)
		}
		for start := from; start < to; start += ScanRows {
			end := min(start+ScanRows, to)
			out := s.dist[:end-start]
			v.widen(s.rows, start, end)
			distance.L2SqBatch(q, s.rows[:(end-start)*d], out)
			s.heap.PushAll(out, int32(start))
		}
		return
	}
	for start := from; start < to; start += ScanRows {
		end := min(start+ScanRows, to)
		out := s.idist[:end-start]
		distance.L2SqUint8Batch(qb, v.bytes[start*d:end*d], out)
		pushInts(&s.heap, out, start)
	}
}

// pushInts offers integer distances with ids first, first+1, ...
func pushInts(h *topk.Heap, dists []uint32, first int) {
	for i := 0; i < len(dists); {
		// Only x < bound can pass: float32 rounding is monotone and the
		// threshold is a float32 of an integer (or +Inf).
		i += distance.FirstBelowUint32(dists[i:], intBound(h.Threshold()))
		if i >= len(dists) {
			return
		}
		h.Push(float32(dists[i]), int32(first+i))
		i++
	}
}

// intBound returns the smallest integer bound b such that float32(x) < t
// implies x < b for every uint32 x.
func intBound(t float32) uint32 {
	if t > math.MaxUint32 {
		return math.MaxUint32
	}
	if t <= 0 {
		return 0
	}
	return uint32(math.Ceil(float64(t)))
}

// searchBlockBytes is searchBlock for byte storage: queries lo..hi-1 go
// through the exact byte block kernel when they all have byte components,
// and through the float32 kernel over widened rows otherwise.
func (v vectors) searchBlockBytes(ctx context.Context, queries vector.Matrix, lo, hi, rb int, s *blockScratch) {
	d, nq := v.dim, hi-lo
	nq4 := (nq + 3) &^ 3 // the tile kernel takes queries in fours
	qb := s.qb[:nq4*d]
	bytesOK := true
	for i := 0; i < nq && bytesOK; i++ {
		q := qb[i*d : i*d+d]
		bytesOK = toBytes(q, queries.Row(lo+i))
		s.qnorm[i] = distance.SquaredNormUint8(q)
	}
	clear(qb[nq*d:])
	if bytesOK && v.tiles != nil {
		v.searchBlockTiles(ctx, qb, nq, rb, s)
		return
	}
	if !bytesOK {
		qs := s.qs[:nq*d]
		for i := 0; i < nq; i++ {
			copy(qs[i*d:i*d+d], queries.Row(lo+i))
		}
		for start := 0; start < v.n && ctx.Err() == nil; start += rb {
			nr := min(rb, v.n-start)
			tile := s.tile[:nq*nr]
			v.widen(s.rows, start, start+nr)
			distance.L2SqBlock(qs, nq, s.rows[:nr*d], nr, d, tile)
			for i := 0; i < nq; i++ {
				s.heaps[i].PushAll(tile[i*nr:i*nr+nr], int32(start))
			}
		}
		return
	}
	for start := 0; start < v.n; start += rb {
		if (start/rb)%16 == 0 && ctx.Err() != nil {
			return
		}
		nr := min(rb, v.n-start)
		dots := s.itile[:nq4*nr]
		distance.DotUint8Block(qb, nq4, v.bytes[start*d:(start+nr)*d], nr, d, dots)
		norms := v.norms[start : start+nr]
		for i := 0; i < nq; i++ {
			// |q|² + |x|² − 2⟨q, x⟩, exact in 64-bit integers.
			qn := int64(s.qnorm[i])
			tile := s.tile[i*nr : i*nr+nr]
			for j, dot := range dots[i*nr : i*nr+nr] {
				tile[j] = float32(qn + int64(norms[j]) - 2*int64(dot))
			}
			s.heaps[i].PushAll(tile, int32(start))
		}
	}
}

// tileRowBlock returns the number of base rows per tile of the tile
// kernel for dimension dim: a multiple of distance.TileRows whose int16
// panels fill about RowBlockBytes.
func tileRowBlock(dim int) int {
	return max(distance.TileRows, RowBlockBytes/(2*dim)/distance.TileRows*distance.TileRows)
}

// searchBlockTiles is searchBlockBytes for tile storage and byte queries:
// the nq queries in qb (byte rows) get exact squared distances, already
// float32, from the tile kernel, rb rows at a time (a multiple of
// distance.TileRows, or all rows).
func (v vectors) searchBlockTiles(ctx context.Context, qb []uint8, nq, rb int, s *blockScratch) {
	s.tq.Set(qb, nq, v.dim)
	for start := 0; start < v.n; start += rb {
		if (start/rb)%16 == 0 && ctx.Err() != nil {
			return
		}
		nr := min(rb, v.n-start)
		tile := s.tile[:nq*nr]
		distance.L2SqUint8Tile(&s.tq, v.tiles, start, start+nr, tile, nr)
		for i := 0; i < nq; i++ {
			s.heaps[i].PushAll(tile[i*nr:i*nr+nr], int32(start))
		}
	}
}
