package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree. Each subcommand lives in its own file
// as newXxxCmd.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "annbench",
		Short:         "Benchmark approximate nearest neighbour indexes: recall against queries per second",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	root.AddCommand(
		newRunCmd(),
		newPlanCmd(),
		newPrepareCmd(),
		newMergeCmd(),
		newListCmd(),
		newDownloadCmd(),
		newGroundTruthCmd(),
		newPlotCmd(),
		newCompareCmd(),
		newABCmd(),
		newExportCmd(),
		newVersionCmd(),
	)
	return root
}

// exactArgs is cobra.ExactArgs with errors marked as usage errors.
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(c, args); err != nil {
			return usageError{fmt.Errorf("%s: %w", c.CommandPath(), err)}
		}
		return nil
	}
}

// rangeArgs is cobra.RangeArgs with errors marked as usage errors.
func rangeArgs(min, max int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := cobra.RangeArgs(min, max)(c, args); err != nil {
			return usageError{fmt.Errorf("%s: %w", c.CommandPath(), err)}
		}
		return nil
	}
}
