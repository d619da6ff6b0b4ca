package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CheckOutputCache reports whether output and cache overlap: the cache's
// metadata files and result files share the <dataset>/<algorithm>/ layout,
// so one directory, or one inside the other, would mix them. Paths are
// compared absolute and with symbolic links resolved in the part that
// exists, so two spellings of one directory are caught. On overlap it
// returns the config key to blame ("cache" or "output") and an error
// saying what to do; an empty cache (caching off) never overlaps.
func CheckOutputCache(output, cache string) (key string, err error) {
	if output == "" || cache == "" {
		return "", nil
	}
	out, err1 := realPath(output)
	c, err2 := realPath(cache)
	if err1 != nil || err2 != nil {
		return "", nil // unresolvable paths fail later, naming themselves
	}
	switch {
	case out == c:
		return "cache", fmt.Errorf("cache is the output directory %s; give the index cache its own directory (e.g. cache: interim) or cache: \"\" to disable it", output)
	case inside(c, out):
		return "cache", fmt.Errorf("cache %s is inside the output directory %s; give it a directory of its own", cache, output)
	case inside(out, c):
		return "output", fmt.Errorf("output %s is inside the index cache %s; give it a directory of its own", output, cache)
	}
	return "", nil
}

// realPath makes p absolute and resolves symbolic links in the part of it
// that exists.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for cur := abs; ; {
		r, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(r, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// inside reports whether path lies strictly inside dir (both clean and
// absolute).
func inside(path, dir string) bool {
	return path != dir && (strings.HasPrefix(path, dir+string(os.PathSeparator)) || dir == string(os.PathSeparator))
}
