package runner

import (
	"context"
	"fmt"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/external"
	"github.com/annbench/annbench/algorithms/score"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// selfTimedSweep measures the settings of an index that times its own
// passes, one setting after the other: each request sets the query
// parameters and has the adapter run a warm-up (calibrating its repeats to
// the minimum pass time) and all timed passes, with no round trip inside
// the timed loop. Round-robin passes would need a round trip, and for some
// libraries a reload, between every two passes. What the adapter reports
// goes through the same summary and scorer as a pass timed here. On
// failure it returns the points finished so far with the error.
func (e *jobEnv) selfTimedSweep(ctx context.Context, idx algorithms.Index, st algorithms.SelfTimer, s *searcher, tr *score.Truth, p protocol, qps []algorithms.Params) ([]result.Point, error) {
	nq := s.queries.Rows
	var out []result.Point
	for _, qp := range qps {
		if err := setQuery(idx, qp); err != nil {
			return out, err
		}
		req := algorithms.TimedRequest{Queries: s.queries, K: s.k, Batch: s.mode != config.ModeSingle,
			Threads: max(e.threads(), 1), Warmup: 1, Passes: p.trials, Repeats: 1, MinPassSeconds: p.minPass.Seconds(),
			Allow: s.allow}
		tp, err := st.TimePasses(ctx, req)
		if err != nil {
			return out, fmt.Errorf("%s: %w", qp.Slug(), err)
		}
		if s.allow != nil && tp.Filter != "native" && tp.Filter != "post" {
			return out, fmt.Errorf("%s: self-timed filtered search did not say how it filtered (got %q, want native or post)", qp.Slug(), tp.Filter)
		}
		if len(tp.IDs) != nq || tp.Repeats < 1 {
			return out, fmt.Errorf("%s: self-timed search returned %d results for %d queries and %d repeats", qp.Slug(), len(tp.IDs), nq, tp.Repeats)
		}
		set := &setting{qp: qp, repeats: tp.Repeats, seconds: tp.PassSeconds, cpu: tp.PassCPUSeconds, lat: tp.LatencyNS}
		for _, sec := range tp.PassSeconds {
			set.qps = append(set.qps, float64(nq*tp.Repeats)/sec)
		}
		if err := e.scoreInto(tr, &set.point, tp.IDs); err != nil {
			return out, fmt.Errorf("%s: %w", qp.Slug(), err)
		}
		pt := set.summarize(nq, false)
		if x, ok := st.(*external.Index); ok {
			info := x.Info()
			pt.External = &result.External{Adapter: info.Adapter, Version: info.Version, Library: info.Library,
				RoundTripSeconds: tp.RoundTripSeconds, Implausible: tp.Implausible, Filter: tp.Filter}
		}
		if tp.Implausible != "" {
			fmt.Fprintf(e.log, "%s: warning: implausible self-reported times: %s\n", qp.Slug(), tp.Implausible)
		}
		out = append(out, pt)
	}
	return out, nil
}

// refuseFilter explains why the self-timed index idx cannot run the
// filtered workload w, or returns "": an adapter that does not declare the
// "filter" capability, or an allow file over the size limit.
func refuseFilter(idx algorithms.Index, w *workload) string {
	if _, ok := idx.(algorithms.SelfTimer); !ok || !w.filtered() {
		return ""
	}
	if x, ok := idx.(*external.Index); ok && !x.Filters() {
		return fmt.Sprintf("adapter %s does not declare capability \"filter\" (protocol: hello capabilities.filter), so it cannot run filtered workload %s", x.Info().Adapter, w.id())
	}
	if err := external.CheckAllowFile(w.allow); err != nil {
		return fmt.Sprintf("filtered workload %s: %v", w.id(), err)
	}
	return ""
}
