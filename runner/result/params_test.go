package result

import "testing"

func TestParamString(t *testing.T) {
	tests := []struct {
		in   map[string]any
		want string
	}{
		{nil, "-"},
		{map[string]any{"ef": 10.0}, "ef=10"},
		{map[string]any{"M": 16, "ef_construction": 200.0, "a": "x"}, "M=16, a=x, ef_construction=200"},
		{map[string]any{"r": 0.25, "b": true}, "b=true, r=0.25"},
	}
	for _, tt := range tests {
		if got := ParamString(tt.in); got != tt.want {
			t.Errorf("ParamString(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
