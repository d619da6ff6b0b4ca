package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/annbench/annbench/report"
	"github.com/annbench/annbench/runner/shard"
)

func newMergeCmd() *cobra.Command {
	var (
		out                    string
		mixedMachines, partial bool
		noPlots                bool
	)
	c := &cobra.Command{
		Use:   "merge -o OUT DIR...",
		Short: "Combine the result directories of a sharded run into one and render its report",
		Long: `Merge combines the outputs of 'annbench run --shard i/n' (one directory per
shard, each with its shard-<i>-of-<n>.json manifest) into OUT, then renders
plots, summary.md and report.html there. OUT may already hold results of
an earlier merge; nothing in it is replaced.

It refuses, writing nothing, when shards are missing, repeated or did not
finish, come from different plans, were measured on machines of different
classes (CPU model, cores, kernels), or when two inputs hold the same point.
--allow-partial and --allow-mixed-machines merge anyway, with a note.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return usageError{errors.New("merge needs -o OUT, the directory to merge into")}
			}
			log := c.ErrOrStderr()
			m, err := shard.Merge(out, args, shard.MergeOptions{AllowMixedMachines: mixedMachines, AllowPartial: partial, Log: log})
			if err != nil {
				return err
			}
			for _, n := range m.Notes {
				fmt.Fprintf(log, "note: %s\n", n)
			}
			shards := "no shard manifests"
			if len(m.Shards) > 0 {
				shards = "shards " + strings.Join(m.Shards, ", ") + " of plan " + m.Plan
			}
			fmt.Fprintf(c.OutOrStdout(), "merged %d points into %d result files in %s (%s)\n", m.Points, m.Files, out, shards)
			if noPlots {
				return nil
			}
			results, err := report.LoadWarn(out, log)
			if err != nil {
				return err
			}
			if err := report.Render(out, results, report.Options{Warn: log}); err != nil {
				return fmt.Errorf("render plots: %w", err)
			}
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "directory to merge into (created when missing)")
	c.Flags().BoolVar(&mixedMachines, "allow-mixed-machines", false, "merge results from machines of different classes, with a note")
	c.Flags().BoolVar(&partial, "allow-partial", false, "merge even with shards missing or unfinished, with a note")
	c.Flags().BoolVar(&noPlots, "no-plots", false, "do not render plots and tables")
	return c
}
