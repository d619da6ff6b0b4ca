package datasets

import (
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// holdoutStream is the PCG stream of hold-out sampling, so a seed used
// elsewhere does not pick correlated rows.
const holdoutStream = 0x686f6c646f7574 // "holdout"

// uniformInt returns a uniform integer in [0, n) from r. It is written out
// (Lemire's multiply-and-reject) rather than taken from math/rand so that a
// seed holds out the same rows with every Go version.
func uniformInt(r *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// holdoutRows picks count distinct rows of [0, n) from seed, in a random
// order (Floyd's sampling, then a Fisher–Yates shuffle).
func holdoutRows(n, count int, seed uint64) []int {
	r := rand.NewPCG(seed, holdoutStream)
	chosen := make(map[int]bool, count)
	rows := make([]int, 0, count)
	for j := n - count; j < n; j++ {
		t := int(uniformInt(r, uint64(j+1)))
		if chosen[t] {
			t = j
		}
		chosen[t] = true
		rows = append(rows, t)
	}
	for i := len(rows) - 1; i > 0; i-- {
		j := int(uniformInt(r, uint64(i+1)))
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

// holdOut moves count seeded random base rows into the queries: the base
// keeps the other rows in their order (renumbered densely), base labels and
// attributes follow their rows, and the held-out rows' labels become the
// query labels. maxQueries, when positive, then keeps only the first
// queries. Mapped base data is copied under Guard.
func (d *Dataset) holdOut(count int, seed uint64, maxQueries int) error {
	n, dim := d.Base.Rows, d.Base.Dim
	rows := holdoutRows(n, count, seed)
	sorted := slices.Sorted(slices.Values(rows))
	q := vector.NewMatrix(count, dim)
	b := vector.NewMatrix(n-count, dim)
	var qLabels, bLabels []int32
	var attrs []int64
	err := mapped.Guard(func() {
		for i, r := range rows {
			copy(q.Row(i), d.Base.Row(r))
		}
		next, out := 0, 0
		for r := 0; r < n; r++ {
			if next < len(sorted) && sorted[next] == r {
				next++
				continue
			}
			copy(b.Row(out), d.Base.Row(r))
			out++
		}
	})
	if err != nil {
		return err
	}
	if d.BaseLabels != nil {
		qLabels = make([]int32, count)
		for i, r := range rows {
			qLabels[i] = d.BaseLabels[r]
		}
		bLabels = dropRows(d.BaseLabels, sorted)
	}
	if d.Attributes != nil {
		attrs = dropRows(d.Attributes, sorted)
	}
	d.Base, d.Query, d.BaseLabels, d.QueryLabels, d.Attributes = b, q, bLabels, qLabels, attrs
	if maxQueries > 0 && maxQueries < count {
		d.Query = d.Query.Slice(0, maxQueries)
		if d.QueryLabels != nil {
			d.QueryLabels = d.QueryLabels[:maxQueries]
		}
	}
	d.Holdout = &Holdout{Count: count, Seed: seed, Rows: rows, sorted: sorted}
	return nil
}

// dropRows returns v without the elements at the sorted indexes drop.
func dropRows[T any](v []T, drop []int) []T {
	out := make([]T, 0, len(v)-len(drop))
	next := 0
	for i, x := range v {
		if next < len(drop) && drop[next] == i {
			next++
			continue
		}
		out = append(out, x)
	}
	return out
}
