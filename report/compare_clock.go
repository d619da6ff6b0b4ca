package report

import (
	"fmt"
	"slices"

	"github.com/annbench/annbench/runner/result"
	"github.com/annbench/annbench/runner/stats"
)

// The clocks a comparison can count QPS by.
const (
	// ClockWall counts queries per second of wall time, as measured: what
	// a user of the index sees, the machine's other load included.
	ClockWall = "wall"
	// ClockCPU counts queries per second of CPU time the process used
	// (per search thread): what the code costs, whatever else ran on the
	// machine. A build that competes with other processes for the cores
	// looks unchanged by it.
	ClockCPU = "cpu"
)

// CPUClock returns copies of rs whose pass QPS count queries per second
// of the CPU time the process used in the pass, divided among the search
// threads: pass_qps × pass_seconds × threads / pass_cpu_seconds. Median,
// spread and interval are recomputed from them; recall and the rest are
// kept. A point without CPU times (measured by an older annbench or on a
// platform without getrusage) is an error naming it.
func CPUClock(rs []result.Result) ([]result.Result, error) {
	out := make([]result.Result, len(rs))
	for i, r := range rs {
		r.Points = slices.Clone(r.Points)
		threads := float64(max(r.Threads, 1))
		for j := range r.Points {
			p := &r.Points[j]
			n := len(p.PassQPS)
			if n == 0 || len(p.PassSeconds) != n || len(p.PassCPUSeconds) != n {
				return nil, fmt.Errorf("cpu clock: %s %s %s %s: the point has no CPU time per pass (pass_cpu_seconds); "+
					"it was measured by an older annbench or on a platform without getrusage",
					r.Dataset, r.Algorithm, result.ParamString(r.IndexParams), result.ParamString(p.QueryParams))
			}
			qps := make([]float64, n)
			for k := range qps {
				if p.PassCPUSeconds[k] <= 0 {
					return nil, fmt.Errorf("cpu clock: %s %s %s %s: pass %d used no CPU time",
						r.Dataset, r.Algorithm, result.ParamString(r.IndexParams), result.ParamString(p.QueryParams), k)
				}
				qps[k] = p.PassQPS[k] * p.PassSeconds[k] * threads / p.PassCPUSeconds[k]
			}
			p.PassQPS = qps
			p.QPS = stats.Median(qps)
			p.QPSMin, p.QPSMax = stats.MinMax(qps)
			p.CV = stats.CV(qps)
			p.QPSCI = nil
			if iv, err := stats.MedianCI(qps, ciLevel); err == nil {
				p.QPSCI = &result.Interval{Lo: iv.Lo, Hi: iv.Hi, Confidence: iv.Confidence}
			}
		}
		out[i] = r
	}
	return out, nil
}
