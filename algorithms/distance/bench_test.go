package distance

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchDims are the dimensions of common benchmark datasets: deep (96),
// sift (128), (fashion-)mnist (784) and gist (960).
var benchDims = []int{96, 128, 784, 960}

var sink float32

// naiveL2 is the plain Go loop the kernels are measured against.
func naiveL2(a, b []float32) float32 {
	var s float32
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// naiveDot is the plain Go loop for the inner product.
func naiveDot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func benchPair(b *testing.B, d int, f func(a, b []float32) float32) {
	r := rand.New(rand.NewPCG(1, uint64(d)))
	x, y := randVec(r, d, 1, true), randVec(r, d, 2, true)
	b.SetBytes(int64(8 * d))
	b.ResetTimer()
	var s float32
	for i := 0; i < b.N; i++ {
		s += f(x, y)
	}
	sink = s
}

// pairVariants returns the plain loop, every kernel set and the exported
// function, so one run shows them side by side.
func pairVariants(naive, exported func(a, b []float32) float32, pick func(kernelSet) func(a, b []float32) float32) []struct {
	name string
	f    func(a, b []float32) float32
} {
	v := []struct {
		name string
		f    func(a, b []float32) float32
	}{{"naive", naive}}
	for _, ks := range availableKernels() {
		v = append(v, struct {
			name string
			f    func(a, b []float32) float32
		}{ks.name, pick(ks)})
	}
	return append(v, struct {
		name string
		f    func(a, b []float32) float32
	}{"exported", exported})
}

func BenchmarkL2Sq(b *testing.B) {
	for _, d := range benchDims {
		for _, v := range pairVariants(naiveL2, L2Sq, func(k kernelSet) func(a, b []float32) float32 { return k.l2sq }) {
			b.Run(fmt.Sprintf("d=%d/%s", d, v.name), func(b *testing.B) { benchPair(b, d, v.f) })
		}
	}
}

func BenchmarkDot(b *testing.B) {
	for _, d := range benchDims {
		for _, v := range pairVariants(naiveDot, Dot, func(k kernelSet) func(a, b []float32) float32 { return k.dot }) {
			b.Run(fmt.Sprintf("d=%d/%s", d, v.name), func(b *testing.B) { benchPair(b, d, v.f) })
		}
	}
}

// BenchmarkL2SqDirect calls L2Sq directly (not through a function value),
// the way a graph search calls it in its inner loop.
func BenchmarkL2SqDirect(b *testing.B) {
	for _, d := range benchDims {
		r := rand.New(rand.NewPCG(1, uint64(d)))
		x, y := randVec(r, d, 1, true), randVec(r, d, 2, true)
		b.Run(fmt.Sprintf("d=%d/naive", d), func(b *testing.B) {
			var s float32
			for i := 0; i < b.N; i++ {
				s += naiveL2(x, y)
			}
			sink = s
		})
		b.Run(fmt.Sprintf("d=%d/L2Sq", d), func(b *testing.B) {
			var s float32
			for i := 0; i < b.N; i++ {
				s += L2Sq(x, y)
			}
			sink = s
		})
	}
}

const benchRows = 256

// BenchmarkL2SqBatch measures one query against 256 rows; ns/op is per
// batch, so divide by 256 for the cost of one distance.
func BenchmarkL2SqBatch(b *testing.B) {
	for _, d := range benchDims {
		r := rand.New(rand.NewPCG(2, uint64(d)))
		q, rows := randVec(r, d, 1, true), randVec(r, benchRows*d, 0, true)
		out := make([]float32, benchRows)
		b.Run(fmt.Sprintf("d=%d/naive", d), func(b *testing.B) {
			b.SetBytes(int64(4 * d * benchRows))
			for i := 0; i < b.N; i++ {
				for j := range out {
					out[j] = naiveL2(q, rows[j*d:j*d+d])
				}
			}
		})
		for _, ks := range availableKernels() {
			b.Run(fmt.Sprintf("d=%d/%s", d, ks.name), func(b *testing.B) {
				b.SetBytes(int64(4 * d * benchRows))
				for i := 0; i < b.N; i++ {
					ks.l2sqBatch(q, rows, out)
				}
			})
		}
	}
}

// BenchmarkDotBatch is BenchmarkL2SqBatch for the inner product.
func BenchmarkDotBatch(b *testing.B) {
	for _, d := range benchDims {
		r := rand.New(rand.NewPCG(2, uint64(d)))
		q, rows := randVec(r, d, 1, true), randVec(r, benchRows*d, 0, true)
		out := make([]float32, benchRows)
		b.Run(fmt.Sprintf("d=%d/naive", d), func(b *testing.B) {
			b.SetBytes(int64(4 * d * benchRows))
			for i := 0; i < b.N; i++ {
				for j := range out {
					out[j] = naiveDot(q, rows[j*d:j*d+d])
				}
			}
		})
		for _, ks := range availableKernels() {
			b.Run(fmt.Sprintf("d=%d/%s", d, ks.name), func(b *testing.B) {
				b.SetBytes(int64(4 * d * benchRows))
				for i := 0; i < b.N; i++ {
					ks.dotBatch(q, rows, out)
				}
			})
		}
	}
}

// BenchmarkL2SqBlock measures a 32-query × 256-row tile; ns/op is per tile
// (8192 distances). The naive variant computes the same tile pair by pair.
func BenchmarkL2SqBlock(b *testing.B) {
	const nq = 32
	for _, d := range benchDims {
		r := rand.New(rand.NewPCG(3, uint64(d)))
		qs, rows := randVec(r, nq*d, 1, true), randVec(r, benchRows*d, 0, true)
		out := make([]float32, nq*benchRows)
		b.Run(fmt.Sprintf("d=%d/naive", d), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				for qi := 0; qi < nq; qi++ {
					for j := 0; j < benchRows; j++ {
						out[qi*benchRows+j] = naiveL2(qs[qi*d:qi*d+d], rows[j*d:j*d+d])
					}
				}
			}
		})
		for _, ks := range availableKernels() {
			b.Run(fmt.Sprintf("d=%d/%s", d, ks.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					ks.l2sqBlock(qs, nq, rows, benchRows, d, out)
				}
			})
		}
	}
}

