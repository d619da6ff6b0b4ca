package report

import (
	"sort"
	"strconv"

	"github.com/annbench/annbench/runner/result"
)

// sweepAxis returns the query parameter the lines of one series run
// along: the one with the most distinct values among es (nprobe rather
// than rerank in an ivfpq sweep of nprobe × rerank), the alphabetically
// first on a tie, or "" when the points have no query parameters.
func sweepAxis(es []Entry) string {
	distinct := map[string]map[string]bool{}
	for _, e := range es {
		for k, v := range e.Point.QueryParams {
			if distinct[k] == nil {
				distinct[k] = map[string]bool{}
			}
			distinct[k][result.FormatValue(v)] = true
		}
	}
	best, n := "", 0
	for k, vs := range distinct {
		if len(vs) > n || (len(vs) == n && k < best) {
			best, n = k, len(vs)
		}
	}
	return best
}

// sweepLines splits the points of one series (one algorithm × index
// parameters) into the lines a plot draws: one line per combination of
// the query parameters other than the sweep axis (one per rerank value
// of an ivfpq sweep, one per reorder value of a scann sweep), each
// ordered by the axis value and then by recall. Drawing all points as
// one line in parameter order would jump back and forth between the
// rerank settings. Lines come in the natural order of their fixed
// parameters.
func sweepLines(es []Entry) [][]Entry {
	if len(es) == 0 {
		return nil
	}
	axis := sweepAxis(es)
	var keys []string
	lines := map[string][]Entry{}
	for _, e := range es {
		rest := map[string]any{}
		for k, v := range e.Point.QueryParams {
			if k != axis {
				rest[k] = v
			}
		}
		key := result.ParamKey(rest)
		if _, ok := lines[key]; !ok {
			keys = append(keys, key)
		}
		lines[key] = append(lines[key], e)
	}
	sort.SliceStable(keys, func(i, j int) bool { return naturalLess(keys[i], keys[j]) })
	out := make([][]Entry, 0, len(keys))
	for _, key := range keys {
		line := lines[key]
		sort.SliceStable(line, func(i, j int) bool {
			a, b := line[i].Point.QueryParams[axis], line[j].Point.QueryParams[axis]
			if c := compareValues(a, b); c != 0 {
				return c < 0
			}
			return line[i].Recall() < line[j].Recall()
		})
		out = append(out, line)
	}
	return out
}

// compareValues orders two parameter values: numerically when both are
// numbers, else by their text in natural order.
func compareValues(a, b any) int {
	sa, sb := result.FormatValue(a), result.FormatValue(b)
	fa, ea := strconv.ParseFloat(sa, 64)
	fb, eb := strconv.ParseFloat(sb, 64)
	switch {
	case ea == nil && eb == nil:
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	case sa == sb:
		return 0
	case naturalLess(sa, sb):
		return -1
	}
	return 1
}
