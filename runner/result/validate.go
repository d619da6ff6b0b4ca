package result

import (
	"errors"
	"fmt"
	"math"
)

// Validate checks the fields reports and comparisons rely on: dataset and
// algorithm named, counts non-negative, recall in [0, 1], QPS figures
// finite and non-negative (a QPS of 0 is kept: plots drop such points
// with a warning), build figures non-negative, and every point's machine
// described in Machines.
func Validate(r *Result) error {
	if r.Dataset == "" {
		return errors.New(`missing "dataset"`)
	}
	if r.Algorithm == "" {
		return errors.New(`missing "algorithm"`)
	}
	if r.K < 0 || r.Threads < 0 || r.Queries < 0 {
		return fmt.Errorf(`negative "k", "threads" or "queries" (%d, %d, %d)`, r.K, r.Threads, r.Queries)
	}
	if h := r.Holdout; h != nil && (h.Count <= 0 || h.Count < r.Queries || len(h.RowsSHA256) != 64) {
		return fmt.Errorf(`"holdout": count %d (want at least the %d queries) and rows_sha256 %q (want 64 hex digits)`, h.Count, r.Queries, h.RowsSHA256)
	}
	if bad(r.Build.Seconds) || r.Build.IndexBytes < 0 {
		return fmt.Errorf(`"build": seconds %v and index_bytes %d must be non-negative`, r.Build.Seconds, r.Build.IndexBytes)
	}
	for i, p := range r.Points {
		where := fmt.Sprintf("points[%d] (%s)", i, ParamString(p.QueryParams))
		if math.IsNaN(p.Recall) || p.Recall < 0 || p.Recall > 1 {
			return fmt.Errorf("%s: recall %v outside [0, 1]", where, p.Recall)
		}
		if math.IsNaN(p.RecallAt1) || p.RecallAt1 < 0 || p.RecallAt1 > 1 {
			return fmt.Errorf("%s: recall_at_1 %v outside [0, 1]", where, p.RecallAt1)
		}
		for _, a := range []struct {
			key string
			v   *float64
		}{{"knn_accuracy", p.KNNAccuracy}, {"exact_knn_accuracy", p.ExactKNNAccuracy}} {
			if a.v != nil && (math.IsNaN(*a.v) || *a.v < 0 || *a.v > 1) {
				return fmt.Errorf("%s: %s %v outside [0, 1]", where, a.key, *a.v)
			}
		}
		if p.Trials < 0 {
			return fmt.Errorf("%s: negative trials %d", where, p.Trials)
		}
		if _, ok := r.Machines[p.Machine]; p.Machine != "" && !ok {
			return fmt.Errorf("%s: machine %q is not in \"machines\"", where, p.Machine)
		}
		if math.IsNaN(p.QPS) || math.IsInf(p.QPS, 0) || p.QPS < 0 || bad(p.QPSMin) || bad(p.QPSMax) || bad(p.CV) {
			return fmt.Errorf("%s: qps %v, qps_min %v, qps_max %v, cv %v: want finite non-negative numbers", where, p.QPS, p.QPSMin, p.QPSMax, p.CV)
		}
		for j, q := range p.PassQPS {
			if bad(q) {
				return fmt.Errorf("%s: pass_qps[%d] = %v, want a finite non-negative number", where, j, q)
			}
		}
		if err := validatePasses(p); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if x := p.External; x != nil && (x.Adapter == "" || bad(x.RoundTripSeconds)) {
			return fmt.Errorf("%s: external: adapter %q, round_trip_seconds %v: want a name and a finite non-negative time", where, x.Adapter, x.RoundTripSeconds)
		}
		if x := p.External; x != nil && x.Filter != "" && x.Filter != "native" && x.Filter != "post" {
			return fmt.Errorf("%s: external: filter %q: want native or post", where, x.Filter)
		}
	}
	return nil
}

// bad reports whether x is not a finite non-negative number.
func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 }

// validatePasses checks the per-pass lists against pass_qps and the
// median interval.
func validatePasses(p Point) error {
	n := len(p.PassQPS)
	if len(p.PassRepeats) > 0 && len(p.PassRepeats) != n {
		return fmt.Errorf("%d pass_repeats for %d pass_qps, want one per pass", len(p.PassRepeats), n)
	}
	for j, r := range p.PassRepeats {
		if r < 1 {
			return fmt.Errorf("pass_repeats[%d] = %d, want at least 1", j, r)
		}
	}
	if len(p.PassSeconds) > 0 && len(p.PassSeconds) != n {
		return fmt.Errorf("%d pass_seconds for %d pass_qps, want one per pass", len(p.PassSeconds), n)
	}
	for j, s := range p.PassSeconds {
		if bad(s) {
			return fmt.Errorf("pass_seconds[%d] = %v, want a finite non-negative number", j, s)
		}
	}
	if len(p.PassCPUSeconds) > 0 && len(p.PassCPUSeconds) != n {
		return fmt.Errorf("%d pass_cpu_seconds for %d pass_qps, want one per pass", len(p.PassCPUSeconds), n)
	}
	for j, s := range p.PassCPUSeconds {
		if bad(s) {
			return fmt.Errorf("pass_cpu_seconds[%d] = %v, want a finite non-negative number", j, s)
		}
	}
	if ci := p.QPSCI; ci != nil {
		if bad(ci.Lo) || bad(ci.Hi) || ci.Lo > ci.Hi || !(ci.Confidence > 0 && ci.Confidence < 1) {
			return fmt.Errorf("qps_ci [%v, %v] at confidence %v: want 0 ≤ lo ≤ hi and a confidence in (0, 1)", ci.Lo, ci.Hi, ci.Confidence)
		}
	}
	return nil
}
