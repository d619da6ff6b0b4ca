package groundtruth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/datasets/vector"
)

// SpotCheckQueries is the default number of queries SpotCheck samples: a
// fraction of a second of exact search even for a million base vectors,
// and a misaligned or foreign file fails on practically every query.
const SpotCheckQueries = 20

// spotCheckSeed seeds the sample, so every run checks the same queries.
const spotCheckSeed = 0x5107c4ec

// MismatchError reports ground truth that exact search contradicts.
type MismatchError struct {
	// Query is the first sampled query whose lists disagree.
	Query int
	// K is the depth checked; Wrong of the file's first K ids of Query are
	// farther than the exact K-th nearest neighbour (or repeated, or out of
	// range).
	K, Wrong int
	// ID is one offending id and Dist its distance, Kth the exact K-th
	// nearest distance (published convention, see Published; NaN for an
	// out-of-range id).
	ID        int32
	Dist, Kth float32
	// Checked is the number of queries sampled, Bad how many disagreed.
	Checked, Bad int
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%d of %d sampled queries disagree with exact search; query %d: %d of its first %d ids are not among its exact %d nearest (id %d at distance %g; the exact %d nearest reach %g)",
		e.Bad, e.Checked, e.Query, e.Wrong, e.K, e.K, e.ID, e.Dist, e.K, e.Kth)
}

// SpotCheck compares the first k ids of every row of gt for a seeded
// sample of n queries (all when there are fewer; n <= 0 means
// SpotCheckQueries) with exact search over base: each row's ids must all be
// within the exact k-th nearest distance, ties judged as algorithms/score
// judges them, so legitimate ties and float rounding in the file never fail
// it. A disagreement is a *MismatchError. threads is as for Compute.
func SpotCheck(ctx context.Context, metric vector.Metric, base, queries vector.Matrix, gt vector.IDMatrix, k, n, threads int) error {
	k = min(k, base.Rows, gt.Dim)
	if k <= 0 || queries.Rows == 0 {
		return nil
	}
	if gt.Rows < queries.Rows {
		return fmt.Errorf("ground truth has %d rows for %d queries", gt.Rows, queries.Rows)
	}
	if n <= 0 {
		n = SpotCheckQueries
	}
	n = min(n, queries.Rows)
	rng := rand.New(rand.NewPCG(spotCheckSeed, uint64(queries.Rows)))
	pick := rng.Perm(queries.Rows)[:n]
	slices.Sort(pick)
	sample := vector.NewMatrix(n, queries.Dim)
	rows := vector.IDMatrix{Data: make([]int32, n*k), Rows: n, Dim: k, Stride: k}
	for i, qi := range pick {
		copy(sample.Row(i), queries.Row(qi))
		copy(rows.Row(i), gt.Row(qi)[:k])
	}
	exact, dists, err := flat.Exact(ctx, base, sample, metric, k, threads)
	if err != nil {
		return fmt.Errorf("spot check: %w", err)
	}
	tr, err := score.New(metric, base, sample, exact, k)
	if err != nil {
		return fmt.Errorf("spot check: %w", err)
	}
	var first *MismatchError
	bad := 0
	for i, qi := range pick {
		row := rows.Row(i)
		s := tr.Query(i, row)
		if s.Hits == k {
			continue
		}
		bad++
		if first != nil {
			continue
		}
		first = &MismatchError{Query: qi, K: k, Wrong: k - s.Hits, Kth: Published(metric, dists.Row(i)[k-1])}
		// Name an out-of-range id, else the farthest.
		worst, out := math.Inf(-1), false
		for _, id := range row {
			if id < 0 || int(id) >= base.Rows {
				first.ID, first.Dist, out = id, float32(math.NaN()), true
				break
			}
			if d := score.Distance(metric, sample.Row(i), base.Row(int(id))); d > worst {
				worst, first.ID = d, id
			}
		}
		if !out {
			first.Dist = Published(metric, float32(worst))
		}
	}
	if first != nil {
		first.Checked, first.Bad = n, bad
		return first
	}
	return nil
}
