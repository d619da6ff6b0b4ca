package scann

// scan8 is the asymmetric-distance scan of 8-bit codes: for each of n
// vectors with nblocks code bytes each (row-major in codes) it writes the
// sum of its float table entries lut[j*256+code_j] to out.
func scan8(codes []byte, lut []float32, nblocks, n int, out []float32) {
	codes = codes[:n*nblocks]
	lut = lut[:nblocks*256]
	out = out[:n]
	for i := range out {
		c := codes[i*nblocks : (i+1)*nblocks]
		var s0, s1, s2, s3 float32
		j := 0
		for ; j+4 <= len(c); j += 4 {
			s0 += lut[j*256+int(c[j])]
			s1 += lut[(j+1)*256+int(c[j+1])]
			s2 += lut[(j+2)*256+int(c[j+2])]
			s3 += lut[(j+3)*256+int(c[j+3])]
		}
		for ; j < len(c); j++ {
			s0 += lut[j*256+int(c[j])]
		}
		out[i] = (s0 + s1) + (s2 + s3)
	}
}
