package main

import (
	"os"
	"strings"

	"github.com/annbench/annbench/runner/config"
)

// loadPlan loads the config and overrides named by args (see
// splitConfigArgs) and expands it.
func loadPlan(args []string) (*config.Config, *config.Plan, error) {
	path, overrides := splitConfigArgs(args)
	cfg, err := config.Load(path, overrides)
	if err != nil {
		return nil, nil, err
	}
	plan, err := cfg.Expand()
	if err != nil {
		return nil, nil, err
	}
	return cfg, plan, nil
}

// splitConfigArgs separates the optional config path (the first argument)
// from key=value overrides. The first argument is the path when it has no
// '=', when a file of that name exists, or when it looks like a file name
// rather than a key (a '/' before the '=', or a .yaml/.yml ending), so
// that a missing configs/a=b.yaml is reported as a missing file rather
// than as an unknown key.
func splitConfigArgs(args []string) (path string, overrides []string) {
	for i, a := range args {
		if i == 0 && isConfigPath(a) {
			path = a
			continue
		}
		overrides = append(overrides, a)
	}
	return path, overrides
}

func isConfigPath(a string) bool {
	eq := strings.IndexByte(a, '=')
	if eq < 0 {
		return true
	}
	if st, err := os.Stat(a); err == nil && !st.IsDir() {
		return true
	}
	lower := strings.ToLower(a)
	return strings.ContainsAny(a[:eq], `/\`) || strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml")
}
