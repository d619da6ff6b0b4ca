package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/annbench/annbench/report"
	"github.com/annbench/annbench/runner/ab"
	"github.com/annbench/annbench/runner/result"
)

func newABCmd() *cobra.Command {
	var f compareFlags
	var baseSpec, newSpec, dataDir string
	var rounds int
	c := &cobra.Command{
		Use:   "ab --base BIN_OR_DIR --new BIN_OR_DIR CONFIG [key=value ...]",
		Short: "Run one config with two builds alternately on this machine and compare them; exit 1 on a regression",
		Long: `ab measures two builds of annbench the way a change should be judged: on
one machine, with one config, alternating between them. Each side is an
annbench binary or a source checkout (a directory with go.mod, built with
'go build ./cmd/annbench'). The config runs --rounds times per side in the
order base, new, base, new, …, each side with its own index cache (built
in the first round, loaded after), so a slow stretch of the machine falls
on both sides alike. Each side's timed passes are merged over the rounds
and compared as 'annbench compare' does: QPS at matched recall, a
regression needing both a loss beyond --threshold and a Mann–Whitney test
significant at the false-discovery rate --alpha over all rows.

Overrides apply to both sides; ab sets output and cache itself. The
config must be one both builds understand.

Everything goes to --out (default ./ab): runs/<side>-<round> (each run's
results), cache/<side>, bin/ (builds from source), base/ and new/ (the
merged results, readable by compare and plot), compare.md and
<dataset>/compare.png/.svg. --out must be new, empty or an earlier ab
directory. Exit status: 0 no regression, 1 a regression (or something
missing in NEW, unless --allow-missing) or a failed run, 2 a usage error.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) < 1 {
				return usageError{fmt.Errorf("%s: want a config file, then optional key=value overrides", c.CommandPath())}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if _, err := f.options(); err != nil {
				return err
			}
			if baseSpec == "" || newSpec == "" {
				return usageError{fmt.Errorf("ab: --base and --new are both required (an annbench binary or a source checkout each)")}
			}
			out := f.out
			if out == "" {
				out = "ab"
			}
			var flags []string
			if dataDir != "" {
				flags = []string{"--data", dataDir}
			}
			opt := ab.Options{Config: args[0], Overrides: args[1:], Flags: flags, Rounds: rounds, Dir: out, Log: c.ErrOrStderr()}
			if err := opt.Check(); err != nil {
				return usageError{err}
			}
			if err := ab.Clean(out); err != nil {
				return err
			}
			ctx, log := c.Context(), c.ErrOrStderr()
			var err error
			if opt.Base, err = ab.Prepare(ctx, baseSpec, ab.Base, filepath.Join(out, "bin"), log); err != nil {
				return err
			}
			if opt.New, err = ab.Prepare(ctx, newSpec, ab.New, filepath.Join(out, "bin"), log); err != nil {
				return err
			}
			runs, err := ab.Run(ctx, opt)
			if err != nil {
				return err
			}
			base, err := mergeRounds(runs.Base, filepath.Join(out, ab.Base), c)
			if err != nil {
				return fmt.Errorf("base: %w", err)
			}
			next, err := mergeRounds(runs.New, filepath.Join(out, ab.New), c)
			if err != nil {
				return fmt.Errorf("new: %w", err)
			}
			fmt.Fprintf(log, "ab: %d rounds per side, alternating; base %s, new %s; merged results in %s and %s\n",
				rounds, opt.Base, opt.New, filepath.Join(out, ab.Base), filepath.Join(out, ab.New))
			return f.compare(c.OutOrStdout(), log, base, next, out)
		},
	}
	c.Flags().StringVar(&baseSpec, "base", "", "BASE: an annbench binary or a source checkout to build")
	c.Flags().StringVar(&newSpec, "new", "", "NEW: an annbench binary or a source checkout to build")
	c.Flags().IntVar(&rounds, "rounds", 3, "runs per side, alternating base and new")
	c.Flags().StringVar(&dataDir, "data", "", "data directory passed to both sides' runs")
	f.register(c, "directory for the rounds, caches, merged results, compare.md and plots (default ./ab)")
	return c
}

// mergeRounds loads each round's results of one side, merges them and
// writes the merged result files to dir.
func mergeRounds(dirs []string, dir string, c *cobra.Command) ([]result.Result, error) {
	var rounds [][]result.Result
	for _, d := range dirs {
		rs, err := report.LoadWarn(d, c.ErrOrStderr())
		if err != nil {
			return nil, err
		}
		rounds = append(rounds, rs)
	}
	merged := ab.Merge(rounds...)
	if err := ab.Write(dir, merged); err != nil {
		return nil, err
	}
	return merged, nil
}
