package distance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

// refL2 and refDot are float64 references.
func refL2(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s
}

func refDot(a, b []float32) (dot, mag float64) {
	for i := range a {
		p := float64(a[i]) * float64(b[i])
		dot += p
		mag += math.Abs(p)
	}
	return dot, mag
}

// closeL2 accepts a relative error of 1e-4 plus a tiny absolute epsilon.
func closeL2(got float32, want float64) bool {
	return math.Abs(float64(got)-want) <= 1e-4*math.Abs(want)+1e-6
}

// closeDot accepts a relative error of 1e-4; cancellation between terms of
// opposite sign is allowed for by a term scaled by the sum of |a_i*b_i|.
func closeDot(got float32, want, mag float64) bool {
	return math.Abs(float64(got)-want) <= 1e-4*math.Abs(want)+1e-6*mag+1e-6
}

// randVec returns n values at an odd offset inside a larger buffer, so the
// slice is not aligned to anything wider than 4 bytes and memory around it
// holds values that must not leak into the result.
func randVec(r *rand.Rand, n, off int, signed bool) []float32 {
	buf := make([]float32, n+off+17)
	for i := range buf {
		v := r.Float32()
		if signed {
			v = 2*v - 1
		}
		buf[i] = v
	}
	return buf[off : off+n : off+n]
}

// testDims lists every dimension 1..1024 and a few up to 4096.
func testDims() []int {
	var d []int
	for i := 1; i <= 1024; i++ {
		d = append(d, i)
	}
	return append(d, 1025, 1500, 2047, 2048, 2049, 3000, 4095, 4096)
}

func TestImplementationMatchesCPU(t *testing.T) {
	sets := availableKernels()
	if Implementation != sets[0].name {
		t.Errorf("Implementation = %q, want the fastest available %q", Implementation, sets[0].name)
	}
	if sets[len(sets)-1].name != "generic" {
		t.Errorf("generic kernels are not available for comparison")
	}
	var names []string
	for _, s := range sets {
		names = append(names, s.name)
	}
	t.Logf("kernel sets: %s (active %s)", strings.Join(names, ", "), Implementation)
}

func TestPairKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, ks := range availableKernels() {
		t.Run(ks.name, func(t *testing.T) {
			for _, d := range testDims() {
				for _, signed := range []bool{false, true} {
					a := randVec(r, d, 1+d%7, signed)
					b := randVec(r, d, 3+d%5, signed)
					wantL2 := refL2(a, b)
					if got := ks.l2sq(a, b); !closeL2(got, wantL2) {
						t.Fatalf("l2sq d=%d signed=%v: got %v, want %v", d, signed, got, wantL2)
					}
					wantDot, mag := refDot(a, b)
					if got := ks.dot(a, b); !closeDot(got, wantDot, mag) {
						t.Fatalf("dot d=%d signed=%v: got %v, want %v", d, signed, got, wantDot)
					}
				}
			}
		})
	}
}

func TestExportedPair(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{0, 1, 7, 96, 128, 784, 960} {
		a := randVec(r, d, 1, true)
		b := randVec(r, d+3, 2, true) // longer b: the extra elements are ignored
		if got, want := L2Sq(a, b), refL2(a, b[:d]); !closeL2(got, want) {
			t.Errorf("L2Sq d=%d: got %v, want %v", d, got, want)
		}
		want, mag := refDot(a, b[:d])
		if got := Dot(a, b); !closeDot(got, want, mag) {
			t.Errorf("Dot d=%d: got %v, want %v", d, got, want)
		}
		if got := NegDot(a, b); !closeDot(-got, want, mag) {
			t.Errorf("NegDot d=%d: got %v, want %v", d, got, -want)
		}
		if got := For(vector.L2)(a, b); !closeL2(got, refL2(a, b[:d])) {
			t.Errorf("For(l2) d=%d: got %v", d, got)
		}
		if got := For(vector.IP)(a, b); !closeDot(-got, want, mag) {
			t.Errorf("For(ip) d=%d: got %v", d, got)
		}
	}
}

func TestShortSecondArgumentPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("L2Sq with a shorter b did not panic")
		}
	}()
	L2Sq(make([]float32, 8), make([]float32, 7))
}

// checkTile compares out[i*nr+j] for a block of queries and rows with the
// float64 references.
func checkTile(t *testing.T, what string, ip bool, qs []float32, nq int, rows []float32, nr, dim int, out []float32) {
	t.Helper()
	for i := 0; i < nq; i++ {
		q := qs[i*dim : i*dim+dim]
		for j := 0; j < nr; j++ {
			row := rows[j*dim : j*dim+dim]
			got := out[i*nr+j]
			if ip {
				want, mag := refDot(q, row)
				if !closeDot(got, want, mag) {
					t.Fatalf("%s nq=%d nr=%d dim=%d [%d,%d]: got %v, want %v", what, nq, nr, dim, i, j, got, want)
				}
			} else if want := refL2(q, row); !closeL2(got, want) {
				t.Fatalf("%s nq=%d nr=%d dim=%d [%d,%d]: got %v, want %v", what, nq, nr, dim, i, j, got, want)
			}
		}
	}
}

func TestBatchKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, ks := range availableKernels() {
		t.Run(ks.name, func(t *testing.T) {
			for _, d := range testDims() {
				for _, n := range []int{1, 3, 4, 7, 13} {
					if d > 200 && n != 7 {
						continue
					}
					q := randVec(r, d, 1, true)
					rows := randVec(r, n*d, 5, true)
					out := randVec(r, n+1, 3, true) // out[n] must survive
					sentinel := out[n]
					ks.l2sqBatch(q, rows, out[:n])
					checkTile(t, "l2sqBatch", false, q, 1, rows, n, d, out)
					ks.dotBatch(q, rows, out[:n])
					checkTile(t, "dotBatch", true, q, 1, rows, n, d, out)
					if out[n] != sentinel {
						t.Fatalf("batch d=%d n=%d wrote past out", d, n)
					}
				}
			}
		})
	}
}

func TestBlockKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	shapes := [][2]int{{1, 1}, {2, 4}, {3, 5}, {4, 4}, {5, 9}, {8, 12}, {9, 3}, {11, 17}}
	for _, ks := range availableKernels() {
		t.Run(ks.name, func(t *testing.T) {
			for _, d := range testDims() {
				for si, sh := range shapes {
					if d > 64 && si != (d%len(shapes)) && sh != [2]int{5, 9} {
						continue
					}
					nq, nr := sh[0], sh[1]
					qs := randVec(r, nq*d, 3, true)
					rows := randVec(r, nr*d, 1, true)
					out := randVec(r, nq*nr+1, 1, true)
					sentinel := out[nq*nr]
					ks.l2sqBlock(qs, nq, rows, nr, d, out[:nq*nr])
					checkTile(t, "l2sqBlock", false, qs, nq, rows, nr, d, out)
					ks.dotBlock(qs, nq, rows, nr, d, out[:nq*nr])
					checkTile(t, "dotBlock", true, qs, nq, rows, nr, d, out)
					if out[nq*nr] != sentinel {
						t.Fatalf("block d=%d %dx%d wrote past out", d, nq, nr)
					}
				}
			}
		})
	}
}

func TestExportedBatchAndBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, d := range []int{1, 17, 128, 784} {
		nq, nr := 6, 10
		qs := randVec(r, nq*d, 1, true)
		rows := randVec(r, nr*d, 2, true)
		out := make([]float32, nq*nr)
		L2SqBlock(qs, nq, rows, nr, d, out)
		checkTile(t, "L2SqBlock", false, qs, nq, rows, nr, d, out)
		DotBlock(qs, nq, rows, nr, d, out)
		checkTile(t, "DotBlock", true, qs, nq, rows, nr, d, out)
		L2SqBatch(qs[:d], rows, out[:nr])
		checkTile(t, "L2SqBatch", false, qs, 1, rows, nr, d, out)
		DotBatch(qs[:d], rows, out[:nr])
		checkTile(t, "DotBatch", true, qs, 1, rows, nr, d, out)
	}
	// Dimension zero: every distance is zero.
	out := []float32{1, 2, 3, 4}
	L2SqBlock(nil, 2, nil, 2, 0, out)
	L2SqBatch(nil, nil, out[:2])
	for i, v := range out {
		if v != 0 {
			t.Errorf("dim 0: out[%d] = %v, want 0", i, v)
		}
	}
}

func TestBadShapesPanic(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"batch short rows", func() { L2SqBatch(make([]float32, 4), make([]float32, 7), make([]float32, 2)) }},
		{"block short queries", func() { L2SqBlock(make([]float32, 7), 2, make([]float32, 8), 2, 4, make([]float32, 4)) }},
		{"block short rows", func() { DotBlock(make([]float32, 8), 2, make([]float32, 7), 2, 4, make([]float32, 4)) }},
		{"block short out", func() { L2SqBlock(make([]float32, 8), 2, make([]float32, 8), 2, 4, make([]float32, 3)) }},
		{"block negative", func() { L2SqBlock(nil, -1, nil, 2, 4, nil) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if !strings.HasPrefix(fmt.Sprint(r), "distance: ") {
					t.Errorf("panic %q does not name the package", r)
				}
			}()
			c.f()
		})
	}
}

func TestNormalize(t *testing.T) {
	v := []float32{3, 4}
	if n := Norm(v); n != 5 {
		t.Fatalf("Norm = %v, want 5", n)
	}
	Normalize(v)
	if math.Abs(float64(v[0])-0.6) > 1e-6 || math.Abs(float64(v[1])-0.8) > 1e-6 {
		t.Fatalf("Normalize = %v, want [0.6 0.8]", v)
	}
	z := []float32{0, 0}
	Normalize(z)
	if z[0] != 0 || z[1] != 0 {
		t.Fatalf("Normalize(zero) = %v", z)
	}
}

// TestPairDispatch runs the exported pair functions with every kernel level
// the CPU supports selected, including the jump to the portable kernels.
func TestPairDispatch(t *testing.T) {
	saved := level
	defer func() { level = saved }()
	r := rand.New(rand.NewPCG(11, 12))
	for _, ks := range availableKernels() {
		level = levelOf(ks.name)
		for _, d := range []int{1, 5, 16, 33, 128, 200} {
			a, b := randVec(r, d, 1, true), randVec(r, d, 2, true)
			if got, want := L2Sq(a, b), refL2(a, b); !closeL2(got, want) {
				t.Errorf("%s L2Sq d=%d: got %v, want %v", ks.name, d, got, want)
			}
			want, mag := refDot(a, b)
			if got := Dot(a, b); !closeDot(got, want, mag) {
				t.Errorf("%s Dot d=%d: got %v, want %v", ks.name, d, got, want)
			}
		}
	}
}
