package algorithms

import (
	"context"
	"fmt"

	"github.com/annbench/annbench/datasets/vector"
)

// Factory makes an empty index for vectors of dimension dim compared with
// metric, configured by index-time parameters that Spec.Normalize checked.
type Factory func(metric vector.Metric, dim int, index Params) (Index, error)

// Algorithm describes one adapter for the registry.
type Algorithm struct {
	// Name is the key used in configs, e.g. "hnsw".
	Name string
	// Doc is a one-line description shown by `annbench list algorithms`.
	Doc string
	// Metrics lists the metrics the adapter supports.
	Metrics []vector.Metric
	// Params lists every index-time and query-time parameter.
	Params Spec
	// New makes an unbuilt index.
	New Factory
	// Check, when set, reports whatever would make every run of the
	// algorithm fail (a missing library or interpreter); the runner calls
	// it once before the sweep starts.
	Check func(ctx context.Context) error
}

// Supports reports whether the algorithm handles metric m.
func (a Algorithm) Supports(m vector.Metric) bool {
	for _, x := range a.Metrics {
		if x == m {
			return true
		}
	}
	return false
}

// CheckShape returns an error unless metric is supported and dim is
// positive; every adapter's constructor calls it first.
func CheckShape(metric vector.Metric, dim int) error {
	if !metric.Valid() {
		return fmt.Errorf("unknown metric %q (valid: l2, ip, angular)", metric)
	}
	if dim <= 0 {
		return fmt.Errorf("dimension must be positive, got %d", dim)
	}
	return nil
}

// CheckBase returns an error unless base is a well-formed matrix whose rows
// have dimension dim; an empty base, whatever its dimension, builds the
// empty index. Every built-in index's Build calls it first.
func CheckBase(base vector.Matrix, dim int) error {
	if err := base.Validate(); err != nil {
		return fmt.Errorf("base: %w", err)
	}
	if base.Rows > 0 && base.Dim != dim {
		return fmt.Errorf("base dimension %d, index dimension %d", base.Dim, dim)
	}
	return nil
}
