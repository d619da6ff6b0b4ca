package shard

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// Cost estimates what running one job costs, in seconds or any unit used
// consistently for one plan.
type Cost func(config.Job) float64

// weight is the cost model of one algorithm: seconds per million base
// elements (rows × dimension) to build, and per query setting to sweep
// 1,000 queries with 3 trials. The figures come from the quickstart on a
// 2-core AVX2 machine (results/baseline); only their ratios matter.
type weight struct{ build, query float64 }

var weights = map[string]weight{
	"flat":    {build: 0.004, query: 0.15},
	"hnsw":    {build: 0.6, query: 0.06},
	"ivfflat": {build: 0.065, query: 0.04},
	"ivfpq":   {build: 2.0, query: 0.12},
	"pq":      {build: 1.9, query: 0.26},
	"scann":   {build: 0.4, query: 0.045},
}

// defaultWeight is used for algorithms without a figure of their own.
var defaultWeight = weight{build: 1, query: 0.1}

// Estimate returns the cost model for the plan of cfg: base size ×
// dimension × the algorithm's weight, for the build and for each query
// setting (scaled by trials and the number of queries), a setting costing
// at least what the timing protocol spends on it (trials × (minimum pass +
// settle pause) + warm-up), which dominates on small data. Sizes come from
// the catalogue, and for datasets defined by their files from the size of
// the base file. It reads no data and gives the same figures on every
// machine with the same files.
func Estimate(cfg *config.Config) Cost {
	sizes := map[string][2]float64{} // dataset -> base elements (millions), queries (thousands)
	size := func(name string) [2]float64 {
		if s, ok := sizes[name]; ok {
			return s
		}
		s := [2]float64{1, 1}
		if spec, ok := cfg.Dataset(name); ok && spec.Own() {
			if st, err := os.Stat(config.FilePath(spec.Base)); err == nil {
				s[0] = float64(st.Size()) / 4 / 1e6
			}
			if spec.Holdout > 0 {
				s[1] = float64(spec.Holdout) / 1000
			}
		} else if e, err := datasets.Lookup(name); err == nil {
			s[0] = float64(float64(e.BaseCount)*float64(e.Dim)) / 1e6
			nq := e.QueryCount
			if cfg.Queries > 0 && cfg.Queries < nq {
				nq = cfg.Queries
			}
			s[1] = float64(nq) / 1000
		}
		sizes[name] = s
		return s
	}
	trials := float64(max(cfg.Trials, 1)) / 3
	floor := float64(float64(max(cfg.Trials, 1))*(cfg.MinPassSeconds+cfg.SettleSeconds)) + cfg.WarmupSeconds
	return func(j config.Job) float64 {
		w, ok := weights[j.Algorithm.Name]
		if !ok {
			w = defaultWeight
		}
		s := size(j.Dataset)
		perSetting := max(float64(float64(float64(w.query*trials)*s[1])*s[0]), floor)
		return quantize(float64(s[0]*w.build) + float64(perSetting*float64(len(j.Queries))))
	}
}

// quantize rounds a cost to a millionth, so that the assignment cannot
// depend on the last bits of a floating-point computation.
func quantize(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
		return 0
	}
	return math.Round(x*1e6) / 1e6
}

// Measured returns a cost model from the result files of a previous run
// under dir: a job's cost is its build seconds plus the wall time of its
// timed passes. Jobs without a result there fall back to Estimate, whose
// figures are seconds on the machine its weights were measured on. Every
// worker must be given the same directory, or they will not agree on the
// shards.
func Measured(cfg *config.Config, dir string) (Cost, error) {
	seconds := map[string]float64{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".json") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		r, err := result.Decode(data)
		if err != nil {
			if errors.Is(err, result.ErrOtherSchema) {
				return nil
			}
			return fmt.Errorf("%s: %w", path, err)
		}
		seconds[measuredKey(r.Dataset, r.Algorithm, r.IndexParams)] += resultSeconds(&r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read measured costs: %w", err)
	}
	if len(seconds) == 0 {
		return nil, fmt.Errorf("read measured costs: no result files under %s", dir)
	}
	est := Estimate(cfg)
	return func(j config.Job) float64 {
		if s, ok := seconds[measuredKey(j.Dataset, j.Algorithm.Name, j.Index)]; ok {
			return quantize(s)
		}
		return est(j)
	}, nil
}

// measuredKey matches a job with the results it wrote.
func measuredKey(dataset, algorithm string, index map[string]any) string {
	return dataset + "\x00" + algorithm + "\x00" + result.ParamKey(index)
}

// resultSeconds is the build time plus the timed passes of one file.
func resultSeconds(r *result.Result) float64 {
	s := r.Build.Seconds
	for _, p := range r.Points {
		if len(p.PassSeconds) > 0 {
			for _, x := range p.PassSeconds {
				s += x
			}
			continue
		}
		for _, q := range p.PassQPS {
			if q > 0 {
				s += float64(r.Queries) / q
			}
		}
	}
	return s
}
