package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/spf13/cobra"
)

// version is the release version; builds from source report "devel".
var version = "devel"

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the annbench version, Go version and distance kernels in use",
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			commit := "unknown"
			if info, ok := debug.ReadBuildInfo(); ok {
				for _, s := range info.Settings {
					if s.Key == "vcs.revision" {
						commit = s.Value
					}
				}
			}
			fmt.Fprintf(c.OutOrStdout(), "annbench %s (commit %s) %s %s/%s kernels=%s\n",
				version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH, distance.Implementation)
			return nil
		},
	}
}
