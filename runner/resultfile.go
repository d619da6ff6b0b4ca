package runner

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/annbench/annbench/runner/result"
)

// existingResult returns the result already on disk at path, so a run can
// resume it; nil when there is none. A file there that holds another
// setup than id (edited by hand, or a hash collision) is an error rather
// than something to overwrite.
func existingResult(path string, id result.Identity) (*result.Result, error) {
	r, err := result.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w (move the file away, or use --force to re-measure and replace it)", err)
	}
	if got := r.Identity(); got.Key() != id.Key() {
		return nil, fmt.Errorf("result file %s holds %s %s on %s (%s), not the setup it is named for (%s); move it away",
			path, got.Algorithm, result.ParamString(got.IndexParams), got.Dataset, got.Setup(), id.Setup())
	}
	return r, nil
}
