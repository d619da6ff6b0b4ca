package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/annbench/annbench/runner/result"
)

// algSummary is one algorithm's row of a dataset's table.
type algSummary struct {
	Algorithm string
	// Best holds one estimate per target.
	Best []Estimate
	// MaxRecall is the highest recall any of its points reached.
	MaxRecall float64
	// shown holds the index parameters tables name per result (see
	// shownIndexParams).
	shown map[*result.Result]map[string]any
}

// IndexParams names the index parameters of r that tables show: those
// that differ from the defaults or between the algorithm's index sets.
func (a algSummary) IndexParams(r *result.Result) string {
	if p, ok := a.shown[r]; ok {
		return result.ParamString(p)
	}
	return result.ParamString(r.IndexParams)
}

// datasetSummary is the table data of one dataset.
type datasetSummary struct {
	// Name is the group's name; Dir its figure directory, which also
	// anchors it in report.html.
	Name, Dir string
	Facts     string
	Algs      []algSummary
	// KNN is set when the points carry kNN label accuracy.
	KNN bool
}

// summarize computes the best-QPS table of one dataset.
func summarize(g datasetGroup, targets []float64) datasetSummary {
	s := datasetSummary{Name: g.Name, Dir: g.Dir, Facts: factsLine(g.Results), KNN: hasKNN(g.Results)}
	shown := shownIndexParams(g.Results)
	for _, alg := range algorithmNames(g.Results) {
		rs := ofAlgorithm(g.Results, alg)
		es := Entries(rs)
		front := Frontier(es)
		a := algSummary{Algorithm: alg, shown: shown}
		for _, e := range es {
			if e.Recall() > a.MaxRecall {
				a.MaxRecall = e.Recall()
			}
		}
		for _, t := range targets {
			a.Best = append(a.Best, AtRecall(front, t))
		}
		s.Algs = append(s.Algs, a)
	}
	return s
}

// factsLine describes how a dataset's results were measured.
func factsLine(rs []*result.Result) string {
	k, mode, threads := runFacts(rs)
	distinct := func(f func(*result.Result) string) string {
		var vs []string
		seen := map[string]bool{}
		for _, r := range rs {
			v := f(r)
			if !seen[v] {
				seen[v] = true
				vs = append(vs, v)
			}
		}
		sort.Strings(vs)
		return strings.Join(vs, ",")
	}
	metric := distinct(func(r *result.Result) string { return r.Metric })
	queries := distinct(func(r *result.Result) string { return fmt.Sprint(r.Queries) })
	var ts []string
	seenTrials := map[int]bool{}
	for _, r := range rs {
		for _, p := range r.Points {
			if !seenTrials[p.Trials] {
				seenTrials[p.Trials] = true
				ts = append(ts, fmt.Sprint(p.Trials))
			}
		}
	}
	sort.Strings(ts)
	trials := strings.Join(ts, ",")
	return fmt.Sprintf("metric %s, k=%s, mode %s, threads %s, %s queries, %s timed passes per point", metric, k, mode, threads, queries, trials)
}

// summaryIntro explains the tables; shared by summary.md and report.html.
const summaryIntro = `Best queries per second at recall@k ≥ each target, interpolated along each algorithm's Pareto frontier ` +
	`(geometrically in QPS between the two measured frontier points around the target); "—" means no measured setting reached it. ` +
	`Parameters, build time and index size are those of the first measured frontier point at or above the target.`

// WriteSummary writes the summary.md tables of results to w: per
// dataset, per algorithm, the best QPS at each recall target (nil means
// DefaultTargets) with the parameters, build time and index size of the
// setting that reaches it.
func WriteSummary(w io.Writer, results []result.Result, targets []float64) error {
	if len(targets) == 0 {
		targets = DefaultTargets
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# annbench summary\n\n%s\n", summaryIntro)
	for _, g := range byDataset(results) {
		writeDatasetSummary(bw, summarize(g, targets), targets)
	}
	writeSelectivitySummary(bw, selectivityGroups(results, SelectivityTargets), SelectivityTargets)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

func writeDatasetSummary(w io.Writer, s datasetSummary, targets []float64) {
	fmt.Fprintf(w, "\n## %s\n\n%s.\n\n", s.Name, s.Facts)
	fmt.Fprint(w, "| algorithm |")
	for _, t := range targets {
		fmt.Fprintf(w, " QPS @ recall ≥ %s |", fmtTarget(t))
	}
	fmt.Fprint(w, " best recall |\n|---|")
	for range targets {
		fmt.Fprint(w, "--:|")
	}
	fmt.Fprint(w, "--:|\n")
	for _, a := range s.Algs {
		fmt.Fprintf(w, "| %s |", mdEscape(a.Algorithm))
		for _, e := range a.Best {
			fmt.Fprintf(w, " %s |", estimateCell(e))
		}
		fmt.Fprintf(w, " %s |\n", fmtRecall(a.MaxRecall))
	}
	knn := ""
	if s.KNN {
		knn = " kNN accuracy |"
	}
	fmt.Fprintf(w, "\n| algorithm | recall ≥ | QPS | recall reached |%s index params | query params | build | index size |\n", knn)
	if s.KNN {
		fmt.Fprint(w, "|---|--:|--:|--:|--:|---|---|--:|--:|\n")
	} else {
		fmt.Fprint(w, "|---|--:|--:|--:|---|---|--:|--:|\n")
	}
	for _, a := range s.Algs {
		for _, e := range a.Best {
			if !e.Reached {
				continue // the first table shows "—"
			}
			r := e.At.Result
			if s.KNN {
				knn = " " + knnCell(e.At.Point) + " |"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s |%s %s | %s | %s | %s |\n",
				mdEscape(a.Algorithm), fmtTarget(e.Target), estimateCell(e), fmtRecall(e.At.Recall()), knn,
				mdEscape(a.IndexParams(r)), mdEscape(result.ParamString(e.At.Point.QueryParams)),
				fmtSeconds(r.Build.Seconds), fmtBytes(r.Build.IndexBytes))
		}
	}
}

// estimateCell prints an estimate's QPS, "—" when not reached.
func estimateCell(e Estimate) string {
	if !e.Reached {
		return dash
	}
	return fmtQPS(e.QPS)
}
