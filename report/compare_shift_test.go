package report

import (
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/result"
)

func TestSharedShiftNote(t *testing.T) {
	algs := []string{"flat", "hnsw", "ivfflat", "ivfpq", "pq", "scann"}
	side := func(scale func(alg string) float64, names []string) []result.Result {
		var rs []result.Result
		for _, a := range names {
			rs = append(rs, sweep(a, scale(a), 0.01))
		}
		return rs
	}
	same := func(string) float64 { return 1 }
	tests := []struct {
		name  string
		names []string
		scale func(alg string) float64
		want  string // the note's start, "" for none
	}{
		{"every algorithm 25% slower", algs, func(string) float64 { return 0.75 },
			"d: every algorithm is slower on NEW (6 algorithms, by 25% to 25%, median 25%)"},
		{"every algorithm faster, by different amounts", algs, func(a string) float64 { return 1.2 + 0.02*float64(len(a)) },
			"d: every algorithm is faster on NEW (6 algorithms, by 24% to 34%, median 29%)"},
		{"one algorithm slower", algs, func(a string) float64 {
			if a == "ivfflat" {
				return 0.7
			}
			return 1
		}, ""},
		{"all slower, within the threshold", algs, func(string) float64 { return 0.95 }, ""},
		{"all slower but one faster", algs, func(a string) float64 {
			if a == "pq" {
				return 1.02
			}
			return 0.7
		}, ""},
		{"two algorithms are too few to say", algs[:2], func(string) float64 { return 0.7 }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, next := side(same, tt.names), side(tt.scale, tt.names)
			c := mustCompare(t, base, next, CompareOptions{})
			var got []string
			for _, n := range c.Notes {
				if strings.Contains(n, "every algorithm") {
					got = append(got, n)
				}
			}
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("unexpected note %q", got)
			case tt.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tt.want)):
				t.Errorf("notes %q, want one starting %q", got, tt.want)
			}
			if tt.want != "" && strings.Contains(tt.want, "slower") && c.Regressions() == 0 {
				t.Errorf("the note changed the verdicts: a 25%% loss of every algorithm is still a regression")
			}
		})
	}
}
