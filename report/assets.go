package report

import _ "embed"

// The page parts of report.html, embedded so the binary writes a
// self-contained file that works offline.
var (
	// uplotJS and uplotCSS are uPlot 1.6.32 (MIT, see uplot/LICENSE), the
	// charting library of report.html, as published on the npm registry
	// (package uplot, dist/uPlot.iife.min.js and dist/uPlot.min.css).
	//
	//go:embed uplot/uPlot.iife.min.js
	uplotJS string
	//go:embed uplot/uPlot.min.css
	uplotCSS string
	// reportJS draws the charts from the page's JSON data and sorts the
	// tables.
	//
	//go:embed report.js
	reportJS string
	// htmlSource is the html/template of report.html.
	//
	//go:embed report.html.tmpl
	htmlSource string
)
