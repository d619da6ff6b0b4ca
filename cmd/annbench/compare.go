package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/annbench/annbench/report"
	"github.com/spf13/cobra"
)

func newCompareCmd() *cobra.Command {
	threshold := fractionFlag(0.10)
	var recallThreshold float64
	var out string
	var labels, noPlots bool
	c := &cobra.Command{
		Use:   "compare BASE NEW",
		Short: "Compare two result directories; exit status 1 on a regression",
		Long: `Compare reads the result files under BASE and NEW and prints two
markdown tables: the best QPS of each algorithm at recall@k ≥ 0.8, 0.9, 0.95
and 0.99 (interpolated along each side's Pareto frontier), and the recall at
identical index and query parameters.

A QPS change is a regression only when NEW is slower by more than
--threshold AND the ranges of the timed passes of the two sides do not
overlap, so run-to-run noise does not fail a build. A recall loss at
identical parameters larger than --recall-threshold is a regression too.
The exit status is 1 when there is a regression, 0 otherwise.

The tables are also written to compare.md, and an overlay plot per dataset
(BASE dashed, NEW solid) to <dataset>/compare.png and .svg, in --out
(default NEW).`,
		Args: exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			if recallThreshold < 0 || recallThreshold >= 1 {
				return usageError{fmt.Errorf("--recall-threshold %v: want a recall loss in [0, 1)", recallThreshold)}
			}
			base, err := report.LoadWarn(args[0], c.ErrOrStderr())
			if err != nil {
				return fmt.Errorf("base: %w", err)
			}
			next, err := report.LoadWarn(args[1], c.ErrOrStderr())
			if err != nil {
				return fmt.Errorf("new: %w", err)
			}
			cmp := report.Compare(base, next, report.CompareOptions{
				Threshold:       float64(threshold),
				RecallThreshold: recallThreshold,
			})
			var buf bytes.Buffer
			if err := cmp.WriteTable(&buf); err != nil {
				return err
			}
			if _, err := c.OutOrStdout().Write(buf.Bytes()); err != nil {
				return err
			}
			if !noPlots {
				if out == "" {
					out = args[1]
				}
				if _, err := report.RenderCompare(out, base, next, cmp, report.Options{Labels: labels, Warn: c.ErrOrStderr()}); err != nil {
					return err
				}
				fmt.Fprintf(c.ErrOrStderr(), "comparison table and overlay plots in %s\n", out)
			}
			if n := cmp.Regressions(); n > 0 {
				fmt.Fprintf(c.ErrOrStderr(), "annbench: %d regression(s) beyond the threshold and the spread of the trials\n", n)
				return exitStatusError(1)
			}
			return nil
		},
	}
	c.Flags().Var(&threshold, "threshold", "relative QPS loss that counts as a regression, as a fraction or percentage (0.1 or 10%)")
	c.Flags().Float64Var(&recallThreshold, "recall-threshold", 0.01, "recall loss at identical parameters that counts as a regression")
	c.Flags().StringVar(&out, "out", "", "directory for compare.md and the overlay plots (default NEW)")
	c.Flags().BoolVar(&labels, "labels", false, "label NEW's points with their query parameters")
	c.Flags().BoolVar(&noPlots, "no-plots", false, "only print the table")
	return c
}

// fractionFlag is a flag value in (0, 1] given as a fraction ("0.1") or
// a percentage ("10%").
type fractionFlag float64

func (f *fractionFlag) String() string {
	return strconv.FormatFloat(float64(*f)*100, 'g', -1, 64) + "%"
}

func (f *fractionFlag) Set(s string) error {
	t := strings.TrimSpace(s)
	scale := 1.0
	if strings.HasSuffix(t, "%") {
		t, scale = strings.TrimSpace(strings.TrimSuffix(t, "%")), 0.01
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v*scale <= 0 || v*scale > 1 {
		return fmt.Errorf("want a fraction in (0, 1] or a percentage such as 10%%, got %q", s)
	}
	*f = fractionFlag(v * scale)
	return nil
}

func (f *fractionFlag) Type() string { return "fraction" }
