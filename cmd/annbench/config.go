package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/annbench/annbench/algorithms/groundtruth"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/runner"
	"github.com/annbench/annbench/runner/config"
)

// loadPlan loads the config and overrides named by args (see
// splitConfigArgs) and expands it.
func loadPlan(args []string) (*config.Config, *config.Plan, error) {
	path, overrides := splitConfigArgs(args)
	cfg, err := config.Load(path, overrides)
	if err != nil {
		return nil, nil, err
	}
	plan, err := cfg.Expand()
	if err != nil {
		return nil, nil, err
	}
	return cfg, plan, nil
}

// splitConfigArgs separates the optional config path (the first argument)
// from key=value overrides. The first argument is the path when it has no
// '=', when a file of that name exists, or when it looks like a file name
// rather than a key (a '/' before the '=', or a .yaml/.yml ending), so
// that a missing configs/a=b.yaml is reported as a missing file rather
// than as an unknown key.
func splitConfigArgs(args []string) (path string, overrides []string) {
	for i, a := range args {
		if i == 0 && isConfigPath(a) {
			path = a
			continue
		}
		overrides = append(overrides, a)
	}
	return path, overrides
}

func isConfigPath(a string) bool {
	eq := strings.IndexByte(a, '=')
	if eq < 0 {
		return true
	}
	if st, err := os.Stat(a); err == nil && !st.IsDir() {
		return true
	}
	lower := strings.ToLower(a)
	return strings.ContainsAny(a[:eq], `/\`) || strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml")
}

// preflight runs runner.Preflight with the command line's dataset opener
// rules.
func preflight(plan *config.Plan, dataDir string, download bool) error {
	available := func(spec config.DatasetSpec) error { return datasetAvailable(spec, dataDir, download) }
	if err := runner.Preflight(plan, available); err != nil {
		return fmt.Errorf("pre-flight: nothing was run:\n%w", err)
	}
	return nil
}

// runOptions are the runner options of the command line: datasets opened
// from dataDir (downloaded when allowed), computed ground truth cached in
// groundtruth.CacheDir; recompute ignores shipped ground truth.
func runOptions(cfg *config.Config, dataDir string, download, recompute bool, log io.Writer) runner.Options {
	gtCache := groundtruth.CacheDir(cfg.Cache, dataDir)
	opts := datasets.Options{DataDir: dataDir, CacheDir: gtCache, MaxQueries: cfg.Queries}
	return runner.Options{
		Log: log,
		Open: func(ctx context.Context, name string) (*datasets.Dataset, error) {
			return openRunDataset(ctx, cfg, name, opts, download, log)
		},
		GroundTruth: groundtruth.Options{Cache: groundtruth.Cache{Dir: gtCache}, Recompute: recompute},
	}
}
