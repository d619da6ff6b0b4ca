package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/runner/config"
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

// sweep is the measurement of one job under one workload: the query
// settings still to measure, the searcher and scorer they use, and the
// result file their points go to.
type sweep struct {
	job   config.Job
	w     *workload
	label string // names the sweep in errors
	name  string // names the job in log lines
	tag   string // " [workload]" for filtered workloads
	idx   algorithms.Index
	build result.Build
	path  string
	res   *result.Result // the file on disk (its kept points) or a new one
	s     *searcher
	tr    *score.Truth
	todo  []algorithms.Params
	sets  []*setting
}

// calibrate is the warm-up of every setting of sw, setting by setting
// (protocol.calibrate): it fixes how often each setting's timed passes
// repeat the query set to last the minimum pass time.
func (e *jobEnv) calibrate(ctx context.Context, sw *sweep) error {
	p := protocolOf(e.cfg)
	sw.sets = make([]*setting, len(sw.todo))
	for i, qp := range sw.todo {
		sw.sets[i] = &setting{qp: qp}
		if err := setQuery(sw.idx, qp); err != nil {
			return err
		}
		n, err := p.calibrate(ctx, sw.s)
		if err != nil {
			return fmt.Errorf("%s: warm-up: %w", qp.Slug(), err)
		}
		sw.sets[i].repeats = n
	}
	return nil
}

// timeRounds times the calibrated settings of all sweeps in
// protocol.trials rounds. Each round times one pass of every setting of
// every sweep, round-robin across indexes (starting one setting later
// each round), so a slow stretch of the machine - on a shared machine
// they last seconds - hits every setting of every index alike rather
// than the one index that happened to be measured then. Before every pass
// the setting's query parameters are set, garbage collected and the
// machine left to settle. The results of each setting's first timed pass
// are scored. It returns the points of each sweep, in the order of its
// settings.
func (e *jobEnv) timeRounds(ctx context.Context, sweeps []*sweep) ([][]result.Point, error) {
	type slot struct {
		sw *sweep
		st *setting
	}
	var slots []slot
	for _, sw := range sweeps {
		for _, st := range sw.sets {
			slots = append(slots, slot{sw, st})
		}
	}
	p := protocolOf(e.cfg)
	for t := 0; t < p.trials; t++ {
		for j := range slots {
			sl := slots[(j+t)%len(slots)]
			if err := e.timePass(ctx, sl.sw, sl.st, p, t == 0); err != nil {
				return nil, fmt.Errorf("%s: %w", sl.sw.label, err)
			}
		}
	}
	out := make([][]result.Point, len(sweeps))
	for i, sw := range sweeps {
		_, counts := sw.idx.(algorithms.Counter)
		for _, st := range sw.sets {
			out[i] = append(out[i], st.summarize(sw.s.queries.Rows, counts))
		}
	}
	return out, nil
}

// timePass times one pass of setting st of sw and, for the first pass,
// scores its results.
func (e *jobEnv) timePass(ctx context.Context, sw *sweep, st *setting, p protocol, first bool) error {
	if err := setQuery(sw.idx, st.qp); err != nil {
		return err
	}
	p.settleDown()
	counter, counts := sw.idx.(algorithms.Counter)
	if counts {
		counter.ResetDistanceCount()
	}
	cpu0, cpuOK := processCPU()
	d, err := sw.s.repeatPass(ctx, st.repeats, &st.lat)
	if err != nil {
		return fmt.Errorf("%s: %w", st.qp.Slug(), err)
	}
	if cpu1, ok := processCPU(); ok && cpuOK {
		st.cpu = append(st.cpu, (cpu1 - cpu0).Seconds())
	}
	if counts {
		st.dist += float64(counter.DistanceCount())
	}
	st.seconds = append(st.seconds, d.Seconds())
	st.qps = append(st.qps, float64(sw.s.queries.Rows*st.repeats)/d.Seconds())
	algorithms.OrNoProgress(e.passes).Done(1)
	if first {
		return e.scoreInto(sw.tr, &st.point, sw.s.snapshot())
	}
	return nil
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
