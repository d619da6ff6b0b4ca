package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/fetch"
	"github.com/spf13/cobra"
)

func newDownloadCmd() *cobra.Command {
	var opt datasets.DownloadOptions
	var dryRun bool
	c := &cobra.Command{
		Use:   "download NAME...",
		Short: "Fetch standard datasets into the data directory (resumable, checksummed)",
		Long: `Download fetches the files of catalogue datasets (see 'annbench list datasets')
into <data>/<name>/: over http(s) with resume and over ftp, retrying with
backoff, verifying sizes and sha256 (pinned, or recorded in <data>/annbench.lock
on first download and checked on later ones), and extracting archives safely.
big-ann subsets (bigann-1m, deep-10m, ...) fetch only the needed prefix of the
billion-vector files.

--mirror (or $ANNBENCH_MIRROR) fetches every file from another base URL laid
out as <mirror>/<origin host>/<origin path>, e.g.
<mirror>/ann-benchmarks.com/glove-100-angular.hdf5 — the layout 'wget -x'
creates.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("%s: name at least one dataset (see 'annbench list datasets')", c.CommandPath())}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			entries := make([]datasets.Entry, 0, len(args))
			for _, name := range args {
				e, err := datasets.Lookup(name)
				if err != nil {
					return usageError{err}
				}
				entries = append(entries, e)
			}
			if opt.DataDir == "" {
				opt.DataDir = datasets.DefaultDataDir()
			}
			stderr := c.ErrOrStderr()
			opt.Log = stderr
			if f, ok := stderr.(*os.File); ok && fetch.IsTerminal(f) {
				opt.Progress = f
			}
			for _, e := range entries {
				if e.Builtin() {
					fmt.Fprintf(c.OutOrStdout(), "%s: built in, nothing to download\n", e.Name)
					continue
				}
				if dryRun {
					if err := printPlan(c, e, opt); err != nil {
						return err
					}
					continue
				}
				if err := e.Download(c.Context(), opt); err != nil {
					return err
				}
				dir, _ := e.Locate(opt.DataDir)
				fmt.Fprintf(c.OutOrStdout(), "%s: ready in %s\n", e.Name, dir)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be fetched and how big, without downloading")
	c.Flags().StringVar(&opt.Mirror, "mirror", "", "base URL of a mirror serving <host>/<path> of every file (default $ANNBENCH_MIRROR)")
	c.Flags().StringVar(&opt.DataDir, "data", "", "data directory (default $ANNBENCH_DATA, else ./data)")
	c.Flags().BoolVar(&opt.Verify, "verify", false, "re-hash files already present against their known checksums")
	return c
}

// printPlan prints the dry-run table for one entry.
func printPlan(c *cobra.Command, e datasets.Entry, opt datasets.DownloadOptions) error {
	plan, err := e.DownloadPlan(c.Context(), opt, true)
	if err != nil {
		return err
	}
	w := c.OutOrStdout()
	fmt.Fprintf(w, "%s (%s):\n", e.Name, firstLine(e.Note))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	var total int64
	unknown := false
	for _, p := range plan {
		status, size := "fetch", "unknown size"
		if p.Present {
			status = "present"
		}
		if p.Size >= 0 {
			size = humanBytes(p.Size)
			if !p.Present {
				total += p.Size
			}
		} else if !p.Present {
			unknown = true
		}
		dest := p.Item.Path
		if len(p.Item.Members) > 0 {
			var extracted int64
			for _, m := range p.Item.Members {
				extracted += m.Size
			}
			dest += fmt.Sprintf(" (extract %d files, %s)", len(p.Item.Members), humanBytes(extracted))
		}
		if p.Item.Prefix > 0 {
			dest += " (first bytes only)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", status, size, p.Source, dest)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	more := ""
	if unknown {
		more = " plus files of unknown size"
	}
	_, err = fmt.Fprintf(w, "  would download %s%s into %s\n", humanBytes(total), more, opt.DataDir)
	return err
}
