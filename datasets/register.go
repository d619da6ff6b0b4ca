package datasets

import (
	"fmt"
	"strings"
)

// Register adds e to the catalogue, so Lookup, Open and Download find it by
// name: for tests and for datasets described in code (e.g. an
// ann-benchmarks-layout HDF5 file on an internal mirror). Call it before
// any concurrent use of the catalogue, such as from init or TestMain. It
// fails when the name is empty, taken, or claims the synthetic- prefix.
func Register(e Entry) error {
	switch {
	case e.Name == "":
		return fmt.Errorf("register dataset: empty name")
	case strings.HasPrefix(e.Name, "synthetic-"):
		return fmt.Errorf("register dataset %q: the synthetic- prefix is reserved for built-in data", e.Name)
	case e.synth != nil:
		return fmt.Errorf("register dataset %q: built-in entries cannot be registered", e.Name)
	case len(e.Files) == 0:
		return fmt.Errorf("register dataset %q: no files", e.Name)
	}
	if _, taken := byName[e.Name]; taken {
		return fmt.Errorf("register dataset %q: name already in the catalogue", e.Name)
	}
	if e.Metric != "" && !e.Metric.Valid() {
		return fmt.Errorf("register dataset %q: unknown metric %q (valid: l2, ip, angular)", e.Name, e.Metric)
	}
	byName[e.Name] = len(catalogue)
	catalogue = append(catalogue, e.clone())
	return nil
}
