package runner

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// labeler names jobs and points in log lines. A job is named by its
// algorithm and only the index parameters that differ from the
// algorithm's defaults or between the algorithm's index-parameter sets
// in the plan (every parameter stays in the result file); with verbose,
// by the dataset, the algorithm and every parameter. Names are padded to
// the widest in the plan, so the measurements of one run line up.
type labeler struct {
	verbose bool
	// shown maps a job (dataset, algorithm, full parameters) to the
	// parameters its name shows.
	shown        map[string]algorithms.Params
	jobW, queryW int
}

// Column widths are capped so that one long name does not push every
// line off the screen.
const (
	maxJobWidth   = 40
	maxQueryWidth = 36
)

// jobKey identifies a job for the labeler.
func jobKey(j config.Job) string {
	return j.Dataset + "\x00" + j.Algorithm.Name + "\x00" + result.ParamKey(j.Index)
}

func newLabeler(jobs []config.Job, verbose bool) *labeler {
	l := &labeler{verbose: verbose, shown: map[string]algorithms.Params{}}
	// Group the jobs of each dataset × algorithm to find the parameters
	// that differ between their index sets.
	groups := map[string][]config.Job{}
	var order []string
	for _, j := range jobs {
		g := j.Dataset + "\x00" + j.Algorithm.Name
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], j)
	}
	for _, g := range order {
		same := groups[g]
		params := make([]algorithms.Params, len(same))
		for i, j := range same {
			params[i] = j.Index
		}
		differ := result.VaryingParams(params)
		for _, j := range same {
			shown := algorithms.Params{}
			for k, v := range j.Index {
				spec, known := j.Algorithm.Params.Lookup(k)
				if differ[k] || !known || spec.Default == nil || result.FormatValue(v) != result.FormatValue(spec.Default) {
					shown[k] = v
				}
			}
			l.shown[jobKey(j)] = shown
		}
	}
	for _, j := range jobs {
		l.jobW = max(l.jobW, utf8.RuneCountInString(l.job(j)))
		for _, q := range j.Queries {
			l.queryW = max(l.queryW, utf8.RuneCountInString(l.query(q)))
		}
	}
	l.jobW, l.queryW = min(l.jobW, maxJobWidth), min(l.queryW, maxQueryWidth)
	return l
}

// job names a job: "hnsw M=32", or with verbose
// "siftsmall hnsw M=32 ef_construction=200 seed=1".
func (l *labeler) job(j config.Job) string {
	if l.verbose {
		return strings.TrimSpace(j.Dataset + " " + j.Algorithm.Name + " " + spaced(j.Index))
	}
	shown, ok := l.shown[jobKey(j)]
	if !ok {
		shown = j.Index
	}
	return strings.TrimSpace(j.Algorithm.Name + " " + spaced(shown))
}

// query names a query-parameter set: "nprobe=8 rerank=100", or "-".
func (l *labeler) query(q algorithms.Params) string {
	if len(q) == 0 {
		return "-"
	}
	return spaced(q)
}

// point is the log line of one measured point: job and query names
// padded to their columns, then recall@k, recall@1, QPS and its spread.
func (l *labeler) point(j config.Job, k int, pt result.Point) string {
	qps := groupDigits(int64(pt.QPS + 0.5))
	if pt.QPS < 100 {
		qps = fmt.Sprintf("%.1f", pt.QPS)
	}
	return fmt.Sprintf("%s  %s  recall@%d %.4f  recall@1 %.4f  %9s QPS  cv %4.1f%%",
		pad(l.job(j), l.jobW), pad(l.query(pt.QueryParams), l.queryW), k, pt.Recall, pt.RecallAt1, qps, 100*pt.CV)
}

// spaced renders parameters as "a=1 b=x", sorted by name.
func spaced(p map[string]any) string {
	keys := slices.Sorted(maps.Keys(p))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + result.FormatValue(p[k])
	}
	return strings.Join(parts, " ")
}

// pad right-pads s with spaces to width runes.
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// seconds prints a duration in seconds for a log line: "0.05s", "3.77s",
// "2m14s".
func seconds(s float64) string {
	if s >= 100 {
		return roundDuration(time.Duration(s * float64(time.Second)))
	}
	return fmt.Sprintf("%.2fs", s)
}
