package ab

import (
	"slices"

	"github.com/annbench/annbench/runner/result"
	"github.com/annbench/annbench/runner/stats"
)

// ciConfidence is the confidence of the merged points' median interval.
const ciConfidence = 0.95

// Merge combines the results of several runs of one side (one list per
// round) into one result per measurement setup (result.Identity: dataset
// and its fingerprint, algorithm, index parameters, k, mode, threads,
// query count, filter workload). A point's passes are the concatenation
// of its passes in every round, in round order, and its QPS figures
// (median, min, max, CV, confidence interval) are recomputed from them;
// recall, recall@1 and distance counts are the means over the rounds,
// latency percentiles the medians. Build and machine come from the first
// round (where the index was built), Trials is the total number of passes
// per point. Points and results keep the order of their first appearance.
func Merge(rounds ...[]result.Result) []result.Result {
	var out []result.Result
	pos := map[string]int{}
	var parts [][][]result.Point // per merged result, per point: the rounds' points
	var keys [][]string
	for _, round := range rounds {
		for _, r := range round {
			id := setupKey(r)
			i, ok := pos[id]
			if !ok {
				i = len(out)
				pos[id] = i
				m := r
				m.Points = nil
				m.Machines = nil
				out = append(out, m)
				parts = append(parts, nil)
				keys = append(keys, nil)
			}
			m := &out[i]
			for _, mach := range r.Machines {
				m.AddMachine(mach)
			}
			if !r.Started.IsZero() && (m.Started.IsZero() || r.Started.Before(m.Started)) {
				m.Started = r.Started
			}
			if r.Finished.After(m.Finished) {
				m.Finished = r.Finished
			}
			for _, p := range r.Points {
				k := result.ParamKey(p.QueryParams)
				j := slices.Index(keys[i], k)
				if j < 0 {
					j = len(keys[i])
					keys[i] = append(keys[i], k)
					parts[i] = append(parts[i], nil)
				}
				parts[i][j] = append(parts[i][j], p)
			}
		}
	}
	for i := range out {
		for _, ps := range parts[i] {
			out[i].Points = append(out[i].Points, mergePoints(ps))
		}
	}
	return out
}

// setupKey identifies a measurement setup across runs.
func setupKey(r result.Result) string { return r.Identity().Key() }

// mergePoints merges the measurements of one setting from several rounds.
func mergePoints(ps []result.Point) result.Point {
	m := ps[0]
	m.PassQPS, m.PassRepeats, m.PassSeconds, m.PassCPUSeconds = nil, nil, nil, nil
	repeats, seconds, cpu := true, true, true
	var recall, recall1, dist float64
	var p50, p95, p99 []float64
	m.Trials = 0
	for _, p := range ps {
		m.Trials += p.Trials
		m.PassQPS = append(m.PassQPS, p.PassQPS...)
		repeats = repeats && len(p.PassRepeats) == len(p.PassQPS)
		seconds = seconds && len(p.PassSeconds) == len(p.PassQPS)
		m.PassRepeats = append(m.PassRepeats, p.PassRepeats...)
		m.PassSeconds = append(m.PassSeconds, p.PassSeconds...)
		cpu = cpu && len(p.PassCPUSeconds) == len(p.PassQPS)
		m.PassCPUSeconds = append(m.PassCPUSeconds, p.PassCPUSeconds...)
		recall += p.Recall
		recall1 += p.RecallAt1
		dist += p.DistanceCount
		p50, p95, p99 = append(p50, p.LatencyUS.P50), append(p95, p.LatencyUS.P95), append(p99, p.LatencyUS.P99)
	}
	if !repeats {
		m.PassRepeats = nil
	}
	if !seconds {
		m.PassSeconds = nil
	}
	if !cpu {
		m.PassCPUSeconds = nil
	}
	n := float64(len(ps))
	m.Recall, m.RecallAt1, m.DistanceCount = recall/n, recall1/n, dist/n
	m.LatencyUS = result.Latency{P50: stats.Median(p50), P95: stats.Median(p95), P99: stats.Median(p99)}
	m.QPSCI = nil
	if len(m.PassQPS) == 0 { // results without passes: keep the first round's figures
		return m
	}
	m.QPS = stats.Median(m.PassQPS)
	m.QPSMin, m.QPSMax = stats.MinMax(m.PassQPS)
	m.CV = stats.CV(m.PassQPS)
	if iv, err := stats.MedianCI(m.PassQPS, ciConfidence); err == nil {
		m.QPSCI = &result.Interval{Lo: iv.Lo, Hi: iv.Hi, Confidence: iv.Confidence}
	}
	return m
}
