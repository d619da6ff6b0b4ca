package report

import (
	"encoding/json"
	"fmt"
	"html/template"
	"image/color"
	"math"

	"github.com/annbench/annbench/runner/result"
)

// chartData is what the script of report.html draws: every dataset's
// series with every measured point. It is embedded in the page as JSON.
type chartData struct {
	Datasets []chartDataset `json:"datasets"`
}

// chartDataset is one dataset's chart.
type chartDataset struct {
	Name   string        `json:"name"`
	K      string        `json:"k"`
	Series []chartSeries `json:"series"`
}

// chartSeries is one algorithm × index-parameter set: one line of the
// chart, its points ordered as plot.go orders them (see sweepLines).
type chartSeries struct {
	Algorithm string `json:"alg"`
	// Label is the legend name: the algorithm and the index parameters
	// that differ between its series.
	Label string `json:"label"`
	// Index is every index parameter.
	Index string `json:"index"`
	// Color and Dash follow the static figures' palette.
	Color      string  `json:"color"`
	Dash       bool    `json:"dash,omitempty"`
	BuildSec   float64 `json:"build_s"`
	Cached     bool    `json:"cached,omitempty"`
	IndexBytes int64   `json:"bytes"`
	// Lines are the sweep lines of the series, each a list of points.
	Lines [][]chartPoint `json:"lines"`
}

// chartPoint is one measured setting.
type chartPoint struct {
	Query   string   `json:"q"`
	Recall  float64  `json:"recall"`
	Recall1 float64  `json:"r1"`
	KNN     *float64 `json:"knn,omitempty"`
	// ExactKNN is the kNN accuracy of the exact neighbours.
	ExactKNN *float64 `json:"exact_knn,omitempty"`
	QPS      float64  `json:"qps"`
	QPSLo    float64  `json:"lo"`
	QPSHi    float64  `json:"hi"`
	// QPSConf is the confidence of [QPSLo, QPSHi] when it is the median's
	// interval, 0 when it is the range of the passes.
	QPSConf  float64 `json:"conf,omitempty"`
	Passes   int     `json:"passes,omitempty"`
	P50      float64 `json:"p50,omitempty"`
	P95      float64 `json:"p95,omitempty"`
	P99      float64 `json:"p99,omitempty"`
	Invalid  int     `json:"invalid,omitempty"`
	Distance float64 `json:"dist,omitempty"`
}

// hexColor renders c as #rrggbb.
func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// finite returns v, or 0 when v is NaN or infinite (JSON has neither).
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// newChartData collects the chart data of every dataset group.
func newChartData(groups []datasetGroup) chartData {
	var d chartData
	for _, g := range groups {
		k, _, _ := runFacts(g.Results)
		cd := chartDataset{Name: g.Name, K: k, Series: []chartSeries{}}
		names := legendNames(g.Results)
		for ai, alg := range algorithmNames(g.Results) {
			for _, r := range ofAlgorithm(g.Results, alg) {
				s := chartSeries{Algorithm: alg, Label: names[r], Index: result.ParamString(r.IndexParams),
					Color: hexColor(colorOf(ai)), Dash: dashOf(ai) != nil,
					BuildSec: finite(r.Build.Seconds), Cached: r.Build.Cached, IndexBytes: r.Build.IndexBytes}
				for _, line := range sweepLines(Entries([]*result.Result{r})) {
					var pts []chartPoint
					for _, e := range line {
						pts = append(pts, newChartPoint(e.Point))
					}
					s.Lines = append(s.Lines, pts)
				}
				cd.Series = append(cd.Series, s)
			}
		}
		d.Datasets = append(d.Datasets, cd)
	}
	return d
}

func newChartPoint(p *result.Point) chartPoint {
	// The interval is the median's confidence interval when the passes
	// gave one, else the range the passes fall in.
	lo, hi := Spread(*p)
	var conf float64
	if ci := p.QPSCI; ci != nil && ci.Hi >= ci.Lo {
		lo, hi, conf = ci.Lo, ci.Hi, ci.Confidence
	}
	return chartPoint{
		Query: result.ParamString(p.QueryParams), Recall: finite(p.Recall), Recall1: finite(p.RecallAt1),
		KNN: knnAccuracy(p.KNNAccuracy), ExactKNN: knnAccuracy(p.ExactKNNAccuracy),
		QPS: finite(p.QPS), QPSLo: finite(lo), QPSHi: finite(hi), QPSConf: finite(conf), Passes: len(p.PassQPS),
		P50: finite(p.LatencyUS.P50), P95: finite(p.LatencyUS.P95), P99: finite(p.LatencyUS.P99),
		Invalid:  p.Invalid.Duplicates + p.Invalid.OutOfRange + p.Invalid.TooMany,
		Distance: finite(p.DistanceCount),
	}
}

// knnAccuracy returns a copy of a point's kNN label accuracy (present for
// datasets with labels), or nil when it has none or it is not finite; the
// page offers a kNN-accuracy axis only when some point has the figure.
func knnAccuracy(acc *float64) *float64 {
	if acc == nil || math.IsNaN(*acc) || math.IsInf(*acc, 0) {
		return nil
	}
	v := *acc
	return &v
}

// scriptJSON marshals v for a <script type="application/json"> element.
// encoding/json escapes <, > and & as \u003c…, so the text cannot close
// the element.
func scriptJSON(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode chart data: %w", err)
	}
	return template.JS(b), nil
}
