package kmeans

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

// blobs returns n points around k seeded Gaussian centres in dim dimensions.
func blobs(seed uint64, n, k, dim int, spread float64) vector.Matrix {
	rng := rand.New(rand.NewPCG(seed, 7))
	cs := make([][]float64, k)
	for i := range cs {
		cs[i] = make([]float64, dim)
		for j := range cs[i] {
			cs[i][j] = rng.NormFloat64() * 4
		}
	}
	m := vector.NewMatrix(n, dim)
	for i := 0; i < n; i++ {
		c := cs[rng.IntN(k)]
		row := m.Row(i)
		for j := range row {
			row[j] = float32(c[j] + spread*rng.NormFloat64())
		}
	}
	return m
}

func objective(x, cent vector.Matrix) float64 {
	var s float64
	for i := 0; i < x.Rows; i++ {
		best := math.Inf(1)
		for c := 0; c < cent.Rows; c++ {
			var d float64
			for j, v := range x.Row(i) {
				t := float64(v) - float64(cent.Row(c)[j])
				d += t * t
			}
			best = math.Min(best, d)
		}
		s += best
	}
	return s
}

func TestObjectiveDecreases(t *testing.T) {
	for _, tc := range []struct {
		name string
		dim  int
		init string
	}{
		{"plusplus_d32", 32, InitPlusPlus},
		{"random_d32", 32, InitRandom},
		{"plusplus_d4", 4, InitPlusPlus},
		{"random_d8", 8, InitRandom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := blobs(3, 3000, 20, tc.dim, 1.5)
			var objs []float64
			opt := Options{Iterations: 15, Init: tc.init, Seed: 5, Progress: func(_ int, o float64) { objs = append(objs, o) }}
			cent, err := Train(context.Background(), x, 16, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(objs) == 0 || len(objs) > 15 {
				t.Fatalf("progress called %d times, want 1 to 15", len(objs))
			}
			for i := 1; i < len(objs); i++ {
				if objs[i] > objs[i-1]*(1+1e-4) {
					t.Errorf("objective rose from %g to %g at iteration %d", objs[i-1], objs[i], i)
				}
			}
			if len(objs) > 1 && objs[len(objs)-1] >= objs[0] {
				t.Errorf("objective did not decrease: first %g, last %g", objs[0], objs[len(objs)-1])
			}
			final := objective(x, cent)
			if final > objs[len(objs)-1]*(1+1e-3) {
				t.Errorf("final objective %g above the last assignment's %g", final, objs[len(objs)-1])
			}
		})
	}
}

func TestDeterministicAcrossThreads(t *testing.T) {
	x := blobs(11, 5000, 30, 24, 1)
	var prev vector.Matrix
	for _, threads := range []int{1, 2, 5} {
		for _, init := range []string{InitPlusPlus, InitRandom} {
			c, err := Train(context.Background(), x, 25, Options{Seed: 9, Threads: threads, Init: init, Iterations: 8, SampleSize: 4000})
			if err != nil {
				t.Fatal(err)
			}
			if init == InitPlusPlus {
				if prev.Rows > 0 && !slices.Equal(prev.Data, c.Data) {
					t.Fatalf("threads=%d gives different centroids than before", threads)
				}
				prev = c
			}
		}
	}
	other, err := Train(context.Background(), x, 25, Options{Seed: 10, Iterations: 8, SampleSize: 4000})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(other.Data, prev.Data) {
		t.Errorf("seeds 9 and 10 gave identical centroids")
	}
}

func TestEmptyClustersRepaired(t *testing.T) {
	// 60% of the points are one duplicated vector, so random
	// initialization picks it many times and those clusters start empty.
	rng := rand.New(rand.NewPCG(1, 2))
	n, dim, k := 2000, 8, 40
	x := vector.NewMatrix(n, dim)
	for i := 0; i < n; i++ {
		for j := range x.Row(i) {
			if i%5 < 3 {
				x.Row(i)[j] = 1
			} else {
				x.Row(i)[j] = float32(rng.NormFloat64() * 10)
			}
		}
	}
	cent, err := Train(context.Background(), x, k, Options{Init: InitRandom, Seed: 3, Iterations: 20})
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, k)
	for _, a := range Assign(x, cent, vector.L2) {
		counts[a]++
	}
	empty := 0
	for _, c := range counts {
		if c == 0 {
			empty++
		}
	}
	// The duplicated vector can feed only one cluster, so at most the
	// splits of it stay empty; everything else must be used.
	if empty > 1 {
		t.Errorf("%d of %d clusters are empty after training: %v", empty, k, counts)
	}
}

