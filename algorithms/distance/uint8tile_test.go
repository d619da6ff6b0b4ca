package distance

import (
	"math/rand/v2"
	"testing"
)

// TestL2SqUint8Tile checks the tile kernel, and the portable one over the
// same layout, against the exact reference for odd and even dimensions,
// partial query groups and partial panels, leaving every output outside
// the tile untouched.
func TestL2SqUint8Tile(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 7))
	impls := []struct {
		name string
		f    func(*Uint8Queries, *Uint8Rows, int, int, []float32, int)
	}{{"active", L2SqUint8Tile}, {"generic", l2sqUint8TileGeneric}}
	for _, sh := range []struct{ nq, n, dim, from, to, pad int }{
		{1, 1, 1, 0, 1, 0}, {6, 16, 8, 0, 16, 0}, {7, 37, 31, 16, 37, 3},
		{13, 50, 784, 0, 50, 1}, {5, 33, 2, 32, 33, 0}, {12, 64, 129, 16, 48, 5},
		{3, 20, 1000, 0, 20, 0},
	} {
		qb := randBytes(r, sh.nq*sh.dim, 1)
		rb := randBytes(r, sh.n*sh.dim, 3)
		rows := NewUint8Rows(rb, sh.n, sh.dim)
		var qs Uint8Queries
		qs.Set(randBytes(r, 2*sh.dim, 2), 2, sh.dim) // reuse must not leak
		qs.Set(qb, sh.nq, sh.dim)
		w := sh.to - sh.from
		stride := w + sh.pad
		for _, im := range impls {
			out := make([]float32, sh.nq*stride+7)
			for i := range out {
				out[i] = -1
			}
			im.f(&qs, rows, sh.from, sh.to, out, stride)
			for i := 0; i < sh.nq; i++ {
				for c := 0; c < stride; c++ {
					got := out[i*stride+c]
					if c >= w {
						if got != -1 {
							t.Fatalf("%s %+v: out[%d,%d] outside the tile written: %v", im.name, sh, i, c, got)
						}
						continue
					}
					j := sh.from + c
					want := float32(refL2Uint8(qb[i*sh.dim:(i+1)*sh.dim], rb[j*sh.dim:(j+1)*sh.dim]))
					if got != want {
						t.Fatalf("%s %+v: query %d row %d: got %v, want %v", im.name, sh, i, j, got, want)
					}
				}
			}
			for _, x := range out[sh.nq*stride:] {
				if x != -1 {
					t.Fatalf("%s %+v: wrote past the tile", im.name, sh)
				}
			}
		}
	}
}

// TestL2SqUint8TileExtremes checks the largest values at the largest
// dimension: all-255 against an all-0 row (the largest distance) and an
// all-255 row (the largest inner product) must both come out exact.
func TestL2SqUint8TileExtremes(t *testing.T) {
	const dim = MaxUint8TileDim
	q := make([]uint8, dim)
	rows := make([]uint8, 2*dim)
	for i := range q {
		q[i] = 255
		rows[dim+i] = 255
	}
	var qs Uint8Queries
	qs.Set(q, 1, dim)
	out := make([]float32, 2)
	L2SqUint8Tile(&qs, NewUint8Rows(rows, 2, dim), 0, 2, out, 2)
	if want := float32(255 * 255 * dim); out[0] != want || out[1] != 0 {
		t.Fatalf("got %v, want [%v 0]", out, want)
	}
}
