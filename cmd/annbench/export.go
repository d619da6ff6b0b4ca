package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/annbench/annbench/datasets/atomicfile"
	"github.com/annbench/annbench/report"
	"github.com/annbench/annbench/runner/result"
	"github.com/spf13/cobra"
)

func newExportCmd() *cobra.Command {
	var format, output string
	c := &cobra.Command{
		Use:   "export --format csv|benchfmt DIR",
		Short: "Export the result files under DIR as CSV or in the Go benchmark format",
		Long: `Export writes every point of the result files under DIR to stdout (or
--output):

  csv       one row per point with run facts, recall, QPS and its spread,
            latency percentiles, build time, index size, a pareto column,
            and one column per index and query parameter
  benchfmt  the Go benchmark format of golang.org/x/perf, one line per timed
            pass (units ns/op, qps, recall, recall@1) plus a BenchmarkBuild
            line per index, so that two runs compare with
            benchstat old.txt new.txt`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			write := map[string]func(io.Writer, []result.Result) error{
				"csv":      report.WriteCSV,
				"benchfmt": report.WriteBenchfmt,
			}[format]
			if write == nil {
				return usageError{fmt.Errorf("export: unknown --format %q (valid: csv, benchfmt)", format)}
			}
			results, err := report.LoadWarn(args[0], c.ErrOrStderr())
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := write(&buf, results); err != nil {
				return err
			}
			if output == "" || output == "-" {
				_, err := c.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := atomicfile.WriteFile(output, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "csv", "output format: csv or benchfmt")
	c.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	return c
}
