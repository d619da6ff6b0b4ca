package runner

import (
	"errors"
	"fmt"
	"os"

	"github.com/annbench/annbench/runner/config"
)

// Preflight checks, before any work, what running plan needs from the
// machine: the output directory and the index cache (when on) exist or
// can be created and are writable, and available reports every dataset of
// the plan as present or obtainable (nil) or says why not. Every problem
// is reported, joined in one error, so a run that would fail hours in
// fails at once instead. Files of datasets defined in the config were
// already checked when it was loaded.
func Preflight(plan *config.Plan, available func(config.DatasetSpec) error) error {
	cfg := plan.Config
	var errs []error
	if err := writableDir(cfg.Output); err != nil {
		errs = append(errs, fmt.Errorf("output: %w", err))
	}
	if cfg.Cache != "" {
		if err := writableDir(cfg.Cache); err != nil {
			errs = append(errs, fmt.Errorf("cache: %w", err))
		}
	}
	if available != nil {
		seen := map[string]bool{}
		for _, job := range plan.Jobs {
			if seen[job.Dataset] {
				continue
			}
			seen[job.Dataset] = true
			spec, ok := cfg.Dataset(job.Dataset)
			if !ok {
				spec = config.DatasetSpec{Name: job.Dataset}
			}
			if err := available(spec); err != nil {
				errs = append(errs, fmt.Errorf("dataset %s: %w", job.Dataset, err))
			}
		}
	}
	return errors.Join(errs...)
}

// writableDir creates dir when missing and checks that a file can be
// created in it.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".annbench-write-check-*")
	if err != nil {
		return fmt.Errorf("directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("directory %s: %w", dir, err)
	}
	return nil
}
