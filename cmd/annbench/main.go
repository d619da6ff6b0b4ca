// Command annbench benchmarks approximate nearest neighbour indexes: it
// builds each configured index on each dataset, sweeps its query
// parameters, and reports recall against queries per second.
//
// It is wiring only, one file per subcommand: flags and output formatting
// around the packages that do the work (runner, runner/config,
// runner/shard, runner/ab, report, datasets, algorithms/groundtruth); no
// package imports it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := exitCode(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args. Ctrl-C cancels ctx, which every long
// step honours.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		return usageError{err}
	}
	return err
}

// usageError marks errors in how annbench was invoked or configured; they
// exit with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitCode prints err to stderr and maps it to the process exit status: 0
// for success, 2 for usage and configuration errors, 1 for everything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee exitStatusError
	if errors.As(err, &ee) {
		return int(ee)
	}
	fmt.Fprintln(stderr, "annbench:", err)
	var ue usageError
	var ce interface{ ConfigError() bool }
	if errors.As(err, &ue) || errors.As(err, &ce) {
		return 2
	}
	return 1
}

// exitStatusError carries a specific exit status (e.g. compare's 1 on
// regression) whose explanation was already printed.
type exitStatusError int

func (e exitStatusError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
