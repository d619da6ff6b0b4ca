package datasets

import (
	"math"
	"os"

	"github.com/annbench/annbench/datasets/vector"
)

// Normalize scales every row of m to unit Euclidean length in place. Rows
// of length zero are left as they are. m must not be a read-only mapping.
func Normalize(m vector.Matrix) {
	for i := 0; i < m.Rows; i++ {
		row := m.Row(i)
		var s float64
		for _, v := range row {
			s += float64(float64(v) * float64(v)) // no FMA: same bits everywhere
		}
		if s == 0 {
			continue
		}
		inv := 1 / math.Sqrt(s)
		for j, v := range row {
			row[j] = float32(float64(v) * inv)
		}
	}
}

// normalized returns m with unit-length rows, copying it first unless owned
// says m is private writable memory.
func normalized(m vector.Matrix, owned bool) vector.Matrix {
	if m.Rows == 0 {
		return m
	}
	if !owned {
		m = m.Compact(true)
	}
	Normalize(m)
	return m
}

// exists reports whether path names an existing regular file.
func exists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// normalizeAngular normalizes the base, queries and training split of an
// angular dataset (in place where owned says the rows are the dataset's
// own writable copy); other metrics are left as they are.
func (d *Dataset) normalizeAngular(owned map[Role]bool) {
	if d.Metric != vector.Angular {
		return
	}
	d.Base = normalized(d.Base, owned[RoleBase])
	d.Query = normalized(d.Query, owned[RoleQuery])
	d.Train = normalized(d.Train, owned[RoleLearn])
}
