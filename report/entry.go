package report

import (
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/annbench/annbench/runner/result"
)

// Entry is one measured point together with the result it belongs to.
type Entry struct {
	// Result is the result file the point is part of.
	Result *result.Result
	// Point is the measurement.
	Point *result.Point
}

// Recall returns the point's recall@k.
func (e Entry) Recall() float64 { return e.Point.Recall }

// QPS returns the point's median queries per second.
func (e Entry) QPS() float64 { return e.Point.QPS }

// usable reports whether the point can be drawn on a log QPS axis and
// placed on a frontier.
func (e Entry) usable() bool {
	q, r := e.Point.QPS, e.Point.Recall
	return q > 0 && !math.IsInf(q, 0) && !math.IsNaN(q) && !math.IsNaN(r)
}

// Entries returns every point of rs, in file then sweep order.
func Entries(rs []*result.Result) []Entry {
	var out []Entry
	for _, r := range rs {
		for i := range r.Points {
			out = append(out, Entry{Result: r, Point: &r.Points[i]})
		}
	}
	return out
}

// Spread returns the interval the timed passes of p fall in: the range of
// PassQPS when recorded, else [QPSMin, QPSMax], else QPS ± 2 CV, else the
// single value QPS (one pass: no spread known).
func Spread(p result.Point) (lo, hi float64) {
	if len(p.PassQPS) > 0 {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, q := range p.PassQPS {
			lo, hi = math.Min(lo, q), math.Max(hi, q)
		}
		// The median may lie outside a partial list; keep it inside.
		return math.Min(lo, p.QPS), math.Max(hi, p.QPS)
	}
	if p.QPSMin > 0 && p.QPSMax >= p.QPSMin {
		return math.Min(p.QPSMin, p.QPS), math.Max(p.QPSMax, p.QPS)
	}
	if p.CV > 0 {
		return math.Max(0, p.QPS*(1-2*p.CV)), p.QPS * (1 + 2*p.CV)
	}
	return p.QPS, p.QPS
}

// seriesName names one line of a plot: the algorithm and its index
// parameters.
func seriesName(r *result.Result) string {
	if len(r.IndexParams) == 0 {
		return r.Algorithm
	}
	return r.Algorithm + " " + result.ParamJoin(r.IndexParams, " ", "")
}

// maxLegend bounds the length of a legend entry.
const maxLegend = 60

// legendNames names the series of rs for a legend: the algorithm followed
// by only those index parameters that differ from the defaults or between
// its series (see shownIndexParams), so constant knobs such as seeds do
// not push the data off the figure.
func legendNames(rs []*result.Result) map[*result.Result]string {
	out := map[*result.Result]string{}
	shown := shownIndexParams(rs)
	for _, r := range rs {
		name := r.Algorithm
		if s := result.ParamJoin(shown[r], " ", ""); s != "" {
			name += " " + s
		}
		if n := []rune(name); len(n) > maxLegend {
			name = string(n[:maxLegend-1]) + "…"
		}
		out[r] = name
	}
	return out
}

// shownIndexParams returns, for each result of rs, the index parameters
// legends and tables name: those whose value differs between the results
// of its algorithm (they tell its lines apart) and those that differ from
// the registered algorithm's default (every parameter of an algorithm
// annbench does not know). Result files and tooltips keep all of them.
func shownIndexParams(rs []*result.Result) map[*result.Result]map[string]any {
	out := map[*result.Result]map[string]any{}
	for _, alg := range algorithmNames(rs) {
		same := ofAlgorithm(rs, alg)
		params := make([]map[string]any, len(same))
		for i, r := range same {
			params[i] = r.IndexParams
		}
		varying := result.VaryingParams(params)
		for _, r := range same {
			shown := map[string]any{}
			for k, v := range r.IndexParams {
				if varying[k] || !isDefault(r, k, v) {
					shown[k] = v
				}
			}
			out[r] = shown
		}
	}
	return out
}

// datasetGroup is the results of one dataset measured under one setup
// (k, mode, threads, queries, filter, data), sorted by algorithm then
// index parameters. Setups never share a group, so they never share a
// plot or a table.
type datasetGroup struct {
	// Name is the dataset, followed by the setup in parentheses when the
	// dataset was measured under more than one.
	Name string
	// Dir is where the group's figures go, relative to the report
	// directory: the dataset, and a setup subdirectory when there are
	// several.
	Dir     string
	Results []*result.Result
}

// groupName is the name and figure directory of a result's group.
type groupName struct{ Name, Dir string }

// setupOf is the part of r's identity a group is about: everything but
// the algorithm and its index parameters.
func setupOf(r *result.Result) result.Identity {
	id := r.Identity()
	id.Algorithm, id.IndexParams = "", nil
	return id
}

