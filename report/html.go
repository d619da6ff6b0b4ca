package report

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
	"time"

	"github.com/annbench/annbench/runner/result"
)

// htmlDataset is one dataset's section of report.html.
type htmlDataset struct {
	// Index is the dataset's position in the chart data.
	Index   int
	Summary datasetSummary
	// Points lists every measured point, for the table of all points.
	Points []htmlPoint
}

// htmlPoint is one row of the table of all points.
type htmlPoint struct {
	Algorithm string
	// Index names the index parameters that differ between the
	// algorithm's sets; FullIndex all of them (the cell's tooltip).
	Index     string
	FullIndex string
	Query     string
	Recall    float64
	Recall1   float64
	QPS       float64
	P50       float64
	Build     float64
	Bytes     int64
}

type htmlPage struct {
	Intro    string
	Targets  []string
	Datasets []htmlDataset
	// Filtered holds the filtered-search tables, per selectivity group.
	Filtered []htmlFiltered
	Machines []machineRow
	Files    int
	Started  string
	Finished string
	// Data is the chart data as JSON; Script and Style are the vendored
	// uPlot library and the page's own script.
	Data       template.JS
	UPlot      template.JS
	UPlotStyle template.CSS
	Script     template.JS
}

// htmlSections returns the table data of every dataset group.
func htmlSections(groups []datasetGroup, targets []float64) []htmlDataset {
	var out []htmlDataset
	for i, g := range groups {
		sec := htmlDataset{Index: i, Summary: summarize(g, targets)}
		shown := shownIndexParams(g.Results)
		for _, e := range Entries(g.Results) {
			r, p := e.Result, e.Point
			sec.Points = append(sec.Points, htmlPoint{Algorithm: r.Algorithm, Index: result.ParamString(shown[r]), FullIndex: result.ParamString(r.IndexParams),
				Query: result.ParamString(p.QueryParams), Recall: p.Recall, Recall1: p.RecallAt1, QPS: p.QPS,
				P50: p.LatencyUS.P50, Build: r.Build.Seconds, Bytes: r.Build.IndexBytes})
		}
		out = append(out, sec)
	}
	return out
}

// machineRow is one line of the machines table: a machine and the
// annbench build that measured points on it.
type machineRow struct {
	result.Machine
	Version, Commit string
}

// machines returns the distinct machine and build pairs the points of
// results were measured on.
func machines(results []result.Result) []machineRow {
	var out []machineRow
	seen := map[machineRow]bool{}
	for _, r := range results {
		for i := range r.Points {
			p := &r.Points[i]
			m, _ := r.MachineOf(p)
			row := machineRow{Machine: m, Version: p.Version, Commit: p.Commit}
			if !seen[row] {
				seen[row] = true
				out = append(out, row)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Hostname+a.CPU+a.Version+a.Commit < b.Hostname+b.CPU+b.Version+b.Commit
	})
	return out
}

// runSpan returns the earliest start and latest finish of results.
func runSpan(results []result.Result) (start, finish string) {
	var s, f time.Time
	for _, r := range results {
		if !r.Started.IsZero() && (s.IsZero() || r.Started.Before(s)) {
			s = r.Started
		}
		if r.Finished.After(f) {
			f = r.Finished
		}
	}
	format := func(t time.Time) string {
		if t.IsZero() {
			return "unknown"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	return format(s), format(f)
}

func writeHTML(results []result.Result, groups []datasetGroup, targets []float64) ([]byte, error) {
	page := htmlPage{Intro: summaryIntro, Datasets: htmlSections(groups, targets), Machines: machines(results), Files: len(results),
		UPlot: template.JS(uplotJS), UPlotStyle: template.CSS(uplotCSS), Script: template.JS(reportJS)}
	page.Started, page.Finished = runSpan(results)
	page.Filtered = htmlFilteredSections(selectivityGroups(results, SelectivityTargets), SelectivityTargets)
	for _, t := range targets {
		page.Targets = append(page.Targets, fmtTarget(t))
	}
	data, err := scriptJSON(newChartData(groups))
	if err != nil {
		return nil, err
	}
	page.Data = data
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return nil, fmt.Errorf("write report.html: %w", err)
	}
	return buf.Bytes(), nil
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"qps":     estimateCell,
	"fqps":    fmtQPS,
	"recall":  fmtRecall,
	"target":  fmtTarget,
	"params":  result.ParamString,
	"seconds": fmtSeconds,
	"bytes":   fmtBytes,
	"micros":  fmtMicros,
}).Parse(htmlSource))
