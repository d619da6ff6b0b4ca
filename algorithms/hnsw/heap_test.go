package hnsw

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMaxHeapKeepsNearest feeds a stream of distances to a max-heap bounded
// at ef the way searchLayer0 does (push while short of ef, then replaceTop
// for anything nearer than the top) and checks that it ends holding exactly
// the ef smallest distances, with the largest of them on top throughout.
func TestMaxHeapKeepsNearest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, ef := range []int{1, 2, 3, 7, 16, 100} {
		var h maxHeap
		var all []float32
		for i := 0; i < 500; i++ {
			d := float32(r.IntN(300)) // repeats on purpose
			all = append(all, d)
			switch {
			case h.len() < ef:
				h.push(d, uint32(i))
			case d < h.top().d:
				h.replaceTop(d, uint32(i))
			}
			sorted := slices.Clone(all)
			slices.Sort(sorted)
			want := sorted[:min(ef, len(sorted))]
			if got := h.top().d; got != want[len(want)-1] {
				t.Fatalf("ef=%d after %d items: top %v, want %v", ef, i+1, got, want[len(want)-1])
			}
		}
		var got []float32
		for _, it := range h.drainAscending(nil) {
			got = append(got, it.d)
			if all[it.id] != it.d {
				t.Fatalf("ef=%d: item %d carries distance %v, was given %v", ef, it.id, it.d, all[it.id])
			}
		}
		slices.Sort(all)
		if !slices.Equal(got, all[:ef]) {
			t.Fatalf("ef=%d: kept %v, want %v", ef, got, all[:ef])
		}
	}
}
