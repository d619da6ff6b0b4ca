package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"

	"github.com/annbench/annbench/algorithms/registry"
	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner"
	"github.com/annbench/annbench/runner/result"
)

func newPeersCmd() *cobra.Command {
	var (
		script, python, output, dataDir string
		queries                         int
	)
	c := &cobra.Command{
		Use:   "peers DATASET [-- SCRIPT_ARGS ...]",
		Short: "Run a reference-library script (faiss, hnswlib) on a dataset and store its points as results",
		Long: `Peers measures reference libraries on exactly the data annbench reads, so
their points land in the same result directory and appear in the same plots
and tables. It writes the dataset's base, query and ground-truth vectors as
.fbin/.ibin files to a temporary directory, runs

  PYTHON SCRIPT --base base.fbin --query query.fbin --gt gt.ibin SCRIPT_ARGS...

and converts every JSON line the script prints ({"peer", "index", "query",
"recall1", "recall10", "qps", "build_s"}) into result files under --output,
one per peer and index parameters. Nothing the script prints is trusted: a
peer name must be a plain file name (letters, digits, . _ + = -, no leading
dot) and not the name of a built-in algorithm, recalls must lie in [0, 1]
and QPS must be positive, or nothing is written. The output directory is
locked for the duration, like annbench run's. Arguments after -- go to the script, e.g.
  annbench peers siftsmall --script ../shared/peers/peers.py -- --only hnswlib
The script is expected to search one query at a time on one thread and to
report its fastest pass; compare against annbench's median pass accordingly.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if script == "" {
				return usageError{errors.New("peers: --script (or $ANNBENCH_PEERS_SCRIPT) is required")}
			}
			name, extra := args[0], args[1:]
			ds, err := datasets.Open(c.Context(), name, datasets.Options{DataDir: dataDir, MaxQueries: queries})
			if err != nil {
				return err
			}
			defer ds.Close()
			if ds.Metric == vector.IP {
				return fmt.Errorf("peers: %s uses metric ip; the reference script searches by l2 only (angular data is normalized, so l2 ranks it correctly)", name)
			}
			fp, err := ds.Fingerprint()
			if err != nil {
				return fmt.Errorf("peers: %s: fingerprint: %w", name, err)
			}
			lock, err := result.LockDir(output, c.ErrOrStderr())
			if err != nil {
				return fmt.Errorf("peers: %w", err)
			}
			defer lock.Release()
			tmp, err := os.MkdirTemp("", "annbench-peers-")
			if err != nil {
				return fmt.Errorf("peers: %w", err)
			}
			defer os.RemoveAll(tmp)
			base, query, gt := filepath.Join(tmp, "base.fbin"), filepath.Join(tmp, "query.fbin"), filepath.Join(tmp, "gt.ibin")
			if err := datasets.WriteFbin(base, ds.Base); err != nil {
				return err
			}
			if err := datasets.WriteFbin(query, ds.Query); err != nil {
				return err
			}
			scriptArgs := []string{script, "--base", base, "--query", query}
			if ds.GroundTruth.Rows >= ds.Query.Rows && ds.GroundTruth.Dim >= 10 {
				g := ds.GroundTruth
				g.Rows = ds.Query.Rows
				if err := datasets.WriteIbin(gt, g); err != nil {
					return err
				}
				scriptArgs = append(scriptArgs, "--gt", gt)
			}
			scriptArgs = append(scriptArgs, extra...)
			cmd := exec.CommandContext(c.Context(), python, scriptArgs...)
			var out bytes.Buffer
			echo := &lockedWriter{w: c.ErrOrStderr()} // the script's stdout and stderr are copied concurrently
			cmd.Stdout = io.MultiWriter(&out, echo)
			cmd.Stderr = echo
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("peers: %s %s: %w", python, script, err)
			}
			builtin := func(n string) bool { _, err := registry.Lookup(n); return err == nil }
			results, err := runner.ImportPeers(&out, runner.PeerSource{Dataset: name, Fingerprint: fp,
				Machine: runner.CurrentMachine(), Builtin: builtin})
			if err != nil {
				return fmt.Errorf("peers: %s: %w", script, err)
			}
			for _, r := range results {
				path, err := r.Identity().Path(output)
				if err != nil {
					return fmt.Errorf("peers: %w", err)
				}
				if err := result.Write(path, r); err != nil {
					return err
				}
				fmt.Fprintf(c.OutOrStdout(), "wrote %s (%d points)\n", path, len(r.Points))
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&script, "script", os.Getenv("ANNBENCH_PEERS_SCRIPT"), "reference script to run (default $ANNBENCH_PEERS_SCRIPT)")
	f.StringVar(&python, "python", "/usr/bin/python3", "Python interpreter with the reference libraries installed")
	f.StringVar(&output, "output", "results", "result directory to add the peers' points to")
	f.StringVar(&dataDir, "data", "", "data directory (default $ANNBENCH_DATA, else ./data)")
	f.IntVar(&queries, "queries", 0, "use only the first N queries (0 = all)")
	return c
}

// lockedWriter serializes writes from several goroutines to one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