// setupLess orders results of one dataset by setup: k, mode, threads,
// queries, filter, then data fingerprint.
func setupLess(a, b *result.Result) bool {
	switch {
	case a.K != b.K:
		return a.K < b.K
	case a.Mode != b.Mode:
		return a.Mode < b.Mode
	case a.Threads != b.Threads:
		return a.Threads < b.Threads
	case a.Queries != b.Queries:
		return a.Queries < b.Queries
	case a.Identity().Filter != b.Identity().Filter:
		return a.Identity().Filter < b.Identity().Filter
	}
	return a.DatasetFingerprint < b.DatasetFingerprint
}

// groupNames names the group of every result of sets: its dataset alone
// when no one set holds that dataset under more than one setup, else the
// dataset and the setup (and a short data fingerprint when only the data
// differs). Compare passes its two sides as two sets: a BASE measured
// with k=10 against a NEW with k=100 is then still one group, compared
// with a note, while a side holding both k=10 and k=5 gets a group per
// setup on both sides.
func groupNames(sets ...[]result.Result) map[*result.Result]groupName {
	multi := map[string]bool{}               // dataset -> some set has several setups
	labels := map[string]map[string]string{} // dataset -> setup key -> label
	for _, rs := range sets {
		seen := map[string]map[string]bool{}
		for i := range rs {
			r := &rs[i]
			id := setupOf(r)
			if seen[r.Dataset] == nil {
				seen[r.Dataset] = map[string]bool{}
			}
			seen[r.Dataset][id.Key()] = true
			multi[r.Dataset] = multi[r.Dataset] || len(seen[r.Dataset]) > 1
			if labels[r.Dataset] == nil {
				labels[r.Dataset] = map[string]string{}
			}
			labels[r.Dataset][id.Key()] = id.Setup()
		}
	}
	out := map[*result.Result]groupName{}
	for _, rs := range sets {
		for i := range rs {
			r := &rs[i]
			if !multi[r.Dataset] {
				out[r] = groupName{Name: r.Dataset, Dir: safeName(r.Dataset)}
				continue
			}
			id := setupOf(r)
			name, dir := r.Dataset+" ("+id.Setup()+")", id.SetupSlug()
			same := 0 // setups with the same label: only the data tells them apart
			for _, l := range labels[r.Dataset] {
				if l == id.Setup() {
					same++
				}
			}
			if same > 1 {
				fp := strings.TrimPrefix(id.DatasetFingerprint, "sha256:")
				if fp == "" {
					fp = "unknown"
				}
				fp = fp[:min(len(fp), 8)]
				name, dir = r.Dataset+" ("+id.Setup()+", data "+fp+")", dir+"-data-"+fp
			}
			out[r] = groupName{Name: name, Dir: filepath.Join(safeName(r.Dataset), dir)}
		}
	}
	return out
}

// byDataset groups results by dataset and setup (see groupNames), sorted
// by dataset then setup.
func byDataset(results []result.Result) []datasetGroup {
	names := groupNames(results)
	idx := map[string]int{}
	var groups []datasetGroup
	first := map[int]*result.Result{}
	for i := range results {
		r := &results[i]
		n := names[r]
		j, ok := idx[n.Name]
		if !ok {
			j = len(groups)
			idx[n.Name] = j
			groups = append(groups, datasetGroup{Name: n.Name, Dir: n.Dir})
			first[j] = r
		}
		groups[j].Results = append(groups[j].Results, r)
	}
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := first[order[i]], first[order[j]]
		if a.Dataset != b.Dataset {
			return a.Dataset < b.Dataset
		}
		return setupLess(a, b)
	})
	sorted := make([]datasetGroup, len(groups))
	for i, o := range order {
		sorted[i] = groups[o]
		sortResults(sorted[i].Results)
	}
	return sorted
}

func sortResults(rs []*result.Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Algorithm != rs[j].Algorithm {
			return rs[i].Algorithm < rs[j].Algorithm
		}
		return naturalLess(result.ParamKey(rs[i].IndexParams), result.ParamKey(rs[j].IndexParams))
	})
}

// naturalLess orders strings with runs of digits compared by value, so
// "M=8" sorts before "M=16".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// algorithms returns the distinct algorithm names of rs in order of first
// appearance (rs is sorted, so alphabetical).
func algorithmNames(rs []*result.Result) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.Algorithm] {
			seen[r.Algorithm] = true
			out = append(out, r.Algorithm)
		}
	}
	return out
}

// ofAlgorithm returns the results of rs run with algorithm name.
func ofAlgorithm(rs []*result.Result, name string) []*result.Result {
	var out []*result.Result
	for _, r := range rs {
		if r.Algorithm == name {
			out = append(out, r)
		}
	}
	return out
}

// isDefault reports whether v is the default of index parameter name of
// r's algorithm, as the result file records it (IndexDefaults); without a
// record nothing is a default, so every parameter is shown.
func isDefault(r *result.Result, name string, v any) bool {
	d, ok := r.IndexDefaults[name]
	return ok && d != nil && result.FormatValue(d) == result.FormatValue(v)
}
