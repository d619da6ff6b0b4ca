package score

import (
	"fmt"
	"math"
)

// KNNAccuracy is the kNN classification accuracy of results: each query is
// assigned the label held by most of its valid, distinct ids among the
// first k (out-of-range and repeated ids do not vote), a tie between labels
// going to the label of the nearer neighbour (by Distance; equal distances
// by position in the result), and the figure is the share of queries whose
// assigned label equals their own. A query with no valid id is wrong.
// baseLabels holds one label per base vector, queryLabels one per query
// (at least len(results)).
func (t *Truth) KNNAccuracy(results [][]int32, baseLabels, queryLabels []int32) (float64, error) {
	if len(baseLabels) != t.base.Rows {
		return 0, fmt.Errorf("knn accuracy: %d base labels for %d base vectors", len(baseLabels), t.base.Rows)
	}
	if len(results) > t.queries.Rows || len(queryLabels) < len(results) {
		return 0, fmt.Errorf("knn accuracy: %d results for %d queries with %d query labels", len(results), t.queries.Rows, len(queryLabels))
	}
	if len(results) == 0 {
		return 1, nil
	}
	var v voter
	correct := 0
	for qi, ids := range results {
		if len(ids) > t.k {
			ids = ids[:t.k]
		}
		label, ok := v.vote(t, qi, ids, baseLabels)
		if ok && label == queryLabels[qi] {
			correct++
		}
	}
	return float64(correct) / float64(len(results)), nil
}

// ExactKNNAccuracy is KNNAccuracy of the ground truth's own first
// min(k, base rows) ids for every query: the accuracy exact search reaches.
func (t *Truth) ExactKNNAccuracy(baseLabels, queryLabels []int32) (float64, error) {
	results := make([][]int32, t.queries.Rows)
	for qi := range results {
		results[qi] = t.gt.Row(qi)[:t.QueryK(qi)]
	}
	return t.KNNAccuracy(results, baseLabels, queryLabels)
}

// voter is the reusable tally of one query's vote.
type voter struct {
	labels []tally
}

// tally is one label's votes and its nearest voter.
type tally struct {
	label   int32
	votes   int
	nearest float64
	rank    int
}

// vote returns the label the ids elect for query qi, false when no id is
// valid.
func (v *voter) vote(t *Truth, qi int, ids []int32, baseLabels []int32) (int32, bool) {
	v.labels = v.labels[:0]
	q := t.queries.Row(qi)
	var seen map[int32]struct{}
	if len(ids) > longResult {
		seen = make(map[int32]struct{}, len(ids))
	}
	for j, id := range ids {
		if id < 0 || int(id) >= t.base.Rows || repeated(ids[:j], id, seen) {
			continue
		}
		d := Distance(t.metric, q, t.base.Row(int(id)))
		if math.IsNaN(d) {
			d = math.Inf(1)
		}
		l := baseLabels[id]
		i := 0
		for i < len(v.labels) && v.labels[i].label != l {
			i++
		}
		if i == len(v.labels) {
			v.labels = append(v.labels, tally{label: l, nearest: d, rank: j})
		}
		c := &v.labels[i]
		c.votes++
		if d < c.nearest {
			c.nearest, c.rank = d, j
		}
	}
	if len(v.labels) == 0 {
		return 0, false
	}
	best := v.labels[0]
	for _, c := range v.labels[1:] {
		if c.votes > best.votes || c.votes == best.votes && (c.nearest < best.nearest || c.nearest == best.nearest && c.rank < best.rank) {
			best = c
		}
	}
	return best.label, true
}
