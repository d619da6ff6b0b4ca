package runner

import (
	"sort"

	"github.com/annbench/annbench/runner/result"
	"github.com/montanaflynn/stats"
)

// latencyPercentiles returns p50, p95 and p99 of per-query latencies given
// in nanoseconds, in microseconds.
func latencyPercentiles(ns []float64) result.Latency {
	if len(ns) == 0 {
		return result.Latency{}
	}
	sorted := append([]float64(nil), ns...)
	sort.Float64s(sorted)
	pct := func(p float64) float64 {
		v, err := stats.PercentileNearestRank(sorted, p)
		if err != nil {
			return 0
		}
		return v / 1e3
	}
	return result.Latency{P50: pct(50), P95: pct(95), P99: pct(99)}
}
