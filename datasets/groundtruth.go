package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/annbench/annbench/datasets/vector"
)

// Computed ground truth is stored as a pair of TEXMEX files named
//
//	<dataset>_groundtruth_k<k>_q<queries>_b<base>.ivecs            (ids)
//	<dataset>_groundtruth_distances_k<k>_q<queries>_b<base>.fvecs  (distances)
//
// in the dataset's directory (Dataset.Dir) when it is writable, not marked
// read-only (no owner write bit) and not a system directory such as
// /usr/share/datasets/..., otherwise in
// <cacheDir>/<dataset>/ (always so for built-in synthetic data). queries and
// base are the numbers of query and base vectors it was computed for, so a
// run limited with MaxQueries or MaxBase never picks up lists that belong to
// other data. Open looks in both places and uses the stored file with the
// largest k when it is longer than the shipped ground truth.

// gtFileNames returns the id and distance file names for the given shape.
func gtFileNames(name string, k, queries, base int) (ids, dists string) {
	suffix := fmt.Sprintf("_k%d_q%d_b%d", k, queries, base)
	return name + "_groundtruth" + suffix + ".ivecs", name + "_groundtruth_distances" + suffix + ".fvecs"
}

// parseGTName reads k, queries and base back from an id file name.
func parseGTName(name, file string) (k, queries, base int, ok bool) {
	rest, found := strings.CutPrefix(file, name+"_groundtruth_k")
	if !found {
		return 0, 0, 0, false
	}
	rest, found = strings.CutSuffix(rest, ".ivecs")
	if !found {
		return 0, 0, 0, false
	}
	if _, err := fmt.Sscanf(rest, "%d_q%d_b%d", &k, &queries, &base); err != nil {
		return 0, 0, 0, false
	}
	// Reject names that only start like ours.
	if ids, _ := gtFileNames(name, k, queries, base); ids != file {
		return 0, 0, 0, false
	}
	return k, queries, base, true
}

// gtDirs returns the directories stored ground truth may live in.
func (d *Dataset) gtDirs(cacheDir string) []string {
	var dirs []string
	if d.Dir != "" {
		dirs = append(dirs, d.Dir)
	}
	if cacheDir != "" {
		dirs = append(dirs, filepath.Join(cacheDir, d.Name))
	}
	return dirs
}

