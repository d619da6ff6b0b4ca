package scann

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/annbench/annbench/algorithms/pq"
)

// benchCodes is the number of codes each scan benchmark iteration scores.
const benchCodes = 16384

// BenchmarkScan compares, at the same 256 bits per 128-dimensional vector,
// the 4-bit fast scan (64 blocks of 2 dimensions, 8-bit table, byte
// shuffles) with the 8-bit float table scan (32 blocks of 4 dimensions,
// pq.Scan). The codes/s metric is the figure to compare; run with
// -count to interleave repetitions on a noisy machine.
func BenchmarkScan(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const dim = 128
	b.Run("4bit-dpb2-fastscan", func(b *testing.B) {
		nb := dim / 2
		pairs := numPairs(nb)
		groups := benchCodes / groupSize
		codes := make([]byte, groups*pairs*pairBytes)
		for i := range codes {
			codes[i] = byte(rng.UintN(256))
		}
		lutF := make([]float32, nb*16)
		for i := range lutF {
			lutF[i] = float32(rng.NormFloat64())
		}
		lut := make([]byte, pairs*pairBytes)
		lo, hi := blockRange(lutF, nb)
		quantizeLUT(lutF, lo, hi, nb, lut)
		out := make([]uint16, benchCodes)
		b.SetBytes(int64(len(codes)))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			scan4(codes, lut, pairs, groups, out)
		}
		b.ReportMetric(float64(b.N)*benchCodes/b.Elapsed().Seconds(), "codes/s")
	})
	b.Run("4bit-dpb2-generic", func(b *testing.B) {
		nb := dim / 2
		pairs := numPairs(nb)
		groups := benchCodes / groupSize
		codes := make([]byte, groups*pairs*pairBytes)
		for i := range codes {
			codes[i] = byte(rng.UintN(256))
		}
		lut := make([]byte, pairs*pairBytes)
		for i := range lut {
			lut[i] = byte(rng.UintN(256) / 64)
		}
		out := make([]uint16, benchCodes)
		b.SetBytes(int64(len(codes)))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			scan4Generic(codes, lut, pairs, groups, out)
		}
		b.ReportMetric(float64(b.N)*benchCodes/b.Elapsed().Seconds(), "codes/s")
	})
	b.Run("8bit-dpb4-table", func(b *testing.B) {
		nb := dim / 4
		codes := make([]byte, benchCodes*nb)
		for i := range codes {
			codes[i] = byte(rng.UintN(256))
		}
		tab := pq.NewTable(nb)
		for j := range tab {
			for c := range tab[j] {
				tab[j][c] = float32(rng.NormFloat64())
			}
		}
		out := make([]float32, benchCodes)
		b.SetBytes(int64(len(codes)))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			pq.Scan(codes, tab, out)
		}
		b.ReportMetric(float64(b.N)*benchCodes/b.Elapsed().Seconds(), "codes/s")
	})
}

// BenchmarkScanRatio interleaves the two scans of BenchmarkScan (same 256
// bits per vector) in every iteration, so that machine noise hits both
// alike, and reports each one's codes/s and their ratio.
func BenchmarkScanRatio(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	const dim = 128
	nb4, nb8 := dim/2, dim/4
	pairs := numPairs(nb4)
	groups := benchCodes / groupSize
	codes4 := make([]byte, groups*pairs*pairBytes)
	codes8 := make([]byte, benchCodes*nb8)
	for i := range codes4 {
		codes4[i] = byte(rng.UintN(256))
	}
	for i := range codes8 {
		codes8[i] = byte(rng.UintN(256))
	}
	lutF := make([]float32, nb4*16)
	for i := range lutF {
		lutF[i] = float32(rng.NormFloat64())
	}
	lut := make([]byte, pairs*pairBytes)
	lo, hi := blockRange(lutF, nb4)
	quantizeLUT(lutF, lo, hi, nb4, lut)
	tab := pq.NewTable(nb8)
	for j := range tab {
		for c := range tab[j] {
			tab[j][c] = float32(rng.NormFloat64())
		}
	}
	out4 := make([]uint16, benchCodes)
	out8 := make([]float32, benchCodes)
	var t4, t8 time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		scan4(codes4, lut, pairs, groups, out4)
		mid := time.Now()
		pq.Scan(codes8, tab, out8)
		t4 += mid.Sub(start)
		t8 += time.Since(mid)
	}
	r4 := float64(b.N) * benchCodes / t4.Seconds()
	r8 := float64(b.N) * benchCodes / t8.Seconds()
	b.ReportMetric(r4, "fastscan-codes/s")
	b.ReportMetric(r8, "table8-codes/s")
	b.ReportMetric(r4/r8, "ratio")
}
