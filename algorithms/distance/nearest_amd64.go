//go:build amd64 && !purego

package distance

// rankPanels4AVX2 is the AVX2+FMA panel kernel (nearest_amd64.s): the
// contract of rankPanelsGeneric with the four queries as pointers.
//
//go:noescape
func rankPanels4AVX2(q0, q1, q2, q3, panel, bias, out *float32, dim, np int, scale float32)

// argmin16AVX2 is argminGeneric for n a positive multiple of 16.
//
//go:noescape
func argmin16AVX2(v *float32, n int) int

func rankPanelsAVX2(q *[panelQueries][]float32, panel, bias, out []float32, dim, np int, scale float32) {
	_ = panel[np*dim*PanelRows-1]
	_ = bias[np*PanelRows-1]
	_ = out[panelQueries*np*PanelRows-1]
	q0, q1, q2, q3 := q[0][:dim], q[1][:dim], q[2][:dim], q[3][:dim]
	rankPanels4AVX2(&q0[0], &q1[0], &q2[0], &q3[0], &panel[0], &bias[0], &out[0], dim, np, scale)
}

func argminAVX2(v []float32) int { return argmin16AVX2(&v[0], len(v)) }
