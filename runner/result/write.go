package result

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/annbench/annbench/datasets/atomicfile"
)

// Write writes r to path as indented JSON, atomically (see
// datasets/atomicfile), creating the directory when needed, so a reader or
// a crash never sees half a result.
func Write(path string, r *Result) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("write result %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, append(b, '\n'), 0o644)
}
