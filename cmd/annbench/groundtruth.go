package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/annbench/annbench/algorithms/groundtruth"
	"github.com/annbench/annbench/datasets"
	"github.com/spf13/cobra"
)

func newGroundTruthCmd() *cobra.Command {
	var (
		k, threads     int
		dataDir, cache string
		outDir         string
		maxQ, maxBase  int
		force          bool
	)
	c := &cobra.Command{
		Use:   "groundtruth DATASET",
		Short: "Compute exact ground truth for a dataset (ivecs ids + fvecs distances)",
		Long: `Groundtruth computes the exact k nearest base vectors of every query of
DATASET by a blocked exact scan on all cores, and writes the ids as ivecs and
the distances (Euclidean for l2, inner product for ip, 1 - cosine for angular)
as fvecs. Without --out the files go where annbench run looks for cached
ground truth: under --cache, keyed by a fingerprint of the dataset's
content. --out never writes into the dataset's own directory and never
replaces existing files unless --force.`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if k <= 0 {
				return usageError{fmt.Errorf("groundtruth: -k must be positive, got %d", k)}
			}
			opt := datasets.Options{DataDir: dataDir, CacheDir: cache, MaxQueries: maxQ, MaxBase: maxBase}
			ds, err := datasets.Open(c.Context(), args[0], opt)
			if err != nil {
				return err
			}
			defer ds.Close()
			if outDir != "" {
				if err := checkGroundTruthOut(ds, outDir, force); err != nil {
					return err
				}
			}
			start := time.Now()
			ids, dists, err := groundtruth.Compute(c.Context(), ds.Metric, ds.Base, ds.Query, k, threads)
			if err != nil {
				return err
			}
			elapsed := time.Since(start)
			if outDir != "" {
				if err := os.MkdirAll(outDir, 0o755); err != nil {
					return fmt.Errorf("groundtruth: %w", err)
				}
				idPath, distPath := groundTruthOutPaths(ds, outDir)
				if err := datasets.WriteIvecs(idPath, ids); err != nil {
					return err
				}
				if err := datasets.WriteFvecs(distPath, dists); err != nil {
					return err
				}
				fmt.Fprintf(c.OutOrStdout(), "wrote %s and %s\n", idPath, distPath)
			} else {
				key, err := groundtruth.KeyOf(ds)
				if err != nil {
					return err
				}
				path, err := groundtruth.Cache{Dir: cache}.Store(key, ids, dists)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.OutOrStdout(), "wrote %s\n", path)
			}
			fmt.Fprintf(c.OutOrStdout(), "%s: top %d for %d queries over %d base vectors in %.2fs\n",
				ds.Name, ids.Dim, ds.Query.Rows, ds.Base.Rows, elapsed.Seconds())
			return nil
		},
	}
	f := c.Flags()
	f.IntVarP(&k, "k", "k", 100, "neighbours per query")
	f.IntVar(&threads, "threads", 0, "goroutines (0 = all cores)")
	f.StringVar(&dataDir, "data", "", "data directory (default $ANNBENCH_DATA, else ./data)")
	f.StringVar(&cache, "cache", "interim", "where ground truth of built-in or read-only data is cached")
	f.StringVar(&outDir, "out", "", "write <dataset>_groundtruth.ivecs and _distances.fvecs into this directory instead")
	f.BoolVar(&force, "force", false, "with --out: replace ground-truth files annbench wrote there before")
	f.IntVar(&maxQ, "queries", 0, "use only the first N queries (0 = all)")
	f.IntVar(&maxBase, "base", 0, "use only the first N base vectors (0 = all)")
	return c
}

// groundTruthOutPaths returns the id and distance files --out writes.
func groundTruthOutPaths(ds *datasets.Dataset, outDir string) (ids, dists string) {
	return filepath.Join(outDir, ds.Name+"_groundtruth.ivecs"), filepath.Join(outDir, ds.Name+"_groundtruth_distances.fvecs")
}

// checkGroundTruthOut refuses an --out that would overwrite a publisher's
// files: the dataset's own directory always, existing files unless force.
func checkGroundTruthOut(ds *datasets.Dataset, outDir string, force bool) error {
	if ds.Dir != "" && sameDir(outDir, ds.Dir) {
		return usageError{fmt.Errorf("groundtruth: --out %s is the dataset's own directory; annbench never writes beside a publisher's files (choose another directory)", outDir)}
	}
	if force {
		return nil
	}
	idPath, distPath := groundTruthOutPaths(ds, outDir)
	for _, p := range []string{idPath, distPath} {
		if _, err := os.Stat(p); err == nil {
			return usageError{fmt.Errorf("groundtruth: %s exists; pass --force to replace it or choose another --out", p)}
		}
	}
	return nil
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	aa, _ := filepath.Abs(a)
	ab, _ := filepath.Abs(b)
	return aa == ab
}
