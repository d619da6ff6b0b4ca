package report

import (
	"image/color"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// okabeIto is the Okabe–Ito palette, distinguishable under the common
// forms of colour blindness. Black comes last: it is also the text colour.
var okabeIto = []color.NRGBA{
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0xF0, 0xE4, 0x42, 0xFF}, // yellow
	{0x00, 0x00, 0x00, 0xFF}, // black
}

// glyphs are the marker shapes, cycled so that neighbouring lines differ
// in shape as well as colour.
var glyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{},
	draw.TriangleGlyph{},
	draw.SquareGlyph{},
	draw.CrossGlyph{},
	draw.PyramidGlyph{},
	draw.RingGlyph{},
	draw.PlusGlyph{},
	draw.BoxGlyph{},
}

// colorOf returns the palette colour of the i-th algorithm.
func colorOf(i int) color.NRGBA { return okabeIto[i%len(okabeIto)] }

// glyphOf returns the marker of the i-th line.
func glyphOf(i int) draw.GlyphDrawer { return glyphs[i%len(glyphs)] }

// faded returns c with reduced opacity, for dominated points.
func faded(c color.NRGBA) color.NRGBA {
	c.A = 0x60
	return c
}

// dashOf returns the line dash pattern of the i-th algorithm: solid for
// the first cycle through the palette, dotted-dashed after it, so that two
// algorithms sharing a colour (more than eight on one plot, e.g. with
// reference libraries beside annbench's own) stay apart.
func dashOf(i int) []vg.Length {
	if i < len(okabeIto) {
		return nil
	}
	return []vg.Length{vg.Points(6), vg.Points(2), vg.Points(1), vg.Points(2)}
}
