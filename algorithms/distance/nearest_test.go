package distance

import (
	"math"
	"math/rand/v2"
	"testing"
)

// refNearest returns the float64 score of every row for query q.
func refScores(q, rows []float32, n, dim int, bias []float32, scale float32) []float64 {
	s := make([]float64, n)
	for j := range s {
		d, _ := refDot(q, rows[j*dim:j*dim+dim])
		s[j] = float64(scale) * d
		if bias != nil {
			s[j] += float64(bias[j])
		}
	}
	return s
}

func TestRankPanelsKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, ks := range availableKernels() {
		t.Run(ks.name, func(t *testing.T) {
			for _, dim := range []int{1, 2, 3, 4, 7, 8, 14, 16, 33, 128, 785} {
				for _, n := range []int{1, 15, 16, 17, 40} {
					rows := randVec(r, n*dim, 1, true)
					bias := randVec(r, n, 2, true)
					var p Panels
					p.Set(rows, n, dim, bias, -2)
					np := len(p.bias) / PanelRows
					var qs [panelQueries][]float32
					for k := range qs {
						qs[k] = randVec(r, dim, k, true)
					}
					out := make([]float32, panelQueries*np*PanelRows+1)
					out[len(out)-1] = 42
					ks.rankPanels(&qs, p.data, p.bias, out[:len(out)-1], dim, np, p.scale)
					if out[len(out)-1] != 42 {
						t.Fatalf("dim %d n %d: wrote past out", dim, n)
					}
					for k := range qs {
						want := refScores(qs[k], rows, n, dim, bias, -2)
						for j := 0; j < np*PanelRows; j++ {
							got := out[k*np*PanelRows+j]
							if j >= n {
								if !math.IsInf(float64(got), 1) {
									t.Fatalf("dim %d n %d: padding column %d scored %v, want +Inf", dim, n, j, got)
								}
								continue
							}
							_, mag := refDot(qs[k], rows[j*dim:j*dim+dim])
							if !closeDot(got, want[j], 2*mag+math.Abs(float64(bias[j]))) {
								t.Fatalf("dim %d n %d query %d row %d: %v, want %v", dim, n, k, j, got, want[j])
							}
						}
					}
				}
			}
		})
	}
}

func TestArgminKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, ks := range availableKernels() {
		t.Run(ks.name, func(t *testing.T) {
			for _, n := range []int{16, 32, 48, 256, 1024} {
				for trial := 0; trial < 50; trial++ {
					v := make([]float32, n)
					for i := range v {
						// Few distinct values, so ties are common.
						v[i] = float32(r.IntN(8)) - 3
					}
					if trial%5 == 0 {
						v[r.IntN(n)] = float32(math.Inf(-1))
					}
					if got, want := ks.argmin(v), argminGeneric(v); got != want {
						t.Fatalf("n %d: argmin %d (%v), want %d (%v)", n, got, v[got], want, v[want])
					}
				}
			}
			v := make([]float32, 32)
			v[31] = float32(math.Copysign(0, -1))
			if got := ks.argmin(v); got != 0 {
				t.Fatalf("-0 after +0: argmin %d, want 0 (equal values, first wins)", got)
			}
		})
	}
}

// TestNearest checks every kernel set's Nearest against a float64 brute
// force: the chosen row scores within rounding of the best, ties go to the
// first row, queries may be strided, and blocks, chunks and short query
// groups all line up.
func TestNearest(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, ks := range availableKernels() {
		t.Run(ks.name, func(t *testing.T) {
			for _, tc := range []struct{ n, dim, nq, stride int }{
				{1, 1, 1, 1}, {5, 2, 7, 3}, {16, 4, 70, 4}, {256, 14, 133, 56}, {257, 8, 9, 8},
				{244, 784, 67, 784}, {100, 129, 5, 200}, {3, 0, 6, 0},
			} {
				rows := randVec(r, tc.n*tc.dim, 1, true)
				// Duplicate rows: the first copy must win.
				if tc.n > 4 && tc.dim > 0 {
					copy(rows[(tc.n-1)*tc.dim:], rows[2*tc.dim:3*tc.dim])
				}
				bias := make([]float32, tc.n)
				for j := range bias {
					d, _ := refDot(rows[j*tc.dim:j*tc.dim+tc.dim], rows[j*tc.dim:j*tc.dim+tc.dim])
					bias[j] = float32(d)
				}
				var p Panels
				p.Set(rows, tc.n, tc.dim, bias, -2)
				qs := randVec(r, tc.nq*max(tc.stride, 1), 2, true)
				if tc.n > 4 && tc.dim > 0 {
					copy(qs[:tc.dim], rows[(tc.n-1)*tc.dim:]) // query 0 sits on the duplicated row
				}
				best := make([]int32, tc.nq)
				val := make([]float32, tc.nq)
				p.nearest(&ks, qs, tc.nq, tc.stride, best, val)
				for i := 0; i < tc.nq; i++ {
					q := qs[i*tc.stride : i*tc.stride+tc.dim]
					s := refScores(q, rows, tc.n, tc.dim, bias, -2)
					m := s[0]
					for _, x := range s {
						m = math.Min(m, x)
					}
					b := int(best[i])
					if b < 0 || b >= tc.n {
						t.Fatalf("%+v query %d: best %d out of range", tc, i, b)
					}
					tol := 1e-4*(math.Abs(m)+float64(tc.dim)) + 1e-6
					if s[b]-m > tol || math.Abs(float64(val[i])-s[b]) > tol {
						t.Fatalf("%+v query %d: row %d scores %v (kernel %v), best %v", tc, i, b, s[b], val[i], m)
					}
					if i == 0 && tc.n > 4 && tc.dim > 0 && b != 2 {
						t.Fatalf("%+v: query on a duplicated row chose %d, want the first copy 2", tc, b)
					}
				}
			}
		})
	}
}

func TestNearestSpherical(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	rows := randVec(r, 50*9, 1, true)
	qs := randVec(r, 20*9, 1, true)
	var p Panels
	p.Set(rows, 50, 9, nil, -1)
	best := make([]int32, 20)
	val := make([]float32, 20)
	p.Nearest(qs, 20, 9, best, val)
	for i := range best {
		q := qs[i*9 : i*9+9]
		want, wd := 0, math.Inf(-1)
		for j := 0; j < 50; j++ {
			if d, _ := refDot(q, rows[j*9:j*9+9]); d > wd {
				want, wd = j, d
			}
		}
		if int(best[i]) != want || math.Abs(float64(val[i])+wd) > 1e-5 {
			t.Fatalf("query %d: best %d val %v, want %d val %v", i, best[i], val[i], want, -wd)
		}
	}
}

func TestNearestBadShapesPanic(t *testing.T) {
	var p Panels
	p.Set(make([]float32, 8), 2, 4, nil, -2)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"short rows", func() { new(Panels).Set(make([]float32, 7), 2, 4, nil, -2) }},
		{"short bias", func() { new(Panels).Set(make([]float32, 8), 2, 4, make([]float32, 1), -2) }},
		{"empty", func() { new(Panels).Nearest(make([]float32, 4), 1, 4, make([]int32, 1), make([]float32, 1)) }},
		{"short stride", func() { p.Nearest(make([]float32, 8), 2, 3, make([]int32, 2), make([]float32, 2)) }},
		{"short queries", func() { p.Nearest(make([]float32, 7), 2, 4, make([]int32, 2), make([]float32, 2)) }},
		{"short out", func() { p.Nearest(make([]float32, 8), 2, 4, make([]int32, 1), make([]float32, 2)) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}
