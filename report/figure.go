package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// figure is one or more plot panels side by side with a shared legend to
// their right, outside every data area.
type figure struct {
	panels []*plot.Plot
	legend plot.Legend
	// w and h are the size of the panel area.
	w, h vg.Length
}

func newFigure(wInch, hInch float64, panels ...*plot.Plot) *figure {
	l := plot.NewLegend()
	l.Top, l.Left = true, true
	l.TextStyle.Font.Size = vg.Points(9)
	l.ThumbnailWidth = vg.Points(24)
	return &figure{panels: panels, legend: l, w: vg.Length(wInch) * vg.Inch, h: vg.Length(hInch) * vg.Inch}
}

// render draws the figure in format ("png" or "svg") and returns the
// file content.
func (f *figure) render(format string) ([]byte, error) {
	pad := vg.Points(8)
	lr := f.legend.Rectangle(draw.Canvas{})
	lw, lh := lr.Size().X, lr.Size().Y
	width := f.w + lw + 3*pad
	height := f.h
	if lh+2*pad > height {
		height = lh + 2*pad
	}
	c, err := draw.NewFormattedCanvas(width, height, format)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", format, err)
	}
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	area := dc
	area.Max.X = area.Min.X + f.w
	area.Max.Y = area.Min.Y + f.h
	// A tall legend makes the figure taller; keep the panels at the top.
	if height > f.h {
		area.Min.Y += height - f.h
		area.Max.Y += height - f.h
	}
	n := len(f.panels)
	for i, p := range f.panels {
		pc := area
		pc.Min.X = area.Min.X + f.w*vg.Length(i)/vg.Length(n)
		pc.Max.X = area.Min.X + f.w*vg.Length(i+1)/vg.Length(n)
		p.Draw(pc)
	}
	lc := dc
	lc.Min.X = f.w + 2*pad
	lc.Max.Y -= pad
	f.legend.Draw(lc)

	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// newPanel returns a plot with the house style: log y axis with readable
// ticks, light grid, x from 0 to 1.
func newPanel(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Min, p.X.Max = 0, 1
	p.X.Tick.Marker = plot.ConstantTicks(recallTicks(0))
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicker{}
	p.Legend = plot.NewLegend() // unused: the figure draws its own
	return p
}

// setLogRange sets the y range of p to cover [lo, hi] with a margin, or
// a placeholder decade when there is no data.
func setLogRange(p *plot.Plot, lo, hi float64) {
	if !(lo > 0) || math.IsInf(hi, 0) || hi < lo {
		p.Y.Min, p.Y.Max = 1, 10
		return
	}
	p.Y.Min, p.Y.Max = lo/1.25, hi*1.25
}

// recallTicks returns ticks from lo to 1: every 0.05 labelled every 0.1
// on a wide axis, every 0.01 labelled every 0.05 on a narrow one and
// every 0.01 labelled on a very narrow one.
func recallTicks(lo float64) []plot.Tick {
	step, every := 0.05, 2
	switch {
	case 1-lo <= 0.1+1e-9:
		step, every = 0.01, 1
	case 1-lo <= 0.3+1e-9:
		step, every = 0.01, 5
	}
	var ts []plot.Tick
	n := int(math.Round((1 - lo) / step))
	for i := 0; i <= n; i++ {
		v := math.Round((1-float64(n-i)*step)*1000) / 1000
		t := plot.Tick{Value: v}
		if (n-i)%every == 0 {
			t.Label = strconv.FormatFloat(v, 'f', -1, 64)
		}
		ts = append(ts, t)
	}
	return ts
}

// logTicker labels a log axis at powers of ten when it spans two decades
// or more, and at 1, 2 and 5 times powers of ten otherwise, so that even
// a narrow range gets a few labels. It never panics on a bad range.
type logTicker struct{}

var _ plot.Ticker = logTicker{}

// Ticks returns the tick marks for [min, max].
func (logTicker) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) || math.IsInf(max, 0) {
		return nil
	}
	lo := math.Floor(math.Log10(min))
	hi := math.Ceil(math.Log10(max))
	wide := math.Log10(max/min) > 2
	var ts []plot.Tick
	for e := lo; e <= hi; e++ {
		base := math.Pow(10, e)
		for m := 1; m <= 9; m++ {
			v := base * float64(m)
			if v < min*0.999 || v > max*1.001 {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || (!wide && (m == 2 || m == 5)) {
				t.Label = fmtTick(v)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// fmtTick prints an axis value with k/M suffixes.
func fmtTick(v float64) string {
	s := ""
	switch {
	case v >= 1e9:
		v, s = v/1e9, "G"
	case v >= 1e6:
		v, s = v/1e6, "M"
	case v >= 1e3:
		v, s = v/1e3, "k"
	}
	out := fmt.Sprintf("%.3g", v)
	if strings.Contains(out, "e") {
		out = fmt.Sprintf("%g", v)
	}
	return out + s
}
