package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/annbench/annbench/runner/result"
)

// csvFixed are the leading CSV columns; one column per index parameter
// ("index.<name>") and per query parameter ("query.<name>") follows.
var csvFixed = []string{
	"dataset", "metric", "algorithm", "index_params", "query_params",
	"k", "mode", "threads", "trials", "queries",
	"recall", "recall_at_1", "qps", "qps_min", "qps_max", "cv", "qps_ci_lo", "qps_ci_hi", "passes",
	"latency_p50_us", "latency_p95_us", "latency_p99_us", "distance_count", "pareto",
	"build_seconds", "build_cached", "index_bytes", "peak_rss",
	"invalid_duplicates", "invalid_out_of_range", "invalid_too_many",
	"knn_accuracy", "exact_knn_accuracy",
}

// WriteCSV writes one row per point of results for spreadsheets: the run
// facts, the measurements, whether the point is on its algorithm's Pareto
// frontier for its dataset, the build figures, and one column per
// parameter name so that sweeps can be pivoted.
func WriteCSV(w io.Writer, results []result.Result) error {
	idxNames, qNames := paramNames(results)
	header := append([]string(nil), csvFixed...)
	for _, n := range idxNames {
		header = append(header, "index."+n)
	}
	for _, n := range qNames {
		header = append(header, "query."+n)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, g := range byDataset(results) {
		on := frontierSet(g)
		for _, r := range g.Results {
			for i := range r.Points {
				p := &r.Points[i]
				row := []string{
					r.Dataset, r.Metric, r.Algorithm, result.ParamString(r.IndexParams), result.ParamString(p.QueryParams),
					strconv.Itoa(r.K), r.Mode, strconv.Itoa(r.Threads), strconv.Itoa(p.Trials), strconv.Itoa(r.Queries),
					num(p.Recall), num(p.RecallAt1), num(p.QPS), num(p.QPSMin), num(p.QPSMax), num(p.CV),
					ciCSV(p.QPSCI, true), ciCSV(p.QPSCI, false), strconv.Itoa(len(p.PassQPS)),
					num(p.LatencyUS.P50), num(p.LatencyUS.P95), num(p.LatencyUS.P99), num(p.DistanceCount),
					strconv.FormatBool(on[p]),
					num(r.Build.Seconds), strconv.FormatBool(r.Build.Cached), strconv.FormatInt(r.Build.IndexBytes, 10), strconv.FormatInt(r.Build.PeakRSS, 10),
					strconv.Itoa(p.Invalid.Duplicates), strconv.Itoa(p.Invalid.OutOfRange), strconv.Itoa(p.Invalid.TooMany),
					optNum(p.KNNAccuracy), optNum(p.ExactKNNAccuracy),
				}
				for _, n := range idxNames {
					row = append(row, paramCell(r.IndexParams, n))
				}
				for _, n := range qNames {
					row = append(row, paramCell(p.QueryParams, n))
				}
				if err := cw.Write(row); err != nil {
					return fmt.Errorf("write csv: %w", err)
				}
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// frontierSet marks the points on each algorithm's frontier in g.
func frontierSet(g datasetGroup) map[*result.Point]bool {
	on := map[*result.Point]bool{}
	for _, alg := range algorithmNames(g.Results) {
		for _, e := range Frontier(Entries(ofAlgorithm(g.Results, alg))) {
			on[e.Point] = true
		}
	}
	return on
}

func paramNames(results []result.Result) (index, query []string) {
	is, qs := map[string]bool{}, map[string]bool{}
	for _, r := range results {
		for k := range r.IndexParams {
			is[k] = true
		}
		for _, p := range r.Points {
			for k := range p.QueryParams {
				qs[k] = true
			}
		}
	}
	return sortedKeys(is), sortedKeys(qs)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func paramCell(m map[string]any, name string) string {
	v, ok := m[name]
	if !ok {
		return ""
	}
	return result.FormatValue(v)
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// sig6 prints x rounded to six significant digits without an exponent,
// as benchmark lines usually are.
func sig6(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 6, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// WriteBenchfmt writes results in the Go benchmark format that benchstat
// (golang.org/x/perf) reads: configuration lines with the machine facts,
// unit metadata (qps and recall are better when higher; recall is
// exact), then for every point one line per timed pass, so benchstat
// sees the trials as samples:
//
//	BenchmarkSearch/dataset=D/k=10/mode=single/threads=1/algorithm=A/<index>/<query>-P  N  ns/op  qps  recall  recall@1
//
// where N is the number of queries of a pass, ns/op is 1e9/QPS of the
// pass and -P is GOMAXPROCS (omitted when 1, as go test does). Each index
// adds one BenchmarkBuild line with its build time and size. Points with
// QPS ≤ 0 are left out.
func WriteBenchfmt(w io.Writer, results []result.Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, "Unit qps better=higher\n")
	fmt.Fprint(bw, "Unit recall better=higher assume=exact\n")
	fmt.Fprint(bw, "Unit recall@1 better=higher assume=exact\n")
	fmt.Fprint(bw, "Unit index-bytes better=lower assume=exact\n")
	fmt.Fprint(bw, "Unit peak-rss-bytes better=lower\n")
	var last *benchConfig
	config := func(c benchConfig) {
		if last == nil || *last != c {
			writeConfig(bw, c)
			last = &c
		}
	}
	for _, g := range byDataset(results) {
		for _, r := range g.Results {
			base := fmt.Sprintf("dataset=%s/k=%d/mode=%s/threads=%d/algorithm=%s",
				nameValue(r.Dataset), r.K, nameValue(r.Mode), r.Threads, nameValue(r.Algorithm))
			idx := nameParams(r.IndexParams)
			if r.Build.Seconds > 0 && len(r.Points) > 0 {
				c := configOf(r, &r.Points[0])
				config(c)
				fmt.Fprintf(bw, "BenchmarkBuild/%s%s%s 1 %s ns/op %d index-bytes %d peak-rss-bytes\n",
					base, idx, c.suffix(), sig6(r.Build.Seconds*1e9), r.Build.IndexBytes, r.Build.PeakRSS)
			}
			n := r.Queries
			if n <= 0 {
				n = 1
			}
			for _, p := range r.Points {
				c := configOf(r, &p)
				config(c)
				suffix := c.suffix()
				passes := p.PassQPS
				if len(passes) == 0 {
					passes = []float64{p.QPS}
				}
				name := "BenchmarkSearch/" + base + idx + nameParams(p.QueryParams) + suffix
				for j, q := range passes {
					if q <= 0 {
						continue
					}
					// A pass that repeated the query set answered
					// queries × repeats of them.
					iters := n
					if j < len(p.PassRepeats) && len(p.PassRepeats) == len(p.PassQPS) {
						iters = n * max(p.PassRepeats[j], 1)
					}
					fmt.Fprintf(bw, "%s %d %s ns/op %s qps %s recall %s recall@1\n",
						name, iters, sig6(1e9/q), sig6(q), num(p.Recall), num(p.RecallAt1))
				}
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write benchfmt: %w", err)
	}
	return nil
}

// ciCSV is one bound of a point's median interval, empty without one.
func ciCSV(ci *result.Interval, lo bool) string {
	switch {
	case ci == nil:
		return ""
	case lo:
		return num(ci.Lo)
	}
	return num(ci.Hi)
}

// benchConfig is what the configuration lines of a benchfmt block say:
// the machine and the annbench build of the points below them.
type benchConfig struct {
	m               result.Machine
	version, commit string
}

// configOf returns the configuration point p of r was measured under.
func configOf(r *result.Result, p *result.Point) benchConfig {
	m, _ := r.MachineOf(p)
	return benchConfig{m: m, version: p.Version, commit: p.Commit}
}

// suffix is the -P part of a benchmark name: GOMAXPROCS, omitted when 1
// as go test does.
func (c benchConfig) suffix() string {
	if c.m.GOMAXPROCS > 1 {
		return "-" + strconv.Itoa(c.m.GOMAXPROCS)
	}
	return ""
}

func writeConfig(w io.Writer, c benchConfig) {
	m := c.m
	fmt.Fprint(w, "\n")
	for _, kv := range [][2]string{
		{"goos", m.OS}, {"goarch", m.Arch}, {"cpu", m.CPU}, {"go-version", m.GoVersion},
		{"annbench-version", c.version}, {"annbench-commit", c.commit}, {"kernels", m.Kernels},
		{"cores", strconv.Itoa(m.Cores)}, {"host", m.Hostname},
	} {
		if v := strings.TrimSpace(strings.ReplaceAll(kv[1], "\n", " ")); v != "" && v != "0" {
			fmt.Fprintf(w, "%s: %s\n", kv[0], v)
		}
	}
}

// nameParams renders parameters as "/key=value" name parts, sorted.
func nameParams(m map[string]any) string {
	keys := slices.Sorted(maps.Keys(m))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString("/" + nameValue(k) + "=" + nameValue(result.FormatValue(m[k])))
	}
	return b.String()
}

// nameValue makes s usable inside a benchmark name: no spaces, slashes
// or '=' of its own (which would split the name), never empty.
func nameValue(s string) string {
	if s == "" {
		return "none"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '/', r == '=', r == ' ', r == '\t', r == '\n', r == '\r':
			return '_'
		case r < 0x20:
			return -1
		}
		return r
	}, s)
}

// optNum renders an optional figure, "" when absent.
func optNum(v *float64) string {
	if v == nil {
		return ""
	}
	return num(*v)
}
