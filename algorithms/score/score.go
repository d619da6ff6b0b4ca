package score

import (
	"fmt"
	"math"

	"github.com/annbench/annbench/datasets/vector"
)

// RelTol is the relative tolerance under which a returned neighbour's
// distance counts as tied with the k-th true distance. It is taken relative
// to each query's own distance scale (see Truth), never to an absolute
// floor, so scaling every vector by any factor leaves every score unchanged.
// It absorbs the float32 rounding of the kernels that chose the ids (about
// 1e-7·√dim of the magnitudes involved) and of the program that wrote a
// ground-truth file; genuinely different distances in real data differ far
// more.
const RelTol = 1e-5

// Invalid counts malformed output in the scored results.
type Invalid struct {
	// Duplicates is the number of repeated ids within one query's first k.
	Duplicates int
	// OutOfRange is the number of ids among a query's first k outside
	// [0, base rows).
	OutOfRange int
	// TooMany is the number of queries that returned more than k ids; only
	// the first k are scored.
	TooMany int
	// Disallowed is the number of ids among a query's first k that its
	// filter excludes (filtered truth only).
	Disallowed int
}

// Add returns the element-wise sum of a and b.
func (a Invalid) Add(b Invalid) Invalid {
	return Invalid{Duplicates: a.Duplicates + b.Duplicates, OutOfRange: a.OutOfRange + b.OutOfRange,
		TooMany: a.TooMany + b.TooMany, Disallowed: a.Disallowed + b.Disallowed}
}

// Scores are the figures for a set of results.
type Scores struct {
	// Recall is recall@k averaged over queries: the share of the k returned
	// ids that are true k nearest neighbours, ties counted (see Truth).
	Recall float64
	// Recall1 is the share of queries whose first returned id is a true
	// nearest neighbour, ties counted.
	Recall1 float64
	// Invalid counts malformed output; it never raises recall.
	Invalid Invalid
}

// QueryScore is the score of one query's result.
type QueryScore struct {
	// Hits is the number of valid, distinct ids among the first k that are
	// within the k-th true distance; recall@k is Hits / K().
	Hits int
	// Hit1 reports whether the first id is within the nearest true
	// distance.
	Hit1 bool
	// Invalid counts this result's malformed output.
	Invalid Invalid
}

// Truth holds what scoring needs per query: the distance a returned id
// must reach to count as one of the true k nearest, and the one that makes
// it a true nearest neighbour.
//
// Both come from the ground-truth ids: with d_1..d_k the Distance from the
// query to its k true neighbours, the k-th true distance is max d_j and the
// nearest is min d_j. A returned id at distance d is a hit when
//
//	d <= max d_j + RelTol·s,  s = max(|min d_j|, |max d_j|, m)
//
// where m is the magnitude the metric's rounding is relative to: 0 for l2
// (a squared distance is a sum of non-negative terms, so its rounding is
// relative to the distance itself) and |q|·max|x_j| for ip and angular (the
// bound on an inner product's terms; 1 for unit vectors).
// s scales with the data, so ties are judged at every scale alike, and it
// is never below the spread max d_j − min d_j of the true distances. For ip
// and angular distances are negated similarities, so "largest first" is
// "smallest distance first" here too.
type Truth struct {
	metric  vector.Metric
	base    vector.Matrix
	queries vector.Matrix
	gt      vector.IDMatrix
	k, kk   int
	limit   []float64 // per query: k-th true distance plus tolerance
	first   []float64 // per query: nearest true distance plus tolerance
	// avail, for filtered truth, holds per query the number of true
	// neighbours (fewer than kk where the filter allows fewer rows).
	avail []int
	// allowed, for filtered truth, tells whether query qi may return id.
	allowed func(qi int, id int32) bool
}

// New prepares scoring at k for queries over base. gt must hold, for every
// query, at least min(k, base rows) true neighbour ids in its first columns
// (their order does not matter); ids outside the base are an error naming
// the row and column.
func New(metric vector.Metric, base, queries vector.Matrix, gt vector.IDMatrix, k int) (*Truth, error) {
	return newTruth(metric, base, queries, gt, k, nil)
}

// NewFiltered is New for a filtered search, where query qi may only return
// the ids allowed(qi, id) accepts and gt holds the exact neighbours among
// those: a row's ids may end early with -1 where fewer than k rows are
// allowed, and the query is then scored over the neighbours it has (a query
// with none scores 1). An id the filter excludes never counts and is
// reported as Invalid.Disallowed.
func NewFiltered(metric vector.Metric, base, queries vector.Matrix, gt vector.IDMatrix, k int, allowed func(qi int, id int32) bool) (*Truth, error) {
	if allowed == nil {
		return nil, fmt.Errorf("score: filtered truth without a filter")
	}
	return newTruth(metric, base, queries, gt, k, allowed)
}

