package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/annbench/annbench/datasets/fetch"
	"github.com/annbench/annbench/report"
	"github.com/annbench/annbench/runner"
	"github.com/annbench/annbench/runner/result"
)

func newRunCmd() *cobra.Command {
	var (
		force, noPlots, noDownload, verbose bool
		dataDir, progress                   string
		recomputeGT                         bool
		sf                                  shardFlags
	)
	c := &cobra.Command{
		Use:   "run [CONFIG] [key=value ...]",
		Short: "Build, sweep and measure every configured index; write results and plots",
		Long: `Run reads a YAML config (the embedded configs/quickstart.yaml when CONFIG
is omitted), applies key=value overrides, builds each index once per
index-parameter set (cached under 'cache'), sweeps the query parameters and
writes one result file per dataset × algorithm × index parameters under
'output', then renders plots there.

Overrides use dotted paths and YAML values:
  annbench run configs/quickstart.yaml trials=5 mode=batch threads=2
  annbench run my.yaml datasets=[siftsmall,fashion-mnist] 'algorithms.hnsw.query.ef=[10,40,160]'

Points already measured are skipped unless --force. Ctrl-C abandons the
sweep of the index in progress; the sweeps finished before stay on disk.

--shard i/n runs only shard i (0-based) of n, whole build groups balanced
by estimated cost (see 'annbench plan'); without it the shard comes from
JOB_COMPLETION_INDEX (with --shards or ANNBENCH_SHARDS),
SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or
AWS_BATCH_JOB_ARRAY_INDEX/AWS_BATCH_JOB_ARRAY_SIZE when set. A shard writes
shard-<i>-of-<n>.json beside its results for 'annbench merge'.`,
		RunE: func(c *cobra.Command, args []string) error {
			cfg, plan, err := loadPlan(args)
			if err != nil {
				return err
			}
			log := c.ErrOrStderr()
			mode, err := progressMode(progress, log, os.Getenv)
			if err != nil {
				return err
			}
			plan, manifest, err := sf.choose(cfg, plan, log)
			if err != nil {
				return err
			}
			if err := preflight(plan, dataDir, !noDownload); err != nil {
				return err
			}
			if manifest != nil {
				if err := manifest.Write(cfg.Output); err != nil {
					return err
				}
			}
			ropt := runOptions(cfg, dataDir, !noDownload, recomputeGT, log)
			ropt.Force, ropt.Progress, ropt.Verbose = force, mode, verbose
			paths, runErr := runner.Run(c.Context(), plan, ropt)
			if manifest != nil {
				manifest.Finished, manifest.Complete = time.Now().UTC(), runErr == nil
				runErr = errors.Join(runErr, manifest.Write(cfg.Output))
			}
			if noPlots {
				if runErr == nil {
					writeRunSummary(c.OutOrStdout(), cfg.Output, len(paths), nil)
				}
				return runErr
			}
			// Plots are rendered from whatever is on disk, also after Ctrl-C.
			results, err := report.LoadWarn(cfg.Output, log)
			if err != nil {
				if runErr != nil {
					return runErr // nothing finished worth plotting
				}
				return err
			}
			if err := report.Render(cfg.Output, results, report.Options{Warn: log}); err != nil {
				return errors.Join(runErr, fmt.Errorf("render plots: %w", err))
			}
			if runErr == nil {
				writeRunSummary(c.OutOrStdout(), cfg.Output, len(paths), results)
			}
			return runErr
		},
	}
	c.Flags().BoolVar(&force, "force", false, "re-measure points already present in result files")
	c.Flags().StringVar(&progress, "progress", "auto", "how builds, ground truth and the sweep show progress: auto (bars on a terminal, a line every 15 s when $CI is set, else nothing), bars, lines or off")
	c.Flags().BoolVar(&noPlots, "no-plots", false, "do not render plots at the end")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "name the dataset and every parameter in log lines (default: only the index parameters that differ from the defaults or between index sets)")
	c.Flags().BoolVar(&noDownload, "no-download", false, "fail instead of downloading missing datasets")
	c.Flags().BoolVar(&recomputeGT, "recompute-ground-truth", false, "ignore shipped ground truth; use exact ground truth computed (and cached) by annbench")
	c.Flags().StringVar(&dataDir, "data", "", "data directory (default $ANNBENCH_DATA, else ./data)")
	sf.register(c, true)
	return c
}

// progressMode turns the --progress flag into the runner's mode. auto
// draws bars when log is a terminal that knows its width, writes a
// periodic line when the CI variable is set (as CI services set it) or
// on a terminal of unknown width (bars would draw nothing there), and
// shows nothing otherwise.
func progressMode(flag string, log io.Writer, getenv func(string) string) (runner.ProgressMode, error) {
	switch flag {
	case "bars":
		return runner.ProgressBars, nil
	case "lines":
		return runner.ProgressLines, nil
	case "off":
		return runner.ProgressOff, nil
	case "auto", "":
		f, ok := log.(*os.File)
		terminal := ok && fetch.IsTerminal(f)
		if terminal && fetch.TerminalWidth(f) > 0 {
			return runner.ProgressBars, nil
		}
		if v := getenv("CI"); terminal || (v != "" && v != "false" && v != "0") {
			return runner.ProgressLines, nil
		}
		return runner.ProgressOff, nil
	}
	return runner.ProgressOff, fmt.Errorf("--progress %q: want auto, bars, lines or off", flag)
}

// writeRunSummary tells where a run's files went: the result files of
// this run and, when plots were rendered (results not nil), the report,
// the summary tables and each dataset's figures.
func writeRunSummary(w io.Writer, out string, files int, results []result.Result) {
	plural := "s"
	if files == 1 {
		plural = ""
	}
	fmt.Fprintf(w, "%d result file%s under %s\n", files, plural, out)
	if results == nil {
		return
	}
	fmt.Fprintf(w, "  report   %s\n", filepath.Join(out, report.HTMLFile))
	fmt.Fprintf(w, "  summary  %s\n", filepath.Join(out, report.SummaryFile))
	for _, dir := range report.FigureDirs(out, results) {
		fmt.Fprintf(w, "  plots    %s.png, %s.png (and .svg)\n", filepath.Join(dir, report.RecallQPSFile), report.BuildFile)
	}
}
