package vector

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	if err := (Matrix{Data: make([]float32, 6), Rows: 2, Dim: 3, Stride: 3}).Validate(); err != nil {
		t.Errorf("good matrix: %v", err)
	}
	if err := (IDMatrix{Data: make([]int32, 5), Rows: 2, Dim: 2, Stride: 3}).Validate(); err != nil {
		t.Errorf("good strided id matrix: %v", err)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{Matrix{Data: make([]float32, 5), Rows: 2, Dim: 3, Stride: 3}.Validate(), "matrix data holds 5 elements, shape rows=2 dim=3 stride=3 needs 6"},
		{Matrix{Rows: 1, Dim: 3, Stride: 2}.Validate(), "invalid matrix shape rows=1 dim=3 stride=2"},
		{IDMatrix{Data: make([]int32, 4), Rows: 2, Dim: 2, Stride: 3}.Validate(), "id matrix data holds 4 elements"},
		{IDMatrix{Rows: -1}.Validate(), "invalid id matrix shape"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", c.err, c.want)
		}
	}
}

func TestCheckIDs(t *testing.T) {
	m := IDMatrix{Data: []int32{0, 1, 9, 2, 3, 9}, Rows: 2, Dim: 2, Stride: 3}
	if err := m.CheckIDs(4); err != nil {
		t.Errorf("ids in range (the padding column is not a row's): %v", err)
	}
	for _, c := range []struct {
		data []int32
		want string
	}{
		{[]int32{0, 1, 9, 2, 4, 9}, "row 1, column 1: id 4 outside [0,4)"},
		{[]int32{0, -1, 9, 2, 3, 9}, "row 0, column 1: id -1 outside [0,4)"},
	} {
		m.Data = c.data
		if err := m.CheckIDs(4); err == nil || err.Error() != c.want {
			t.Errorf("CheckIDs(%v) = %v, want %q", c.data, err, c.want)
		}
	}
}
