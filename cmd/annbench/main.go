// Command annbench benchmarks approximate nearest neighbour indexes: it
// builds each configured index on each dataset, sweeps its query
// parameters, and reports recall against queries per second.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:])))
}

// run executes the command line args with a context that Ctrl-C cancels.
func run(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

// usageError marks errors in how annbench was invoked or configured; they
// exit with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitCode prints err and maps it to the process exit status: 0 for
// success, 2 for usage and configuration errors, 1 for everything else.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "annbench:", err)
	var ue usageError
	var ce interface{ ConfigError() bool }
	if errors.As(err, &ue) || errors.As(err, &ce) {
		return 2
	}
	var ee exitStatusError
	if errors.As(err, &ee) {
		return int(ee)
	}
	return 1
}

// exitStatusError carries a specific exit status (e.g. compare's 1 on
// regression) whose message was already printed.
type exitStatusError int

func (e exitStatusError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