// BenchmarkDotBlock is BenchmarkL2SqBlock for the inner product.
func BenchmarkDotBlock(b *testing.B) {
	const nq = 32
	for _, d := range benchDims {
		r := rand.New(rand.NewPCG(3, uint64(d)))
		qs, rows := randVec(r, nq*d, 1, true), randVec(r, benchRows*d, 0, true)
		out := make([]float32, nq*benchRows)
		b.Run(fmt.Sprintf("d=%d/naive", d), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				for qi := 0; qi < nq; qi++ {
					for j := 0; j < benchRows; j++ {
						out[qi*benchRows+j] = naiveDot(qs[qi*d:qi*d+d], rows[j*d:j*d+d])
					}
				}
			}
		})
		for _, ks := range availableKernels() {
			b.Run(fmt.Sprintf("d=%d/%s", d, ks.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					ks.dotBlock(qs, nq, rows, benchRows, d, out)
				}
			})
		}
	}
}

// BenchmarkSpeedup times the plain Go loop and the exported kernel in
// alternating bursts of calls and reports the ratio of their fastest
// bursts as "speedup", which is steadier than comparing two separate
// benchmarks on a busy machine. ns/op covers both loops; read ns/kernel
// and ns/naive for one call of each.
func BenchmarkSpeedup(b *testing.B) {
	for _, k := range []struct {
		name        string
		naive, fast func(a, b []float32) float32
	}{{"L2", naiveL2, L2Sq}, {"Dot", naiveDot, Dot}} {
		for _, d := range benchDims {
			b.Run(fmt.Sprintf("%s/d=%d", k.name, d), func(b *testing.B) {
				r := rand.New(rand.NewPCG(1, uint64(d)))
				x, y := randVec(r, d, 1, true), randVec(r, d, 2, true)
				const burst = 256
				var bestNaive, bestFast time.Duration
				var s float32
				for done := 0; done < b.N; done += burst {
					t0 := time.Now()
					for i := 0; i < burst; i++ {
						s += k.naive(x, y)
					}
					t1 := time.Now()
					for i := 0; i < burst; i++ {
						s += k.fast(x, y)
					}
					t2 := time.Now()
					if n := t1.Sub(t0); bestNaive == 0 || n < bestNaive {
						bestNaive = n
					}
					if f := t2.Sub(t1); bestFast == 0 || f < bestFast {
						bestFast = f
					}
				}
				sink = s
				b.ReportMetric(float64(bestFast.Nanoseconds())/burst, "ns/kernel")
				b.ReportMetric(float64(bestNaive.Nanoseconds())/burst, "ns/naive")
				b.ReportMetric(float64(bestNaive)/float64(bestFast), "speedup")
			})
		}
	}
}

// BenchmarkL2SqGather measures one query against m rows picked at random
// from 10,000 rows of 128 dimensions (stride 176, like an HNSW node record),
// m = 5 (two groups, the last one short) and 18 (six whole groups); ns/op is
// per call.
func BenchmarkL2SqGather(b *testing.B) {
	const rows, dim, stride = 10000, 128, 176
	r := rand.New(rand.NewPCG(3, 4))
	data := randVec(r, rows*stride, 1, true)
	q := randVec(r, dim, 2, true)
	for _, m := range []int{5, 18} {
		ids := make([]uint32, 1024*m)
		for i := range ids {
			ids[i] = uint32(r.IntN(rows))
		}
		out := make([]float32, m)
		for _, ks := range availableKernels() {
			b.Run(fmt.Sprintf("m=%d/%s", m, ks.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					o := i & 1023 * m
					ks.l2sqGather(q, data, stride, ids[o:o+m], out, rows)
				}
			})
		}
	}
}