func newTruth(metric vector.Metric, base, queries vector.Matrix, gt vector.IDMatrix, k int, allowed func(qi int, id int32) bool) (*Truth, error) {
	switch {
	case !metric.Valid():
		return nil, fmt.Errorf("score: unknown metric %q", metric)
	case k <= 0:
		return nil, fmt.Errorf("score: k must be positive, got %d", k)
	case base.Rows > 0 && queries.Rows > 0 && base.Dim != queries.Dim:
		return nil, fmt.Errorf("score: base dimension %d, query dimension %d", base.Dim, queries.Dim)
	}
	if err := base.Validate(); err != nil {
		return nil, fmt.Errorf("score: base: %w", err)
	}
	if err := queries.Validate(); err != nil {
		return nil, fmt.Errorf("score: queries: %w", err)
	}
	kk := min(k, base.Rows)
	if queries.Rows > 0 && kk > 0 && (gt.Rows < queries.Rows || gt.Dim < kk) {
		return nil, fmt.Errorf("score: ground truth has %d rows of %d ids, want at least %d rows of %d", gt.Rows, gt.Dim, queries.Rows, kk)
	}
	t := &Truth{metric: metric, base: base, queries: queries, gt: gt, k: k, kk: kk,
		limit: make([]float64, queries.Rows), first: make([]float64, queries.Rows), allowed: allowed}
	if kk == 0 {
		return t, nil
	}
	if allowed != nil {
		t.avail = make([]int, queries.Rows)
	}
	for qi := 0; qi < queries.Rows; qi++ {
		q, row := queries.Row(qi), gt.Row(qi)[:kk]
		if allowed != nil {
			n := 0
			for n < kk && row[n] >= 0 {
				n++
			}
			for j, id := range row[n:] {
				if id >= 0 {
					return nil, fmt.Errorf("score: ground truth row %d, column %d: id %d after the -1 padding", qi, n+j, id)
				}
			}
			row, t.avail[qi] = row[:n], n
		}
		hi, lo := math.Inf(-1), math.Inf(1)
		var maxNorm float64
		for j, id := range row {
			if id < 0 || int(id) >= base.Rows {
				return nil, fmt.Errorf("score: ground truth row %d, column %d: id %d outside [0,%d)", qi, j, id, base.Rows)
			}
			x := base.Row(int(id))
			d := Distance(metric, q, x)
			hi, lo = max(hi, d), min(lo, d)
			if metric != vector.L2 {
				maxNorm = max(maxNorm, dot(x, x))
			}
		}
		s := max(math.Abs(hi), math.Abs(lo))
		if metric != vector.L2 {
			s = max(s, math.Sqrt(dot(q, q)*maxNorm))
		}
		tol := RelTol * s
		t.limit[qi], t.first[qi] = hi+tol, lo+tol
	}
	return t, nil
}

// K returns the number of true neighbours a query's recall is out of:
// min(k, base rows); for filtered truth, at most that (see QueryK).
func (t *Truth) K() int { return t.kk }

// QueryK returns the number of true neighbours query qi's recall is out
// of: K(), or fewer for a filtered query with fewer allowed rows.
func (t *Truth) QueryK(qi int) int {
	if t.avail != nil {
		return t.avail[qi]
	}
	return t.kk
}

// Query scores the ids returned for query qi (0 <= qi < query rows). Ids
// past the k-th are ignored and make the result TooMany; out-of-range and
// repeated ids never count.
func (t *Truth) Query(qi int, ids []int32) QueryScore {
	var s QueryScore
	if len(ids) > t.k {
		s.Invalid.TooMany = 1
		ids = ids[:t.k]
	}
	q := t.queries.Row(qi)
	var seen map[int32]struct{}
	if len(ids) > longResult {
		seen = make(map[int32]struct{}, len(ids))
	}
	for j, id := range ids {
		if id < 0 || int(id) >= t.base.Rows {
			s.Invalid.OutOfRange++
			continue
		}
		if t.allowed != nil && !t.allowed(qi, id) {
			s.Invalid.Disallowed++
			continue
		}
		if repeated(ids[:j], id, seen) {
			s.Invalid.Duplicates++
			continue
		}
		d := Distance(t.metric, q, t.base.Row(int(id)))
		if d <= t.limit[qi] {
			s.Hits++
		}
		if j == 0 && d <= t.first[qi] {
			s.Hit1 = true
		}
	}
	return s
}

// repeated reports whether id occurs in prev. Results are short (k ids),
// so a scan is cheaper than a set; seen takes over for long results.
func repeated(prev []int32, id int32, seen map[int32]struct{}) bool {
	if seen == nil {
		for _, p := range prev {
			if p == id {
				return true
			}
		}
		return false
	}
	if _, ok := seen[id]; ok {
		return true
	}
	seen[id] = struct{}{}
	return false
}

// longResult is the length from which repeated uses a set.
const longResult = 64

// Score scores results[i] as the answer to query i for every i; results
// may cover the first queries only. With no queries or an empty base every
// figure is 1.
func (t *Truth) Score(results [][]int32) (Scores, error) {
	if len(results) > t.queries.Rows {
		return Scores{}, fmt.Errorf("score: %d results for %d queries", len(results), t.queries.Rows)
	}
	if t.kk == 0 || len(results) == 0 {
		return Scores{Recall: 1, Recall1: 1}, nil
	}
	var out Scores
	var sum, sum1 float64
	for qi, ids := range results {
		s := t.Query(qi, ids)
		if kq := t.QueryK(qi); kq > 0 {
			sum += float64(s.Hits) / float64(kq)
		} else {
			sum++ // a filter that allows nothing: nothing to find
		}
		if s.Hit1 {
			sum1++
		}
		out.Invalid = out.Invalid.Add(s.Invalid)
	}
	n := float64(len(results))
	out.Recall, out.Recall1 = sum/n, sum1/n
	return out, nil
}