func TestRepairEmptySplitsLargest(t *testing.T) {
	cent := vector.NewMatrix(3, 2)
	copy(cent.Data, []float32{1, 1, 5, 5, 0, 0})
	counts := []int{3, 10, 0}
	if n := repairEmpty(cent, counts, rand.New(rand.NewPCG(1, 1))); n != 1 {
		t.Fatalf("repaired %d clusters, want 1", n)
	}
	if counts[2] != 5 || counts[1] != 5 {
		t.Errorf("counts after split = %v, want [3 5 5]", counts)
	}
	a, b := cent.Row(1), cent.Row(2)
	if slices.Equal(a, b) {
		t.Errorf("split centroids are identical: %v", a)
	}
	for j := range a {
		if math.Abs(float64(a[j]+b[j])/2-5) > 1e-5 {
			t.Errorf("split centroids %v and %v are not centred on the old one", a, b)
		}
	}
}

func TestSpherical(t *testing.T) {
	x := blobs(4, 2000, 10, 16, 0.5)
	cent, err := Train(context.Background(), x, 10, Options{Spherical: true, Iterations: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < cent.Rows; i++ {
		var s float64
		for _, v := range cent.Row(i) {
			s += float64(v) * float64(v)
		}
		if math.Abs(s-1) > 1e-4 {
			t.Errorf("centroid %d has squared norm %g, want 1", i, s)
		}
	}
}

func TestAssignMatchesBruteForce(t *testing.T) {
	for _, dim := range []int{3, 16, 50} {
		x := blobs(5, 700, 8, dim, 2)
		cent := blobs(6, 33, 5, dim, 3)
		for _, m := range vector.Metrics {
			got, dist := AssignDist(x, cent, m, 3)
			for i := 0; i < x.Rows; i++ {
				best, bd := -1, math.Inf(1)
				for c := 0; c < cent.Rows; c++ {
					var d float64
					for j, v := range x.Row(i) {
						w := float64(cent.Row(c)[j])
						if m == vector.L2 {
							d += (float64(v) - w) * (float64(v) - w)
						} else {
							d -= float64(v) * w
						}
					}
					if d < bd {
						best, bd = c, d
					}
				}
				if int(got[i]) != best && math.Abs(float64(dist[i])-bd) > 1e-3*math.Max(1, math.Abs(bd)) {
					t.Fatalf("dim %d %s row %d: assigned %d (dist %g), want %d (dist %g)", dim, m, i, got[i], dist[i], best, bd)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	x := blobs(1, 10, 2, 4, 1)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		k    int
		opt  Options
	}{
		{"k zero", 0, Options{}},
		{"more centroids than points", 11, Options{}},
		{"unknown init", 2, Options{Init: "fancy"}},
	} {
		if _, err := Train(ctx, x, tc.k, tc.opt); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Train(cctx, x, 2, Options{}); err == nil {
		t.Errorf("cancelled context: no error")
	}
	if got := Assign(x, vector.NewMatrix(2, 5), vector.L2); got != nil {
		t.Errorf("Assign with mismatched dimensions returned %v, want nil", got)
	}
}

func TestSampleSize(t *testing.T) {
	x := blobs(2, 5000, 10, 8, 1)
	s := sample(x, 1000, 10, rand.New(rand.NewPCG(1, 1)))
	if s.Rows != 1000 {
		t.Fatalf("sample has %d rows, want 1000", s.Rows)
	}
	all := sample(x, -1, 10, rand.New(rand.NewPCG(1, 1)))
	if all.Rows != x.Rows || !slices.Equal(all.Data, x.Data) {
		t.Errorf("negative sample size did not keep every row")
	}
}

func BenchmarkTrain(b *testing.B) {
	x := blobs(1, 20000, 64, 128, 2)
	for i := 0; i < b.N; i++ {
		if _, err := Train(context.Background(), x, 100, Options{Iterations: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrainPQSubspace(b *testing.B) {
	x := blobs(1, 10000, 64, 4, 2)
	for i := 0; i < b.N; i++ {
		if _, err := Train(context.Background(), x, 256, Options{Iterations: 5, Init: InitRandom, Threads: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrainPQSubspace14(b *testing.B) {
	x := blobs(1, 60000, 64, 14, 2)
	for i := 0; i < b.N; i++ {
		if _, err := Train(context.Background(), x, 256, Options{Iterations: 3, Init: InitRandom, Threads: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestStopsWhenConverged(t *testing.T) {
	// Well separated blobs converge in a few iterations; training must
	// stop there and give the same centroids as a run capped at that count.
	x := blobs(8, 2000, 5, 8, 0.05)
	var calls int
	long, err := Train(context.Background(), x, 5, Options{Iterations: 100, Seed: 2, Progress: func(int, float64) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if calls >= 100 {
		t.Fatalf("no early stop: %d iterations", calls)
	}
	short, err := Train(context.Background(), x, 5, Options{Iterations: calls, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(long.Data, short.Data) {
		t.Errorf("stopping at convergence changed the centroids")
	}
}
