package runner

import (
	"math"
	"sort"

	"github.com/montanaflynn/stats"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/result"
)

// truth holds, per query, the distance thresholds a returned id must meet
// to count as a true neighbour, computed with the same kernels the indexes
// use so exact search scores exactly 1.
type truth struct {
	dist  distance.Func
	base  vector.Matrix
	k     int
	kth   []float32 // per query: largest true distance among the first k
	first []float32 // per query: distance of the nearest neighbour
}

// relEps is the relative slack under which two distances count as a tie:
// ground truth computed in exact or double-precision arithmetic and float32
// kernels may disagree in the last bits.
const relEps = 1e-5

// newTruth derives the thresholds from ground-truth ids. gt must hold at
// least k ids per query.
func newTruth(metric vector.Metric, base, queries vector.Matrix, gt vector.IDMatrix, k int) *truth {
	t := &truth{dist: distance.For(metric), base: base, k: k,
		kth: make([]float32, queries.Rows), first: make([]float32, queries.Rows)}
	kk := min(k, base.Rows)
	for qi := 0; qi < queries.Rows; qi++ {
		q, row := queries.Row(qi), gt.Row(qi)
		worst := float32(math.Inf(-1))
		for j := 0; j < kk; j++ {
			d := t.dist(q, base.Row(int(row[j])))
			if j == 0 {
				t.first[qi] = d
			}
			if d > worst {
				worst = d
			}
		}
		t.kth[qi] = worst
	}
	return t
}

func within(d, limit float32) bool {
	return float64(d) <= float64(limit)+relEps*math.Max(1, math.Abs(float64(limit)))
}

// score returns recall@k and recall@1 over all queries and counts invalid
// output. Duplicate and out-of-range ids never count; ids past the k-th are
// ignored for recall and counted as TooMany.
func (t *truth) score(queries vector.Matrix, results [][]int32) (recall, recall1 float64, bad result.Invalid) {
	kk := min(t.k, t.base.Rows)
	if kk == 0 || queries.Rows == 0 {
		return 1, 1, bad
	}
	seen := make(map[int32]struct{}, t.k)
	var sum, sum1 float64
	for qi, ids := range results {
		q := queries.Row(qi)
		if len(ids) > t.k {
			bad.TooMany++
			ids = ids[:t.k]
		}
		clear(seen)
		hits := 0
		for j, id := range ids {
			if id < 0 || int(id) >= t.base.Rows {
				bad.OutOfRange++
				continue
			}
			if _, dup := seen[id]; dup {
				bad.Duplicates++
				continue
			}
			seen[id] = struct{}{}
			d := t.dist(q, t.base.Row(int(id)))
			if within(d, t.kth[qi]) {
				hits++
			}
			if j == 0 && within(d, t.first[qi]) {
				sum1++
			}
		}
		sum += float64(hits) / float64(kk)
	}
	n := float64(len(results))
	return sum / n, sum1 / n, bad
}

// latencyPercentiles returns p50, p95 and p99 of per-query latencies given
// in nanoseconds, in microseconds.
func latencyPercentiles(ns []float64) result.Latency {
	if len(ns) == 0 {
		return result.Latency{}
	}
	sorted := append([]float64(nil), ns...)
	sort.Float64s(sorted)
	pct := func(p float64) float64 {
		v, err := stats.PercentileNearestRank(sorted, p)
		if err != nil {
			return 0
		}
		return v / 1e3
	}
	return result.Latency{P50: pct(50), P95: pct(95), P99: pct(99)}
}
