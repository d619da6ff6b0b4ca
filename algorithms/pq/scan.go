package pq

// Scan writes to out[i] the sum over sub-spaces of tab[m][code[m]] for the
// i-th code of codes (len(out) codes of len(tab) bytes each). It is the hot
// loop of every PQ search: specialized, fully unrolled kernels serve the
// common code sizes, and the inner loops carry no bounds checks.
func Scan(codes []byte, tab Table, out []float32) {
	m := len(tab)
	codes = codes[:len(out)*m]
	switch m {
	case 8:
		scan8(codes, (*[8][Ksub]float32)(tab), out)
	case 16:
		scan16(codes, (*[16][Ksub]float32)(tab), out)
	case 32:
		scan32(codes, (*[32][Ksub]float32)(tab), out)
	case 64:
		scan64(codes, (*[64][Ksub]float32)(tab), out)
	default:
		scanAny(codes, tab, out)
	}
}

func scan8(codes []byte, t *[8][Ksub]float32, out []float32) {
	for i := range out {
		c := (*[8]byte)(codes[i*8:])
		out[i] = (t[0][c[0]] + t[1][c[1]] + t[2][c[2]] + t[3][c[3]]) +
			(t[4][c[4]] + t[5][c[5]] + t[6][c[6]] + t[7][c[7]])
	}
}

func scan16(codes []byte, t *[16][Ksub]float32, out []float32) {
	for i := range out {
		c := (*[16]byte)(codes[i*16:])
		s0 := t[0][c[0]] + t[1][c[1]] + t[2][c[2]] + t[3][c[3]]
		s1 := t[4][c[4]] + t[5][c[5]] + t[6][c[6]] + t[7][c[7]]
		s2 := t[8][c[8]] + t[9][c[9]] + t[10][c[10]] + t[11][c[11]]
		s3 := t[12][c[12]] + t[13][c[13]] + t[14][c[14]] + t[15][c[15]]
		out[i] = (s0 + s1) + (s2 + s3)
	}
}

func scan32(codes []byte, t *[32][Ksub]float32, out []float32) {
	for i := range out {
		c := (*[32]byte)(codes[i*32:])
		s0 := t[0][c[0]] + t[1][c[1]] + t[2][c[2]] + t[3][c[3]]
		s1 := t[4][c[4]] + t[5][c[5]] + t[6][c[6]] + t[7][c[7]]
		s2 := t[8][c[8]] + t[9][c[9]] + t[10][c[10]] + t[11][c[11]]
		s3 := t[12][c[12]] + t[13][c[13]] + t[14][c[14]] + t[15][c[15]]
		s0 += t[16][c[16]] + t[17][c[17]] + t[18][c[18]] + t[19][c[19]]
		s1 += t[20][c[20]] + t[21][c[21]] + t[22][c[22]] + t[23][c[23]]
		s2 += t[24][c[24]] + t[25][c[25]] + t[26][c[26]] + t[27][c[27]]
		s3 += t[28][c[28]] + t[29][c[29]] + t[30][c[30]] + t[31][c[31]]
		out[i] = (s0 + s1) + (s2 + s3)
	}
}

func scan64(codes []byte, t *[64][Ksub]float32, out []float32) {
	for i := range out {
		c := (*[64]byte)(codes[i*64:])
		var s0, s1, s2, s3 float32
		for m := 0; m < 64; m += 8 {
			s0 += t[m][c[m]] + t[m+4][c[m+4]]
			s1 += t[m+1][c[m+1]] + t[m+5][c[m+5]]
			s2 += t[m+2][c[m+2]] + t[m+6][c[m+6]]
			s3 += t[m+3][c[m+3]] + t[m+7][c[m+7]]
		}
		out[i] = (s0 + s1) + (s2 + s3)
	}
}

// scanAny serves any number of sub-quantizers, four per step.
func scanAny(codes []byte, tab Table, out []float32) {
	m := len(tab)
	for i := range out {
		c := codes[i*m : i*m+m]
		t := tab
		var s0, s1, s2, s3 float32
		for len(c) >= 4 && len(t) >= 4 {
			cc := (*[4]byte)(c)
			tt := (*[4][Ksub]float32)(t)
			s0 += tt[0][cc[0]]
			s1 += tt[1][cc[1]]
			s2 += tt[2][cc[2]]
			s3 += tt[3][cc[3]]
			c, t = c[4:], t[4:]
		}
		for len(c) > 0 && len(t) > 0 {
			s0 += t[0][c[0]]
			c, t = c[1:], t[1:]
		}
		out[i] = (s0 + s1) + (s2 + s3)
	}
}
