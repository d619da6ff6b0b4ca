package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/runner/result"
	"github.com/annbench/annbench/runner/stats"
)

// ciConfidence is the confidence of the median QPS interval stored with
// every point.
const ciConfidence = 0.95

// setting is one query-parameter setting of a sweep under measurement.
type setting struct {
	qp      algorithms.Params
	repeats int       // query-set repeats per timed pass, from calibrate
	qps     []float64 // per timed pass
	seconds []float64
	cpu     []float64 // process CPU seconds per timed pass, when known
	lat     []float64 // per-query latencies in ns (single mode)
	dist    float64   // distance computations summed over the timed passes
	point   result.Point
}

// setQuery switches idx to the query parameters qp.
func setQuery(idx algorithms.Index, qp algorithms.Params) error {
	if qt, ok := idx.(algorithms.QueryTuner); ok {
		if err := qt.SetQuery(qp); err != nil {
			return fmt.Errorf("set query parameters %s: %w", qp.Slug(), err)
		}
		return nil
	}
	if len(qp) > 0 {
		return errors.New("index takes no query parameters")
	}
	return nil
}

// measureSweep measures the query settings qps of one index:
//
//  1. warm-up and calibration, setting by setting (protocol.calibrate):
//     each setting's passes repeat the query set often enough to last
//     the minimum pass time;
//  2. protocol.trials rounds; each round times one pass of every setting,
//     round-robin (starting one setting later each round), so a slow
//     stretch of the machine hits every setting alike rather than one.
//     Before every pass the setting's query parameters are set, garbage
//     collected and the machine left to settle;
//  3. the results of each setting's first timed pass are scored.
//
// It returns one point per setting, in the order of qps, scored by tr.
func (e *jobEnv) measureSweep(ctx context.Context, idx algorithms.Index, s *searcher, tr *score.Truth, qps []algorithms.Params) ([]result.Point, error) {
	p := protocolOf(e.cfg)
	sets := make([]*setting, len(qps))
	for i, qp := range qps {
		sets[i] = &setting{qp: qp}
		if err := setQuery(idx, qp); err != nil {
			return nil, err
		}
		n, err := p.calibrate(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("%s: warm-up: %w", qp.Slug(), err)
		}
		sets[i].repeats = n
	}
	counter, counts := idx.(algorithms.Counter)
	nq := s.queries.Rows
	for t := 0; t < p.trials; t++ {
		for j := range sets {
			st := sets[(j+t)%len(sets)]
			if err := setQuery(idx, st.qp); err != nil {
				return nil, err
			}
			p.settleDown()
			if counts {
				counter.ResetDistanceCount()
			}
			cpu0, cpuOK := processCPU()
			d, err := s.repeatPass(ctx, st.repeats, &st.lat)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", st.qp.Slug(), err)
			}
			if cpu1, ok := processCPU(); ok && cpuOK {
				st.cpu = append(st.cpu, (cpu1 - cpu0).Seconds())
			}
			if counts {
				st.dist += float64(counter.DistanceCount())
			}
			st.seconds = append(st.seconds, d.Seconds())
			st.qps = append(st.qps, float64(nq*st.repeats)/d.Seconds())
			algorithms.OrNoProgress(e.passes).Done(1)
			if t == 0 {
				sc, err := tr.Score(s.snapshot())
				if err != nil {
					return nil, err
				}
				st.point.Recall, st.point.RecallAt1 = sc.Recall, sc.Recall1
				st.point.Invalid = result.Invalid{Duplicates: sc.Invalid.Duplicates, OutOfRange: sc.Invalid.OutOfRange, TooMany: sc.Invalid.TooMany, Disallowed: sc.Invalid.Disallowed}
			}
		}
	}
	out := make([]result.Point, len(sets))
	for i, st := range sets {
		pt := st.point
		pt.QueryParams = st.qp
		pt.PassQPS, pt.PassSeconds = st.qps, st.seconds
		if len(st.cpu) == len(st.qps) {
			pt.PassCPUSeconds = st.cpu
		}
		pt.PassRepeats = make([]int, len(st.qps))
		for j := range pt.PassRepeats {
			pt.PassRepeats[j] = st.repeats
		}
		pt.QPS = stats.Median(st.qps)
		pt.QPSMin, pt.QPSMax = stats.MinMax(st.qps)
		pt.CV = stats.CV(st.qps)
		if iv, err := stats.MedianCI(st.qps, ciConfidence); err == nil {
			pt.QPSCI = &result.Interval{Lo: iv.Lo, Hi: iv.Hi, Confidence: iv.Confidence}
		}
		pt.LatencyUS = latencyPercentiles(st.lat)
		if counts {
			pt.DistanceCount = st.dist / float64(nq*st.repeats*len(st.qps))
		}
		out[i] = pt
	}
	return out, nil
}
