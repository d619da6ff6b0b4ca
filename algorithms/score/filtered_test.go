package score

import (
	"math"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

func TestFiltered(t *testing.T) {
	// Base on a line at x = 0..5; the query at 0. Query 0 may return even
	// ids only, query 1 only id 5.
	base := vector.Matrix{Data: []float32{0, 1, 2, 3, 4, 5}, Rows: 6, Dim: 1, Stride: 1}
	q := vector.Matrix{Data: []float32{0, 0}, Rows: 2, Dim: 1, Stride: 1}
	allowed := func(qi int, id int32) bool {
		if qi == 0 {
			return id%2 == 0
		}
		return id == 5
	}
	gt := ids(2, 3, 0, 2, 4, 5, -1, -1)
	tr, err := NewFiltered(vector.L2, base, q, gt, 3, allowed)
	if err != nil {
		t.Fatal(err)
	}
	if tr.QueryK(0) != 3 || tr.QueryK(1) != 1 {
		t.Fatalf("QueryK = %d, %d, want 3 and 1", tr.QueryK(0), tr.QueryK(1))
	}
	// Query 0 returns the unfiltered nearest (1 is excluded, and nearer
	// than the allowed 4: it must not count); query 1 finds its only row.
	s := mustScore(t, tr, [][]int32{{0, 1, 2}, {5}})
	if s.Invalid.Disallowed != 1 {
		t.Errorf("Disallowed = %d, want 1", s.Invalid.Disallowed)
	}
	if want := (2.0/3 + 1) / 2; math.Abs(s.Recall-want) > 1e-12 {
		t.Errorf("Recall = %v, want %v", s.Recall, want)
	}
	if s.Recall1 != 1 {
		t.Errorf("Recall1 = %v, want 1", s.Recall1)
	}
	// The unfiltered truth of the same ids would have credited id 1.
	if _, err := New(vector.L2, base, q, gt, 3); err == nil {
		t.Error("New accepted -1 padding")
	}
	if _, err := NewFiltered(vector.L2, base, q, ids(2, 3, 0, -1, 4, 5, -1, -1), 3, allowed); err == nil {
		t.Error("an id after the padding gave no error")
	}
	if _, err := NewFiltered(vector.L2, base, q, gt, 3, nil); err == nil {
		t.Error("a filtered truth without a filter gave no error")
	}
	// A query whose filter allows nothing scores 1 whatever it returns
	// (its ids are all disallowed).
	empty, err := NewFiltered(vector.L2, base, vector.Matrix{Data: []float32{0}, Rows: 1, Dim: 1, Stride: 1}, ids(1, 3, -1, -1, -1), 3,
		func(int, int32) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if s := mustScore(t, empty, [][]int32{{3}}); s.Recall != 1 || s.Invalid.Disallowed != 1 {
		t.Errorf("nothing allowed: recall %v, disallowed %d, want 1 and 1", s.Recall, s.Invalid.Disallowed)
	}
}
