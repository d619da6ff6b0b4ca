package result

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// fileDepth is the depth of result files below a run directory:
// <dataset>/<algorithm>/<file>.json.
const fileDepth = 3

// Files returns the paths of the result files of the run directory dir,
// sorted: the *.json files (any case of the extension) exactly at
// <dir>/<dataset>/<algorithm>/<file>.json, where Identity.Path puts them.
// Hidden directories, which no dataset or algorithm name can make (see
// CheckName), and anything deeper, such as another run kept inside dir
// (results/baseline/<dataset>/...), are passed over. Which of the files
// hold results of this schema is for Read or Decode to say.
func Files(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		depth := 0
		if rel, err := filepath.Rel(dir, path); err == nil && rel != "." {
			depth = len(strings.Split(rel, string(filepath.Separator)))
		}
		if d.IsDir() {
			if path != dir && (strings.HasPrefix(d.Name(), ".") || depth >= fileDepth) {
				return filepath.SkipDir
			}
			return nil
		}
		if depth == fileDepth && strings.EqualFold(filepath.Ext(path), ".json") {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}