// StoreGroundTruth saves computed ground truth for the dataset's current
// queries and base: ids (one row of k neighbour ids per query, nearest
// first) and optionally dists (same shape; pass a Matrix with Rows == 0 to
// store ids only). Distances are stored as given; use the published
// conventions that GroundTruthDist holds for shipped files: Euclidean (not
// squared) for l2, the inner product for ip, and the cosine distance
// 1 - cos for angular (as ann-benchmarks writes them). Files go beside the data (Dir)
// or, for built-in data or when Dir is not writable, under cacheDir (see the
// naming above). On success the dataset's GroundTruth and GroundTruthDist are
// replaced when the stored lists are at least as long as the current ones.
func (d *Dataset) StoreGroundTruth(k int, ids vector.IDMatrix, dists vector.Matrix, cacheDir string) error {
	if k <= 0 || ids.Dim != k {
		return fmt.Errorf("store ground truth for %s: k=%d but the id lists have %d entries", d.Name, k, ids.Dim)
	}
	if ids.Rows != d.Query.Rows {
		return fmt.Errorf("store ground truth for %s: %d id lists for %d queries", d.Name, ids.Rows, d.Query.Rows)
	}
	if err := checkIDs(ids, d.Base.Rows); err != nil {
		return fmt.Errorf("store ground truth for %s: %w", d.Name, err)
	}
	if dists.Rows != 0 && (dists.Rows != ids.Rows || dists.Dim != ids.Dim) {
		return fmt.Errorf("store ground truth for %s: distances are %d×%d but ids are %d×%d",
			d.Name, dists.Rows, dists.Dim, ids.Rows, ids.Dim)
	}
	idName, distName := gtFileNames(d.Name, k, d.Query.Rows, d.Base.Rows)
	var errs []error
	for _, dir := range d.gtDirs(cacheDir) {
		if dir == d.Dir && (!ownerWritable(dir) || d.inSystemDir()) {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		// Distances first: a reader only looks for them once the id file
		// exists, so it never sees ids without the distances written with
		// them.
		if dists.Rows != 0 {
			if err := WriteFvecs(filepath.Join(dir, distName), dists); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if err := WriteIvecs(filepath.Join(dir, idName), ids); err != nil {
			errs = append(errs, err)
			continue
		}
		if k >= d.GroundTruth.Dim {
			d.GroundTruth = ids
			d.GroundTruthDist = dists
		}
		return nil
	}
	if len(errs) == 0 {
		return fmt.Errorf("store ground truth for %s: no directory to write to (built-in data needs a cache directory)", d.Name)
	}
	return fmt.Errorf("store ground truth for %s: %w", d.Name, errors.Join(errs...))
}

// ownerWritable reports whether dir's permission bits allow its owner to
// write. Directories marked read-only (such as shared reference data) are
// left alone even when the process could write anyway, as root can.
func ownerWritable(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.Mode().Perm()&0o200 != 0
}

// inSystemDir reports whether the dataset was found in one of its entry's
// system directories (a distribution package's files), which annbench does
// not write into.
func (d *Dataset) inSystemDir() bool {
	e, err := Lookup(d.Name)
	if err != nil {
		return false
	}
	for _, s := range e.SystemDirs {
		if filepath.Clean(s) == filepath.Clean(d.Dir) {
			return true
		}
	}
	return false
}

// loadStoredGroundTruth replaces the dataset's ground truth by a stored one
// with more neighbours per query, if there is one.
func (d *Dataset) loadStoredGroundTruth(cacheDir string) error {
	bestK, bestPath, bestDir := d.GroundTruth.Dim, "", ""
	if d.GroundTruth.Rows == 0 {
		bestK = 0
	}
	for _, dir := range d.gtDirs(cacheDir) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue // a missing cache directory is normal
		}
		for _, de := range entries {
			k, q, b, ok := parseGTName(d.Name, de.Name())
			if !ok || b != d.Base.Rows || q < d.Query.Rows || k <= bestK {
				continue
			}
			bestK, bestPath, bestDir = k, filepath.Join(dir, de.Name()), dir
		}
	}
	if bestPath == "" {
		return nil
	}
	ids, c, err := ReadIvecs(bestPath, d.Query.Rows)
	if err != nil {
		return fmt.Errorf("dataset %s: stored ground truth: %w", d.Name, err)
	}
	d.AddCloser(c)
	if ids.Rows != d.Query.Rows || ids.Dim != bestK {
		return fmt.Errorf("dataset %s: stored ground truth %s holds %d×%d ids, its name says %d×%d (delete it to recompute)",
			d.Name, bestPath, ids.Rows, ids.Dim, d.Query.Rows, bestK)
	}
	if err := checkIDs(ids, d.Base.Rows); err != nil {
		return fmt.Errorf("dataset %s: stored ground truth %s: %w (delete it to recompute)", d.Name, bestPath, err)
	}
	var dists vector.Matrix
	k, q, b, _ := parseGTName(d.Name, filepath.Base(bestPath))
	_, distName := gtFileNames(d.Name, k, q, b)
	if distPath := filepath.Join(bestDir, distName); exists(distPath) {
		m, c, err := ReadFvecs(distPath, d.Query.Rows)
		if err != nil {
			return fmt.Errorf("dataset %s: stored ground truth: %w", d.Name, err)
		}
		d.AddCloser(c)
		if m.Rows != ids.Rows || m.Dim != ids.Dim {
			return fmt.Errorf("dataset %s: stored ground-truth distances %s are %d×%d, ids are %d×%d (delete both to recompute)",
				d.Name, distPath, m.Rows, m.Dim, ids.Rows, ids.Dim)
		}
		dists = m
	}
	d.GroundTruth, d.GroundTruthDist = ids, dists
	return nil
}
