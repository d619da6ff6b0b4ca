// Package configs holds the YAML configuration files annbench ships with,
// embedded so that a binary run from any directory has them: the
// quickstart run, per-algorithm default parameter grids under algorithms/,
// and per-dataset specializations under specialized/.
//
// It imports only embed.
package configs

import "embed"

// FS holds quickstart.yaml, algorithms/<algorithm>.yaml and
// specialized/<dataset>_<algorithm>.yaml, with paths relative to this
// directory.
//
//go:embed quickstart.yaml algorithms specialized
var FS embed.FS

// Quickstart is the path of the embedded default run within FS.
const Quickstart = "quickstart.yaml"
