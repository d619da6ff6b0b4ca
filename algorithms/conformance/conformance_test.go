package conformance_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets/vector"
)

// broken wraps the exact index and breaks one promise of the Index
// contract, chosen by mode.
type broken struct {
	*flat.Index
	mode string
	dim  int
}

func (b *broken) Search(q []float32, k int, dst []int32) []int32 {
	switch b.mode {
	case "duplicates":
		dst = b.Index.Search(q, k, dst)
		if len(dst) > 1 {
			dst[1] = dst[0]
		}
		return dst
	case "low-recall":
		dst = b.Index.Search(q, 3*k, dst)
		return append(dst[:0], dst[2*k:]...)
	case "allocates":
		return b.Index.Search(q, k, make([]int32, 0, k))
	case "ignores-dimension":
		if len(q) != b.dim {
			return append(dst[:0], 0)
		}
	}
	return b.Index.Search(q, k, dst)
}

func brokenAlgorithm(mode string) algorithms.Algorithm {
	a := flat.Algorithm
	a.Name = "broken-" + mode
	a.New = func(m vector.Metric, dim int, p algorithms.Params) (algorithms.Index, error) {
		x, err := flat.New(m, dim)
		return &broken{Index: x, mode: mode, dim: dim}, err
	}
	return a
}

var _ algorithms.Index = (*broken)(nil)

// TestSuiteCatchesBrokenIndexes runs the suite against indexes that each
// break one rule, in a child process, and expects it to fail naming the
// rule: a suite that cannot fail proves nothing.
func TestSuiteCatchesBrokenIndexes(t *testing.T) {
	if mode := os.Getenv("CONFORMANCE_BROKEN_MODE"); mode != "" {
		conformance.Run(t, conformance.Case{Algorithm: brokenAlgorithm(mode), MinRecall: 0.99,
			Metrics: []vector.Metric{vector.L2}, N: 500})
		return
	}
	if testing.Short() {
		t.Skip("-short: spawns child test processes")
	}
	if conformance.RaceEnabled {
		t.Skip("-race: the allocation check is off in race builds")
	}
	for mode, want := range map[string]string{
		"duplicates":        "returned twice",
		"low-recall":        "recall@10 =",
		"allocates":         "allocates",
		"ignores-dimension": "shorter query",
	} {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSuiteCatchesBrokenIndexes$", "-test.v")
			cmd.Env = append(os.Environ(), "CONFORMANCE_BROKEN_MODE="+mode)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("suite passed an index that breaks %q:\n%s", mode, out)
			}
			if !strings.Contains(string(out), want) {
				t.Errorf("suite failed, but not with %q:\n%s", want, out)
			}
		})
	}
}

// TestFlatPassesWithExactRecall is the positive control.
func TestFlatPassesWithExactRecall(t *testing.T) {
	conformance.Run(t, conformance.Case{Algorithm: flat.Algorithm, MinRecall: 1, N: 500})
}
