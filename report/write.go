package report

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/annbench/annbench/datasets/atomicfile"
)

// writeFile writes data to path atomically: a reader never sees a
// half-written report, and an existing file survives a failed write.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
