package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/annbench/annbench/runner"
)

func newPrepareCmd() *cobra.Command {
	var (
		noDownload, recomputeGT bool
		dataDir                 string
	)
	c := &cobra.Command{
		Use:   "prepare [CONFIG] [key=value ...]",
		Short: "Download every dataset of a config and compute its ground truth once, for sharded runs",
		Long: `Prepare checks a config like 'run' (pre-flight included), downloads its
datasets when missing and computes the exact ground truth of each one that
ships none, caching it where 'run' looks for it (under 'cache', or the data
directory's cache when caching is off). Run it once before the shards of a
sharded run and give every shard the same data directory and cache, so no
shard computes ground truth of its own.`,
		RunE: func(c *cobra.Command, args []string) error {
			cfg, plan, err := loadPlan(args)
			if err != nil {
				return err
			}
			if err := preflight(plan, dataDir, !noDownload); err != nil {
				return err
			}
			ropt := runOptions(cfg, dataDir, !noDownload, recomputeGT, c.ErrOrStderr())
			// Ground truth of a large dataset takes long: show how far it got.
			ropt.Progress, _ = progressMode("auto", c.ErrOrStderr(), os.Getenv)
			if err := runner.Prepare(c.Context(), plan, ropt); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%d datasets ready\n", len(cfg.Datasets))
			return nil
		},
	}
	c.Flags().BoolVar(&noDownload, "no-download", false, "fail instead of downloading missing datasets")
	c.Flags().BoolVar(&recomputeGT, "recompute-ground-truth", false, "ignore shipped ground truth; compute (and cache) exact ground truth")
	c.Flags().StringVar(&dataDir, "data", "", "data directory (default $ANNBENCH_DATA, else ./data)")
	return c
}
