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
	)
	c := &cobra.Command{
		Use:   "groundtruth DATASET",
		Short: "Compute exact ground truth for a dataset (ivecs ids + fvecs distances)",
		Long: `Groundtruth computes the exact k nearest base vectors of every query of
DATASET by a blocked exact scan on all cores, and writes the ids as ivecs and
the distances (Euclidean for l2, inner product for ip, 1 - cosine for angular)
as fvecs. Without --out the files go where annbench run looks for cached
ground truth: beside the data, or under --cache for built-in and read-only
data.`,
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
				idPath := filepath.Join(outDir, ds.Name+"_groundtruth.ivecs")
				distPath := filepath.Join(outDir, ds.Name+"_groundtruth_distances.fvecs")
				if err := datasets.WriteIvecs(idPath, ids); err != nil {
					return err
				}
				if err := datasets.WriteFvecs(distPath, dists); err != nil {
					return err
				}
				fmt.Fprintf(c.OutOrStdout(), "wrote %s and %s\n", idPath, distPath)
			} else if err := ds.StoreGroundTruth(ids.Dim, ids, dists, cache); err != nil {
				return err
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
	f.IntVar(&maxQ, "queries", 0, "use only the first N queries (0 = all)")
	f.IntVar(&maxBase, "base", 0, "use only the first N base vectors (0 = all)")
	return c
}
