package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/annbench/annbench/report"
	"github.com/spf13/cobra"
)

func newPlotCmd() *cobra.Command {
	var labels, stepSummary bool
	var x string
	c := &cobra.Command{
		Use:   "plot RESULTS_DIR",
		Short: "Re-render plots, summary.md and report.html from the result files in RESULTS_DIR",
		Long: `Plot reads every result file under RESULTS_DIR (laid out as
RESULTS_DIR/<dataset>/<algorithm>/<file>.json) and writes, per dataset,
recall_qps.png/.svg and build.png/.svg, then summary.md and the
self-contained report.html into RESULTS_DIR. A dataset measured under
several setups (k, mode, threads, query count, filter) gets its figures per
setup in RESULTS_DIR/<dataset>/<setup>/ (e.g. k10-batch-t2-q100) and a
table section per setup, so setups are never drawn as one curve.`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			results, err := report.LoadWarn(dir, c.ErrOrStderr())
			if err != nil {
				return err
			}
			opt := report.Options{Labels: labels, Warn: c.ErrOrStderr(), StepSummary: os.DevNull}
			switch x {
			case "recall":
			case "knn-accuracy":
				opt.KNNAccuracy = true
			default:
				return usageError{fmt.Errorf("--x %q: want recall or knn-accuracy", x)}
			}
			if stepSummary {
				opt.StepSummary = ""
			}
			if err := report.Render(dir, results, opt); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "plots in %s/<dataset>/, tables in %s, report in %s\n",
				dir, filepath.Join(dir, report.SummaryFile), filepath.Join(dir, report.HTMLFile))
			return nil
		},
	}
	c.Flags().BoolVar(&labels, "labels", false, "label every point with its query parameters")
	c.Flags().StringVar(&x, "x", "recall", "recall, or knn-accuracy to also draw kNN label accuracy against QPS (knn_qps.png, datasets with labels)")
	c.Flags().BoolVar(&stepSummary, "step-summary", false, "also append summary.md to $GITHUB_STEP_SUMMARY")
	return c
}
