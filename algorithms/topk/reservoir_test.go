package topk

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestReservoirMatchesSort offers streams of random, tied, sorted and
// reverse-sorted distances and requires exactly the k smallest (as a
// multiset of distances; ties may pick either id), nearest first.
func TestReservoirMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var r Reservoir
	for trial := 0; trial < 400; trial++ {
		n := rng.IntN(600)
		k := rng.IntN(120)
		d := make([]float32, n)
		for i := range d {
			switch trial % 4 {
			case 0:
				d[i] = rng.Float32()
			case 1:
				d[i] = float32(rng.IntN(7)) // many ties
			case 2:
				d[i] = float32(i)
			case 3:
				d[i] = float32(n - i)
			}
		}
		r.Reset(k)
		for i, v := range d {
			r.Push(v, int32(i))
			if r.Full() != (i+1 >= k) {
				t.Fatalf("trial %d: Full()=%v after %d of k=%d", trial, r.Full(), i+1, k)
			}
		}
		want := slices.Clone(d)
		slices.Sort(want)
		want = want[:min(k, n)]
		dists := make([]float32, len(want))
		ids := r.AppendSorted(nil, dists)
		if len(ids) != len(want) || !slices.Equal(dists, want) {
			t.Fatalf("trial %d (n=%d k=%d): got %v, want %v", trial, n, k, dists, want)
		}
		for i, id := range ids {
			if d[id] != dists[i] {
				t.Fatalf("trial %d: id %d has distance %g, reported %g", trial, id, d[id], dists[i])
			}
		}
		// Append after reuse gives the same set unsorted.
		r.Reset(k)
		for i, v := range d {
			r.Push(v, int32(i))
		}
		got := r.Append(nil)
		g := make([]float32, len(got))
		for i, id := range got {
			g[i] = d[id]
		}
		slices.Sort(g)
		if !slices.Equal(g, want) {
			t.Fatalf("trial %d: Append gave %v, want %v", trial, g, want)
		}
	}
}

// TestReservoirEdges: k = 0 keeps nothing, NaN never enters, the threshold
// never rises.
func TestReservoirEdges(t *testing.T) {
	var r Reservoir
	r.Reset(0)
	r.Push(1, 1)
	if got := r.AppendSorted(nil, nil); len(got) != 0 {
		t.Fatalf("k=0 kept %v", got)
	}
	r.Reset(3)
	r.Push(float32(math.NaN()), 9)
	prev := r.Threshold()
	for i := 0; i < 200; i++ {
		r.Push(float32(200-i), int32(i))
		if r.Threshold() > prev {
			t.Fatalf("threshold rose from %g to %g", prev, r.Threshold())
		}
		prev = r.Threshold()
	}
	if got := r.AppendSorted(nil, nil); !slices.Equal(got, []int32{199, 198, 197}) {
		t.Fatalf("got %v, want [199 198 197]", got)
	}
}
