package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/registry"
	"github.com/annbench/annbench/datasets"
	"github.com/spf13/cobra"
)

func newListCmd() *cobra.Command {
	var dataDir string
	c := &cobra.Command{
		Use:   "list datasets|algorithms",
		Short: "List the dataset catalogue or the algorithms with their parameters",
		Long: `List the dataset catalogue (name, dimension, metric, counts, size on disk,
whether it is present under the data directory) or the registered algorithms
with every index-time and query-time parameter, its type, default and meaning.`,
		Args:      exactArgs(1),
		ValidArgs: []string{"datasets", "algorithms"},
		RunE: func(c *cobra.Command, args []string) error {
			switch args[0] {
			case "datasets":
				return listDatasets(c.OutOrStdout(), dataDir)
			case "algorithms":
				return listAlgorithms(c.OutOrStdout())
			}
			return usageError{fmt.Errorf("list: unknown kind %q (valid: datasets, algorithms)", args[0])}
		},
	}
	c.Flags().StringVar(&dataDir, "data", "", "data directory (default $ANNBENCH_DATA, else ./data)")
	return c
}

func listDatasets(w io.Writer, dataDir string) error {
	if dataDir == "" {
		dataDir = datasets.DefaultDataDir()
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDIM\tMETRIC\tBASE\tQUERIES\tON DISK\tPRESENT\tSOURCE")
	for _, e := range datasets.Catalogue() {
		present, size := "built-in", "-"
		if !e.Builtin() {
			present = "no"
			if e.Present(dataDir) {
				present = "yes"
			}
			if n := e.SizeOnDisk(dataDir); n > 0 {
				size = humanBytes(n)
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, e.Dim, e.Metric,
			count(e.BaseCount), count(e.QueryCount), size, present, firstLine(e.Note))
	}
	fmt.Fprintf(tw, "\nData directory: %s. Built-in synthetic data: synthetic-<n>-<d>, synthetic-ip-<n>-<d>, synthetic-angular-<n>-<d> (e.g. synthetic-20k-64).\n", dataDir)
	return tw.Flush()
}

func listAlgorithms(w io.Writer) error {
	for i, a := range registry.All {
		if i > 0 {
			fmt.Fprintln(w)
		}
		ms := make([]string, len(a.Metrics))
		for j, m := range a.Metrics {
			ms[j] = string(m)
		}
		fmt.Fprintf(w, "%s — %s\n  metrics: %s\n", a.Name, a.Doc, strings.Join(ms, ", "))
		if len(a.Params) == 0 {
			fmt.Fprintln(w, "  parameters: none")
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  PARAMETER\tSTAGE\tTYPE\tDEFAULT\tRANGE\tDESCRIPTION")
		for _, p := range a.Params {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%v\t%s\t%s\n", p.Name, p.Stage, p.Kind, p.Default, paramRange(p), p.Doc)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func paramRange(p algorithms.ParamSpec) string {
	switch {
	case len(p.Choices) > 0:
		return strings.Join(p.Choices, "|")
	case p.Max > p.Min:
		return fmt.Sprintf("%g..%g", p.Min, p.Max)
	}
	return "-"
}

func count(n int) string {
	if n <= 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 70 {
		s = s[:67] + "..."
	}
	return s
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
