package distance

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// gatherCase builds n ids into a data block of rows rows of stride
// elements (stride >= d), ids drawn with repeats.
func gatherCase(r *rand.Rand, d, stride, rows, n int) (q, data []float32, ids []uint32) {
	q = randVec(r, d, 1, true)
	data = randVec(r, (rows-1)*stride+d, 3, true)
	ids = make([]uint32, n)
	for i := range ids {
		ids[i] = uint32(r.IntN(rows))
	}
	return q, data, ids
}

func TestGatherKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, ks := range availableKernels() {
		t.Run(ks.name, func(t *testing.T) {
			for _, d := range testDims() {
				for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 32} {
					if d > 64 && n != 5 && n != 32 && d%17 != 0 {
						continue
					}
					stride := d + r.IntN(9)
					q, data, ids := gatherCase(r, d, stride, 40, n)
					out := randVec(r, n+1, 2, true) // out[n] must survive
					sentinel := out[n]
					limit := (len(data)-d)/stride + 1
					if m := ks.l2sqGather(q, data, stride, ids, out[:n], limit); m != n {
						t.Fatalf("l2sqGather d=%d n=%d measured %d ids, want all", d, n, m)
					}
					for i, id := range ids {
						row := data[int(id)*stride : int(id)*stride+d]
						if want := refL2(q, row); !closeL2(out[i], want) {
							t.Fatalf("l2sqGather d=%d n=%d [%d]: got %v, want %v", d, n, i, out[i], want)
						}
					}
					if m := ks.dotGather(q, data, stride, ids, out[:n], limit); m != n {
						t.Fatalf("dotGather d=%d n=%d measured %d ids, want all", d, n, m)
					}
					for i, id := range ids {
						row := data[int(id)*stride : int(id)*stride+d]
						if want, mag := refDot(q, row); !closeDot(out[i], want, mag) {
							t.Fatalf("dotGather d=%d n=%d [%d]: got %v, want %v", d, n, i, out[i], want)
						}
					}
					if out[n] != sentinel {
						t.Fatalf("gather d=%d n=%d wrote past out", d, n)
					}
				}
			}
		})
	}
}

// TestGatherMatchesPair checks that every gathered distance has exactly
// the bits of the same set's pair kernel, wherever the row sits in ids:
// an index may mix the two and must rank equal rows equally.
func TestGatherMatchesPair(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, ks := range availableKernels() {
		for _, d := range []int{1, 5, 8, 13, 31, 32, 40, 100, 128, 200, 784, 960} {
			for _, n := range []int{1, 2, 3, 4, 5, 11, 32} {
				stride := d + 16
				q, data, ids := gatherCase(r, d, stride, 20, n)
				l2 := make([]float32, n)
				dot := make([]float32, n)
				ks.l2sqGather(q, data, stride, ids, l2, 20)
				ks.dotGather(q, data, stride, ids, dot, 20)
				for i, id := range ids {
					row := data[int(id)*stride : int(id)*stride+d]
					if p := ks.l2sq(q, row); p != l2[i] {
						t.Fatalf("%s d=%d n=%d: row %d at %d gathered %v, pair kernel %v", ks.name, d, n, id, i, l2[i], p)
					}
					if p := ks.dot(q, row); p != dot[i] {
						t.Fatalf("%s d=%d n=%d: row %d at %d gathered dot %v, pair kernel %v", ks.name, d, n, id, i, dot[i], p)
					}
				}
			}
		}
	}
}

// TestGatherLimit checks that every kernel set stops at an id past the
// limit: no set may read the row of such an id, and the count it returns
// says how many of the leading ids it measured (the AVX2 set measures
// whole groups of three, so it may stop up to two ids early).
func TestGatherLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, ks := range availableKernels() {
		for _, d := range []int{3, 8, 13, 128} {
			for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 11} {
				for bad := 0; bad < n; bad++ {
					stride := d + 3
					q, data, ids := gatherCase(r, d, stride, 12, n)
					ids[bad] = 12 + uint32(r.IntN(3)) // rows 12-14 are past the data
					out := make([]float32, n)
					for _, k := range []func(q, data []float32, stride int, ids []uint32, out []float32, limit int) int{ks.l2sqGather, ks.dotGather} {
						m := k(q, data, stride, ids, out, 12)
						if m > bad || m < bad-bad%3 {
							t.Fatalf("%s d=%d n=%d bad id at %d: measured %d ids", ks.name, d, n, bad, m)
						}
					}
				}
			}
		}
	}
}

func TestExportedGather(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	q, data, ids := gatherCase(r, 17, 20, 9, 6)
	out := make([]float32, len(ids))
	L2SqGather(q, data, 20, ids, out)
	for i, id := range ids {
		if want := refL2(q, data[id*20:id*20+17]); !closeL2(out[i], want) {
			t.Errorf("L2SqGather [%d]: got %v, want %v", i, out[i], want)
		}
	}
	DotGather(q, data, 20, ids, out)
	for i, id := range ids {
		if want, mag := refDot(q, data[id*20:id*20+17]); !closeDot(out[i], want, mag) {
			t.Errorf("DotGather [%d]: got %v, want %v", i, out[i], want)
		}
	}
	out = []float32{1, 2}
	L2SqGather(nil, nil, 0, []uint32{0, 3}, out)
	if out[0] != 0 || out[1] != 0 {
		t.Errorf("dim 0: got %v, want zeros", out)
	}
	for _, c := range []struct {
		name   string
		stride int
		ids    []uint32
		nout   int
		want   string
	}{
		{"row past data", 20, []uint32{8, 9}, 2, "row 9 "},
		{"row past data in the last group", 20, []uint32{1, 2, 3, 4, 9}, 5, "row 9 "},
		{"row past data in the first group", 20, []uint32{1, 12, 3, 4, 5}, 5, "row 12 "},
		{"short out", 20, []uint32{1, 2, 3}, 2, "outputs"},
		{"negative stride", -1, []uint32{1}, 1, "negative"},
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, c.want) {
					t.Errorf("%s: panic %q, want one containing %q", c.name, msg, c.want)
				}
			}()
			L2SqGather(q, data, c.stride, c.ids, make([]float32, c.nout))
		}()
	}
}
