package report

import (
	"io"
	"os"
)

// DefaultTargets are the recall levels tables report the best QPS at.
var DefaultTargets = []float64{0.8, 0.9, 0.95, 0.99}

// Options tunes Render and the plot functions. The zero value is usable.
type Options struct {
	// Labels annotates every plotted point with its query parameters.
	Labels bool
	// KNNAccuracy also draws kNN label accuracy against QPS (KNNQPSFile)
	// for datasets whose points carry it.
	KNNAccuracy bool
	// Warn receives warnings such as dropped points; nil means os.Stderr.
	Warn io.Writer
	// Targets are the recall levels of the tables; nil means
	// DefaultTargets.
	Targets []float64
	// Width and Height are the size of the data figure in inches, legend
	// excluded; zero means 7 × 5.
	Width, Height float64
	// StepSummary is a file summary.md is appended to; empty means the
	// file named by $GITHUB_STEP_SUMMARY, if that is set. Set it to
	// os.DevNull to disable.
	StepSummary string
}

func (o Options) warn() io.Writer {
	if o.Warn == nil {
		return os.Stderr
	}
	return o.Warn
}

func (o Options) targets() []float64 {
	if len(o.Targets) == 0 {
		return DefaultTargets
	}
	return o.Targets
}

func (o Options) size() (w, h float64) {
	w, h = o.Width, o.Height
	if w <= 0 {
		w = 7
	}
	if h <= 0 {
		h = 5
	}
	return w, h
}

func (o Options) stepSummary() string {
	if o.StepSummary != "" {
		return o.StepSummary
	}
	return os.Getenv("GITHUB_STEP_SUMMARY")
}
