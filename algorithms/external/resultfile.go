package external

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
)

// readIDs reads the ids file an adapter wrote: an .ibin (int32 rows, int32
// columns, then rows×columns int32 little-endian) of nq rows and k columns,
// -1 padding short results. Trailing -1s of a row are dropped; anything
// else is handed to the scorer as it is, so bad ids count as invalid.
func readIDs(path string, nq, k int) ([][]int32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read result ids: %w", err)
	}
	return parseIDs(b, nq, k, path)
}

// parseIDs checks and splits the bytes of an ids file named path.
func parseIDs(b []byte, nq, k int, path string) ([][]int32, error) {
	want := 8 + 4*int64(nq)*int64(k)
	if int64(len(b)) != want {
		return nil, fmt.Errorf("result ids %s: %d bytes, want %d (8-byte header + %d×%d int32)", path, len(b), want, nq, k)
	}
	rows, cols := int32(binary.LittleEndian.Uint32(b)), int32(binary.LittleEndian.Uint32(b[4:]))
	if int(rows) != nq || int(cols) != k {
		return nil, fmt.Errorf("result ids %s: header says %d×%d, want %d×%d", path, rows, cols, nq, k)
	}
	flat := make([]int32, nq*k)
	for i := range flat {
		flat[i] = int32(binary.LittleEndian.Uint32(b[8+4*i:]))
	}
	out := make([][]int32, nq)
	for q := range out {
		row := flat[q*k : q*k+k : q*k+k]
		n := k
		for n > 0 && row[n-1] == -1 {
			n--
		}
		out[q] = row[:n]
	}
	return out, nil
}

// readLatencies reads n little-endian float64 nanosecond values.
func readLatencies(path string, n int) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read latencies: %w", err)
	}
	if len(b) != 8*n {
		return nil, fmt.Errorf("latencies %s: %d bytes, want %d (%d float64)", path, len(b), 8*n, n)
	}
	out := make([]float64, n)
	for i := range out {
		v := math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("latencies %s: value %d is %v, want a finite non-negative number of nanoseconds", path, i, v)
		}
		out[i] = v
	}
	return out, nil
}
