package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/annbench/annbench/runner"
	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/shard"
)

// shardFlags are the sharding flags of run and plan.
type shardFlags struct {
	shard  string
	shards int
	costs  string
}

func (f *shardFlags) register(c *cobra.Command, run bool) {
	if run {
		c.Flags().StringVar(&f.shard, "shard", "", "run only shard `i/n` (0-based) of the plan")
		c.Flags().IntVar(&f.shards, "shards", 0, "number of shards, with JOB_COMPLETION_INDEX (default $ANNBENCH_SHARDS)")
	} else {
		c.Flags().IntVar(&f.shards, "shards", 1, "number of shards")
	}
	c.Flags().StringVar(&f.costs, "costs", "", "balance by the measured times in this result `directory` (give every shard the same one)")
}

// assign cuts plan into shards by the estimated or measured costs.
func (f *shardFlags) assign(cfg *config.Config, plan *config.Plan, n int) ([]shard.Shard, error) {
	cost := shard.Estimate(cfg)
	if f.costs != "" {
		c, err := shard.Measured(cfg, f.costs)
		if err != nil {
			return nil, err
		}
		cost = c
	}
	return shard.Assign(plan, n, cost)
}

// choose returns the part of plan this process runs and, when sharded,
// the manifest to write: the --shard flag, else a batch engine's
// environment, else the whole plan. The run log names the shard, where
// its number came from and its groups.
func (f *shardFlags) choose(cfg *config.Config, plan *config.Plan, log io.Writer) (*config.Plan, *shard.Manifest, error) {
	var sel shard.Selection
	switch {
	case f.shard != "":
		s, err := shard.Parse(f.shard)
		if err != nil {
			return nil, nil, usageError{err}
		}
		if f.shards > 0 && f.shards != s.Count {
			return nil, nil, usageError{fmt.Errorf("--shard %s disagrees with --shards %d", f.shard, f.shards)}
		}
		sel = s
	default:
		s, ok, err := shard.FromEnv(os.Getenv, f.shards)
		if err != nil {
			return nil, nil, usageError{err}
		}
		if !ok {
			if f.shards > 1 {
				return nil, nil, usageError{fmt.Errorf("--shards %d without --shard i/n or %s: which shard is this?", f.shards, shard.EnvK8sIndex)}
			}
			return plan, nil, nil
		}
		sel = s
	}
	shards, err := f.assign(cfg, plan, sel.Count)
	if err != nil {
		return nil, nil, err
	}
	s := shards[sel.Index]
	names := make([]string, len(s.Groups))
	for i, g := range s.Groups {
		names[i] = g.Name
	}
	fmt.Fprintf(log, "shard %s (from %s): %d of %d build groups: %s\n", sel.Label(), sel.From, len(s.Groups), len(plan.Jobs), strings.Join(names, ", "))
	m := shard.NewManifest(shards, s, cfg.Source, sel.From, runner.CurrentMachine())
	return shard.Select(plan, s), m, nil
}

func newPlanCmd() *cobra.Command {
	var (
		sf     shardFlags
		format string
	)
	c := &cobra.Command{
		Use:   "plan [CONFIG] [key=value ...]",
		Short: "Print the build groups of a config split into shards, without running anything",
		Long: `Plan expands a config like 'run' and splits its build groups (one
index-parameter set with its query sweep each) into --shards shards,
balanced by an estimate of their cost (base size × dimension × an
algorithm weight, or --costs DIR: the measured times of a previous run).
'run --shard i/n' with the same config runs exactly the groups listed for
shard i.

--format json prints {"include": [{"shard": 0, "shards": n, ...}, ...]},
usable as a GitHub Actions matrix:
  matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`,
		RunE: func(c *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format %q: want text or json", format)}
			}
			cfg, plan, err := loadPlan(args)
			if err != nil {
				return err
			}
			shards, err := sf.assign(cfg, plan, sf.shards)
			if err != nil {
				return usageError{err}
			}
			if format == "json" {
				return writePlanJSON(c.OutOrStdout(), shards)
			}
			writePlanText(c.OutOrStdout(), plan, shards, sf.costs != "")
			return nil
		},
	}
	sf.register(c, false)
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}

// planEntry is one shard in the JSON plan (a GitHub Actions matrix entry).
type planEntry struct {
	Shard  int      `json:"shard"`
	Shards int      `json:"shards"`
	Label  string   `json:"label"`
	Cost   float64  `json:"cost"`
	Groups []string `json:"groups"`
}

func writePlanJSON(w io.Writer, shards []shard.Shard) error {
	out := struct {
		Include []planEntry `json:"include"`
	}{Include: []planEntry{}}
	for _, s := range shards {
		e := planEntry{Shard: s.Index, Shards: s.Count, Label: s.Label(), Cost: s.Cost, Groups: []string{}}
		for _, g := range s.Groups {
			e.Groups = append(e.Groups, g.Name)
		}
		out.Include = append(out.Include, e)
	}
	enc := json.NewEncoder(w)
	return enc.Encode(out)
}

func writePlanText(w io.Writer, plan *config.Plan, shards []shard.Shard, measured bool) {
	unit := "estimated cost"
	if measured {
		unit = "cost (measured seconds, estimates where unmeasured)"
	}
	width := 0
	for _, s := range shards {
		for _, g := range s.Groups {
			width = max(width, len(g.Name))
		}
	}
	fmt.Fprintf(w, "%d build groups in %d shards; %s per shard:\n", len(plan.Jobs), len(shards), unit)
	for _, s := range shards {
		fmt.Fprintf(w, "shard %s  %d groups  cost %.3f\n", s.Label(), len(s.Groups), s.Cost)
		for _, g := range s.Groups {
			fmt.Fprintf(w, "  %-*s  %.3f\n", width, g.Name, g.Cost)
		}
	}
}
