package report

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"sort"
	"time"

	"github.com/annbench/annbench/runner/result"
)

// htmlDataset is one dataset's section of report.html.
type htmlDataset struct {
	Summary   datasetSummary
	RecallQPS template.HTML
	Build     template.HTML
}

type htmlPage struct {
	Intro    string
	Targets  []string
	Datasets []htmlDataset
	Machines []result.Machine
	Files    int
	Started  string
	Finished string
}

var (
	xmlProlog = regexp.MustCompile(`^\s*<\?xml[^>]*\?>\s*`)
	doctype   = regexp.MustCompile(`^\s*<!DOCTYPE[^>]*>\s*`)
)

// inlineSVG strips the XML prolog and doctype of an SVG file so it can be
// embedded in HTML. The SVG comes from our own plotting code, not from
// user input.
func inlineSVG(svg []byte) template.HTML {
	svg = xmlProlog.ReplaceAll(svg, nil)
	svg = doctype.ReplaceAll(svg, nil)
	return template.HTML(svg)
}

// machines returns the distinct machine descriptions of results.
func machines(results []result.Result) []result.Machine {
	var out []result.Machine
	seen := map[result.Machine]bool{}
	for _, r := range results {
		if !seen[r.Machine] {
			seen[r.Machine] = true
			out = append(out, r.Machine)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Hostname+out[i].CPU < out[j].Hostname+out[j].CPU })
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

func writeHTML(results []result.Result, sections []htmlDataset, targets []float64) ([]byte, error) {
	page := htmlPage{Intro: summaryIntro, Datasets: sections, Machines: machines(results), Files: len(results)}
	page.Started, page.Finished = runSpan(results)
	for _, t := range targets {
		page.Targets = append(page.Targets, fmtTarget(t))
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return nil, fmt.Errorf("write report.html: %w", err)
	}
	return buf.Bytes(), nil
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"qps":     estimateCell,
	"recall":  fmtRecall,
	"target":  fmtTarget,
	"params":  result.ParamString,
	"seconds": fmtSeconds,
	"bytes":   fmtBytes,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>annbench report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1, h2, h3 { font-weight: 600; }
table { border-collapse: collapse; margin: 0.8em 0 1.6em; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #f6f6f6; }
.fig svg { width: 100%; max-width: 1150px; height: auto; border: 1px solid #eee; }
td.num { white-space: nowrap; }
.facts, .note { color: #555; }
nav a { margin-right: 1em; }
</style>
</head>
<body>
<h1>annbench report</h1>
<p class="facts">{{.Files}} result files; run from {{.Started}} to {{.Finished}}.</p>
<nav>{{range .Datasets}}<a href="#ds-{{.Summary.Name}}">{{.Summary.Name}}</a>{{end}}<a href="#machine">machine</a></nav>
<p class="note">How to read the plots: each thin line is one algorithm with one set of index parameters, swept over its query parameter; up and to the right is better. The bold line per algorithm is its Pareto frontier (no other setting is both faster and more accurate); faded markers are dominated settings. The QPS axis is logarithmic.</p>
{{range .Datasets}}
<section id="ds-{{.Summary.Name}}">
<h2>{{.Summary.Name}}</h2>
<p class="facts">{{.Summary.Facts}}.</p>
<div class="fig">{{.RecallQPS}}</div>
<h3>Best QPS at recall targets</h3>
<p class="note">{{$.Intro}}</p>
<table>
<tr><th>algorithm</th>{{range $.Targets}}<th class="num">QPS @ recall ≥ {{.}}</th>{{end}}<th class="num">best recall</th></tr>
{{range .Summary.Algs}}<tr><td>{{.Algorithm}}</td>{{range .Best}}<td class="num">{{qps .}}</td>{{end}}<td class="num">{{recall .MaxRecall}}</td></tr>
{{end}}</table>
<table>
<tr><th>algorithm</th><th class="num">recall ≥</th><th class="num">QPS</th><th class="num">recall reached</th><th>index params</th><th>query params</th><th class="num">build</th><th class="num">index size</th></tr>
{{range $a := .Summary.Algs}}{{range .Best}}{{if .Reached}}<tr><td>{{$a.Algorithm}}</td><td class="num">{{target .Target}}</td><td class="num">{{qps .}}</td><td class="num">{{recall .At.Recall}}</td><td>{{params .At.Result.IndexParams}}</td><td>{{params .At.Point.QueryParams}}</td><td class="num">{{seconds .At.Result.Build.Seconds}}</td><td class="num">{{bytes .At.Result.Build.IndexBytes}}</td></tr>
{{end}}{{end}}{{end}}</table>
<h3>Build time and index size</h3>
<div class="fig">{{.Build}}</div>
</section>
{{end}}
<section id="machine">
<h2>Machine</h2>
<table>
<tr><th>host</th><th>CPU</th><th class="num">cores</th><th class="num">GOMAXPROCS</th><th>Go</th><th>OS/arch</th><th>kernels</th><th>annbench</th><th>commit</th></tr>
{{range .Machines}}<tr><td>{{.Hostname}}</td><td>{{.CPU}}</td><td class="num">{{.Cores}}</td><td class="num">{{.GOMAXPROCS}}</td><td>{{.GoVersion}}</td><td>{{.OS}}/{{.Arch}}</td><td>{{.Kernels}}</td><td>{{.Version}}</td><td>{{.Commit}}</td></tr>
{{end}}</table>
</section>
</body>
</html>
`))
