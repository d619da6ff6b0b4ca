package ab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The two sides.
const (
	Base = "base"
	New  = "new"
)

// Options describe an A/B run.
type Options struct {
	// Base and New are the annbench binaries of the two sides.
	Base, New string
	// Config is the config file both sides run.
	Config string
	// Overrides are key=value overrides for both sides; output and cache
	// are set by Run and may not be among them.
	Overrides []string
	// Flags are extra flags of `annbench run` for both sides, e.g.
	// ["--data", "DIR"].
	Flags []string
	// Rounds is how many times each side runs (≥ 1).
	Rounds int
	// Dir holds the rounds' results (runs/<side>-<round>) and each side's
	// index cache (cache/<side>).
	Dir string
	// Log receives progress lines and the children's output; nil discards
	// them.
	Log io.Writer
}

// Check rejects options Run cannot use.
func (o Options) Check() error {
	if o.Rounds < 1 {
		return fmt.Errorf("ab: %d rounds: want at least 1", o.Rounds)
	}
	if o.Config == "" || strings.Contains(o.Config, "=") {
		return fmt.Errorf("ab: config %q: want the path of a config file (without '=')", o.Config)
	}
	for _, ov := range o.Overrides {
		key, _, _ := strings.Cut(ov, "=")
		if k := strings.TrimSpace(key); k == "output" || k == "cache" {
			return fmt.Errorf("ab: override %q: ab sets output and cache itself (under its directory)", ov)
		}
	}
	if o.Dir == "" {
		return errors.New("ab: no directory for the rounds")
	}
	return nil
}

// Rounds lists the result directories of each side, in round order.
type Rounds struct {
	Base, New []string
}

// Run runs the config with both binaries, alternating base, new, base,
// new, … for o.Rounds rounds, and returns where each run wrote its
// results. A failing run stops everything; the error names the round,
// the side and the binary. Cancelling ctx interrupts the child in
// progress (SIGINT, then SIGKILL after 10 s).
func Run(ctx context.Context, o Options) (Rounds, error) {
	var out Rounds
	if err := o.Check(); err != nil {
		return out, err
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	for r := 1; r <= o.Rounds; r++ {
		for _, side := range []string{Base, New} {
			bin, list := o.Base, &out.Base
			if side == New {
				bin, list = o.New, &out.New
			}
			dir := filepath.Join(o.Dir, "runs", side+"-"+strconv.Itoa(r))
			args := append([]string{"run", "--no-plots"}, o.Flags...)
			args = append(args, o.Config)
			args = append(args, o.Overrides...)
			args = append(args, "output="+dir, "cache="+filepath.Join(o.Dir, "cache", side))
			fmt.Fprintf(log, "ab: round %d/%d, %s: %s %s\n", r, o.Rounds, side, bin, strings.Join(args, " "))
			start := time.Now()
			if err := runChild(ctx, bin, args, log); err != nil {
				return out, fmt.Errorf("ab: round %d, %s (%s): %w", r, side, bin, err)
			}
			fmt.Fprintf(log, "ab: round %d/%d, %s: done in %.0fs\n", r, o.Rounds, side, time.Since(start).Seconds())
			*list = append(*list, dir)
		}
	}
	return out, nil
}

func runChild(ctx context.Context, bin string, args []string, log io.Writer) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	// The children render nothing, but keep them off the CI job page.
	cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY=")
	err := cmd.Run()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
