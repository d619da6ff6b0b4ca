package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/annbench/annbench/report"
	"github.com/annbench/annbench/runner/result"
)

// compareFlags are the flags compare and ab share.
type compareFlags struct {
	threshold       fractionFlag
	alpha           float64
	recallThreshold float64
	allowMissing    bool
	clock           string
	out             string
	labels, noPlots bool
}

func (f *compareFlags) register(c *cobra.Command, outHelp string) {
	f.threshold = 0.10
	c.Flags().Var(&f.threshold, "threshold", "relative QPS loss that counts as a regression when significant, as a fraction or percentage (0.1 or 10%)")
	c.Flags().Float64Var(&f.alpha, "alpha", 0.01, "false-discovery rate of the Mann–Whitney tests of the two sides' passes (Benjamini–Hochberg over the rows)")
	c.Flags().Float64Var(&f.recallThreshold, "recall-threshold", 0.01, "recall loss at identical parameters that counts as a regression")
	c.Flags().BoolVar(&f.allowMissing, "allow-missing", false, "do not fail when NEW lacks a dataset or algorithm that BASE has")
	c.Flags().StringVar(&f.clock, "clock", report.ClockWall, "count QPS per second of wall time (wall) or of the process's CPU time per search thread (cpu: the code's cost, unaffected by other processes)")
	c.Flags().StringVar(&f.out, "out", "", outHelp)
	c.Flags().BoolVar(&f.labels, "labels", false, "label NEW's points with their query parameters")
	c.Flags().BoolVar(&f.noPlots, "no-plots", false, "only print the table")
}

// options checks the flag values; a bad one is a usage error.
func (f *compareFlags) options() (report.CompareOptions, error) {
	if math.IsNaN(f.recallThreshold) || f.recallThreshold < 0 || f.recallThreshold >= 1 {
		return report.CompareOptions{}, usageError{fmt.Errorf("--recall-threshold %v: want a recall loss in [0, 1)", f.recallThreshold)}
	}
	if !(f.alpha > 0 && f.alpha < 1) {
		return report.CompareOptions{}, usageError{fmt.Errorf("--alpha %v: want a significance level in (0, 1), e.g. 0.05", f.alpha)}
	}
	o := report.CompareOptions{Threshold: float64(f.threshold), Alpha: f.alpha,
		RecallThreshold: f.recallThreshold, AllowMissing: f.allowMissing, Clock: f.clock}
	if err := o.Check(); err != nil {
		return o, usageError{err}
	}
	return o, nil
}

// compare prints the comparison of base and next, renders compare.md and
// the overlay plots into out unless noPlots, and returns
// exitStatusError(1) when the comparison fails the gate.
func (f *compareFlags) compare(stdout, stderr io.Writer, base, next []result.Result, out string) error {
	opt, err := f.options()
	if err != nil {
		return err
	}
	if opt.Clock == report.ClockCPU {
		if base, err = report.CPUClock(base); err != nil {
			return fmt.Errorf("base: %w", err)
		}
		if next, err = report.CPUClock(next); err != nil {
			return fmt.Errorf("new: %w", err)
		}
	}
	cmp, err := report.Compare(base, next, opt)
	if err != nil {
		return usageError{err}
	}
	var buf bytes.Buffer
	if err := cmp.WriteTable(&buf); err != nil {
		return err
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		return err
	}
	if !f.noPlots {
		if _, err := report.RenderCompare(out, base, next, cmp, report.Options{Labels: f.labels, Warn: stderr}); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "comparison table and overlay plots in %s\n", out)
	}
	if n := cmp.TooFew(); n > 0 {
		fmt.Fprintf(stderr, "annbench: %d row(s) not judged: not enough samples\n", n)
	}
	if !cmp.Failed() {
		return nil
	}
	if n := cmp.Regressions(); n > 0 {
		fmt.Fprintf(stderr, "annbench: %d regression(s): significant and beyond the threshold\n", n)
	}
	if len(cmp.Missing) > 0 {
		fmt.Fprintf(stderr, "annbench: NEW lacks %s (--allow-missing accepts this)\n", strings.Join(cmp.Missing, ", "))
	}
	return exitStatusError(1)
}

func newCompareCmd() *cobra.Command {
	var f compareFlags
	c := &cobra.Command{
		Use:   "compare BASE NEW",
		Short: "Compare two result directories; exit status 1 on a regression",
		Long: `Compare reads the result files under BASE and NEW and prints two
markdown tables: the best QPS of each algorithm at recall@k ≥ 0.8, 0.9, 0.95
and 0.99 (interpolated along each side's Pareto frontier, one sample per
timed pass), and the recall at identical index and query parameters.

A QPS change is a regression only when NEW is slower by more than
--threshold AND a two-sided Mann–Whitney U test of the two sides' passes
is significant, so run-to-run noise does not fail a build. The tests of
all rows are judged together: their p-values are adjusted by
Benjamini–Hochberg (column q) and --alpha is the false-discovery rate, so
twenty-odd rows do not give chance twenty-odd tries. When the sides have
too few passes to judge a row beyond the threshold (fewer than 5 each at
0.01, or a row significant alone but not after the adjustment), it reads
"not enough samples" and does not fail. A recall loss at identical parameters larger than --recall-threshold
is a regression too. A dataset or algorithm that BASE has and NEW lacks
fails the comparison unless --allow-missing. The exit status is 1 on a
failure, 0 otherwise, 2 on a usage error.

--clock cpu counts QPS per second of the CPU time the process used in
each pass (per search thread) instead of wall time: the code's cost, not
changed by other processes on a shared machine (nor by a build that makes
the machine busy).

The tables are also written to compare.md, and an overlay plot per dataset
(BASE dashed, NEW solid) to <dataset>/compare.png and .svg, in --out
(default NEW).`,
		Args: exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			if _, err := f.options(); err != nil {
				return err
			}
			base, err := report.LoadWarn(args[0], c.ErrOrStderr())
			if err != nil {
				return fmt.Errorf("base: %w", err)
			}
			next, err := report.LoadWarn(args[1], c.ErrOrStderr())
			if err != nil {
				return fmt.Errorf("new: %w", err)
			}
			out := f.out
			if out == "" {
				out = args[1]
			}
			return f.compare(c.OutOrStdout(), c.ErrOrStderr(), base, next, out)
		},
	}
	f.register(c, "directory for compare.md and the overlay plots (default NEW)")
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
	if err != nil || !(v*scale > 0 && v*scale <= 1) {
		return fmt.Errorf("want a fraction in (0, 1] or a percentage such as 10%%, got %q", s)
	}
	*f = fractionFlag(v * scale)
	return nil
}

func (f *fractionFlag) Type() string { return "fraction" }
