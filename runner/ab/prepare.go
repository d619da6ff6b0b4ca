package ab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
)

// Prepare returns an annbench binary for one side. spec is either an
// executable file, used as it is, or a source checkout (a directory with
// go.mod and cmd/annbench), built with `go build` into dir as
// annbench-<side>. The build's output goes to log.
func Prepare(ctx context.Context, spec, side, dir string, log io.Writer) (string, error) {
	st, err := os.Stat(spec)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", side, spec, err)
	}
	if !st.IsDir() {
		if st.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%s %s: not executable; want an annbench binary or a source checkout", side, spec)
		}
		return filepath.Abs(spec)
	}
	for _, need := range []string{"go.mod", filepath.Join("cmd", "annbench")} {
		if _, err := os.Stat(filepath.Join(spec, need)); errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s %s: a directory without %s; want an annbench source checkout or binary", side, spec, need)
		}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("%s %s: building a source checkout needs the go command: %w", side, spec, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%s: %w", side, err)
	}
	out, err := filepath.Abs(filepath.Join(dir, "annbench-"+side))
	if err != nil {
		return "", err
	}
	fmt.Fprintf(log, "ab: building %s from %s\n", side, spec)
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", out, "./cmd/annbench")
	cmd.Dir = spec
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: go build in %s: %w", side, spec, err)
	}
	return out, nil
}
