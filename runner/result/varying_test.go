package result

import (
	"reflect"
	"testing"
)

func TestVaryingParams(t *testing.T) {
	got := VaryingParams([]map[string]any{
		{"M": 16, "seed": 1, "ef": 100},
		{"M": 32, "seed": 1.0, "ef": 100},
		{"M": 16, "seed": 1},
	})
	want := map[string]bool{"M": true, "ef": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("VaryingParams = %v, want %v (seed 1 and 1.0 print alike; ef is missing from one)", got, want)
	}
	if got := VaryingParams([]map[string]any{{"a": 1}}); len(got) != 0 {
		t.Errorf("one map: %v, want none", got)
	}
}
