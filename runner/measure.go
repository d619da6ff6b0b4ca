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
//
// An index that times itself (algorithms.SelfTimer: a library adapter in
// another process) is measured by selfTimedSweep instead, and on failure
// the points of the settings finished before it are returned with the
// error.
func (e *jobEnv) measureSweep(ctx context.Context, idx algorithms.Index, s *searcher, tr *score.Truth, qps []algorithms.Params) ([]result.Point, error) {
	p := protocolOf(e.cfg)
	if st, ok := idx.(algorithms.SelfTimer); ok {
		return e.selfTimedSweep(ctx, idx, st, s, tr, p, qps)
	}
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
				if err := e.scoreInto(tr, &st.point, s.snapshot()); err != nil {
					return nil, err
				}
			}
		}
	}
	out := make([]result.Point, len(sets))
	for i, st := range sets {
		out[i] = st.summarize(nq, counts)
	}
	return out, nil
}

// scoreInto scores results (one id list per query) with tr, the run's one
// scorer, and stores recall and invalid-id counts in pt, and for datasets
// with class labels the kNN accuracy of the results and of exact search.
func (e *jobEnv) scoreInto(tr *score.Truth, pt *result.Point, results [][]int32) error {
	sc, err := tr.Score(results)
	if err != nil {
		return err
	}
	pt.Recall, pt.RecallAt1 = sc.Recall, sc.Recall1
	pt.Invalid = result.Invalid{Duplicates: sc.Invalid.Duplicates, OutOfRange: sc.Invalid.OutOfRange, TooMany: sc.Invalid.TooMany, Disallowed: sc.Invalid.Disallowed}
	ds := e.ds
	if len(ds.BaseLabels) != ds.Base.Rows || len(ds.QueryLabels) < len(results) || ds.Base.Rows == 0 {
		return nil // no labels (or not one per vector): no accuracy
	}
	acc, err := tr.KNNAccuracy(results, ds.BaseLabels, ds.QueryLabels)
	if err != nil {
		return err
	}
	exact, ok := e.exactAccuracy[tr]
	if !ok {
		if exact, err = tr.ExactKNNAccuracy(ds.BaseLabels, ds.QueryLabels); err != nil {
			return err
		}
		if e.exactAccuracy == nil {
			e.exactAccuracy = map[*score.Truth]float64{}
		}
		e.exactAccuracy[tr] = exact
	}
	pt.KNNAccuracy, pt.ExactKNNAccuracy = &acc, &exact
	return nil
}

// summarize turns a measured setting into its point: pass samples, median
// QPS with its interval, spread, latency percentiles and distance counts,
// beside the scores already in st.point.
func (st *setting) summarize(nq int, counts bool) result.Point {
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
	return pt
}
