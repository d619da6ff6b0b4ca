package runner

import (
	"context"
	"runtime"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/flat"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

const hogBytes = 256 << 20

// hog is flat with 256 MiB of ballast, touched during Build.
type hog struct {
	*flat.Index
	ballast []byte
}

func (h *hog) Build(ctx context.Context, base vector.Matrix) error {
	h.ballast = make([]byte, hogBytes)
	for i := 0; i < len(h.ballast); i += 4096 {
		h.ballast[i] = 1
	}
	return h.Index.Build(ctx, base)
}

var hogAlgorithm = algorithms.Algorithm{Name: "hog", Doc: "flat with ballast", Metrics: vector.Metrics,
	New: func(m vector.Metric, dim int, _ algorithms.Params) (algorithms.Index, error) {
		x, err := flat.New(m, dim)
		return &hog{Index: x}, err
	}}

// TestPeakRSSNotInherited builds a large index, then a small one: the
// small one's peak must not repeat the large one's (issue: the process
// high-water mark was reported for every index after the largest).
func TestPeakRSSNotInherited(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the per-build peak needs Linux's resettable VmHWM")
	}
	cfg := testConfig(t, config.ModeSingle, 1)
	cfg.Cache = ""
	ds := testDataset(2000, 20, 16, vector.L2)
	big := flatJob(1)
	big.Algorithm = hogAlgorithm
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{big, flatJob(1)}}
	paths, err := Run(context.Background(), plan, Options{Open: opener(ds)})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 {
		t.Fatalf("paths %v", paths)
	}
	var peaks [2]result.Build
	for i, p := range paths {
		r, err := result.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		peaks[i] = r.Build
	}
	if peaks[0].PeakRSSScope != rssBuild {
		t.Skipf("the high-water mark could not be reset here (scope %q)", peaks[0].PeakRSSScope)
	}
	t.Logf("hog: peak %d MiB (before %d MiB); flat: peak %d MiB (before %d MiB)",
		peaks[0].PeakRSS>>20, peaks[0].RSSBefore>>20, peaks[1].PeakRSS>>20, peaks[1].RSSBefore>>20)
	if peaks[0].PeakRSS-peaks[0].RSSBefore < hogBytes*9/10 {
		t.Errorf("the hog's build added %d MiB at its peak, want at least %d", (peaks[0].PeakRSS-peaks[0].RSSBefore)>>20, hogBytes*9/10>>20)
	}
	if peaks[1].PeakRSS > peaks[0].PeakRSS-hogBytes/2 {
		t.Errorf("flat after the hog reports a peak of %d MiB, the hog %d MiB: the peak was inherited", peaks[1].PeakRSS>>20, peaks[0].PeakRSS>>20)
	}
}
