package topk

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

type pair struct {
	d  float32
	id int32
}

// want returns the k smallest pairs by distance, ties broken by id.
func want(p []pair, k int) []pair {
	s := slices.Clone(p)
	slices.SortFunc(s, func(a, b pair) int {
		if c := cmp.Compare(a.d, b.d); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	return s[:min(k, len(s))]
}

func TestHeapMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h Heap
	for _, tc := range []struct{ n, k, distinct int }{
		{0, 5, 10}, {3, 5, 10}, {5, 5, 10}, {100, 1, 1000}, {100, 10, 1000},
		{1000, 10, 1 << 30}, {1000, 100, 1 << 30}, {1000, 100, 7}, {50, 1000, 1 << 30},
	} {
		t.Run(fmt.Sprintf("n=%d/k=%d/distinct=%d", tc.n, tc.k, tc.distinct), func(t *testing.T) {
			p := make([]pair, tc.n)
			for i := range p {
				p[i] = pair{float32(r.IntN(tc.distinct)), int32(i)}
			}
			for _, mode := range []string{"Push", "PushAll"} {
				h.Reset(tc.k)
				if mode == "Push" {
					for _, x := range p {
						h.Push(x.d, x.id)
					}
				} else {
					ds := make([]float32, len(p))
					for i, x := range p {
						ds[i] = x.d
					}
					h.PushAll(ds, 0)
				}
				w := want(p, tc.k)
				if h.Len() != len(w) {
					t.Fatalf("%s: Len = %d, want %d", mode, h.Len(), len(w))
				}
				if h.Full() != (len(p) >= tc.k) {
					t.Fatalf("%s: Full = %v with %d of %d", mode, h.Full(), len(p), tc.k)
				}
				if len(w) > 0 && h.Worst() != w[len(w)-1].d {
					t.Fatalf("%s: Worst = %v, want %v", mode, h.Worst(), w[len(w)-1].d)
				}
				dists := make([]float32, h.Len())
				ids := h.AppendSorted([]int32{-7}, dists)
				if ids[0] != -7 || len(ids) != len(w)+1 {
					t.Fatalf("%s: AppendSorted did not append: %v", mode, ids)
				}
				for i, x := range w {
					if dists[i] != x.d {
						t.Fatalf("%s: rank %d distance %v, want %v", mode, i, dists[i], x.d)
					}
					// Among equal distances any id is fine, but it must
					// carry that distance.
					if got := p[ids[i+1]].d; got != x.d {
						t.Fatalf("%s: rank %d id %d has distance %v, want %v", mode, i, ids[i+1], got, x.d)
					}
				}
				if h.Len() != 0 || h.Threshold() != inf {
					t.Fatalf("%s: heap not empty after AppendSorted", mode)
				}
			}
		})
	}
}

func TestThreshold(t *testing.T) {
	var h Heap
	h.Reset(2)
	if h.Threshold() != inf {
		t.Fatalf("empty threshold %v", h.Threshold())
	}
	h.Push(5, 1)
	if h.Threshold() != inf {
		t.Fatalf("half-full threshold %v", h.Threshold())
	}
	h.Push(3, 2)
	if h.Threshold() != 5 {
		t.Fatalf("full threshold %v, want 5", h.Threshold())
	}
	h.Push(5, 3) // equal to the worst: not kept
	h.Push(4, 4)
	if h.Threshold() != 4 {
		t.Fatalf("threshold %v, want 4", h.Threshold())
	}
	if ids := h.AppendSorted(nil, nil); !slices.Equal(ids, []int32{2, 4}) {
		t.Fatalf("ids %v, want [2 4]", ids)
	}
}

func TestZeroCapacityAndNaN(t *testing.T) {
	var h Heap
	h.Push(-1, 1) // zero value: capacity 0, nothing kept, no panic
	if h.Len() != 0 {
		t.Fatalf("zero-value heap kept a pair")
	}
	h.Reset(0)
	h.Push(-1e30, 1)
	h.PushAll([]float32{-1, -2}, 0)
	if h.Len() != 0 || len(h.AppendSorted(nil, nil)) != 0 {
		t.Fatalf("k=0 heap kept a pair")
	}
	h.Reset(2)
	nan := float32(math.NaN())
	h.Push(1, 1)
	h.Push(2, 2)
	h.Push(nan, 3)
	if ids := h.AppendSorted(nil, nil); !slices.Equal(ids, []int32{1, 2}) {
		t.Fatalf("ids %v, want [1 2] (NaN must not enter a full heap)", ids)
	}
}

func TestResetReusesStorage(t *testing.T) {
	var h Heap
	h.Reset(16)
	dst := make([]int32, 0, 16)
	allocs := testing.AllocsPerRun(100, func() {
		h.Reset(16)
		for i := 0; i < 100; i++ {
			h.Push(float32((i*37)%101), int32(i))
		}
		dst = h.AppendSorted(dst[:0], nil)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per query, want 0", allocs)
	}
}

func randomDists(n int) []float32 {
	r := rand.New(rand.NewPCG(3, 4))
	d := make([]float32, n)
	for i := range d {
		d[i] = r.Float32()
	}
	return d
}

// BenchmarkPush offers 10k random distances, as a flat scan does; ns/op is
// per scan.
func BenchmarkPush(b *testing.B) {
	ds := randomDists(10000)
	dst := make([]int32, 0, 100)
	for _, k := range []int{10, 100} {
		b.Run(fmt.Sprintf("k=%d/Push", k), func(b *testing.B) {
			var h Heap
			for i := 0; i < b.N; i++ {
				h.Reset(k)
				for j, d := range ds {
					h.Push(d, int32(j))
				}
				dst = h.AppendSorted(dst[:0], nil)
			}
		})
		b.Run(fmt.Sprintf("k=%d/PushAll", k), func(b *testing.B) {
			var h Heap
			for i := 0; i < b.N; i++ {
				h.Reset(k)
				h.PushAll(ds, 0)
				dst = h.AppendSorted(dst[:0], nil)
			}
		})
		// Sort is the obvious alternative: sort all candidates, keep k.
		b.Run(fmt.Sprintf("k=%d/sort", k), func(b *testing.B) {
			p := make([]pair, len(ds))
			for i := 0; i < b.N; i++ {
				for j, d := range ds {
					p[j] = pair{d, int32(j)}
				}
				slices.SortFunc(p, func(a, b pair) int { return cmp.Compare(a.d, b.d) })
				dst = dst[:0]
				for _, x := range p[:k] {
					dst = append(dst, x.id)
				}
			}
		})
	}
}

// BenchmarkPushWorstCase offers strictly decreasing distances, so every
// candidate enters the heap.
func BenchmarkPushWorstCase(b *testing.B) {
	ds := make([]float32, 10000)
	for i := range ds {
		ds[i] = float32(len(ds) - i)
	}
	var h Heap
	dst := make([]int32, 0, 100)
	for i := 0; i < b.N; i++ {
		h.Reset(100)
		h.PushAll(ds, 0)
		dst = h.AppendSorted(dst[:0], nil)
	}
}
