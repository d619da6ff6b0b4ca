package groundtruth

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets"
)

// Options control Prepare.
type Options struct {
	// K is the number of neighbours a run scores per query; Prepare makes
	// sure there are min(K, base rows).
	K int
	// Depth is how many neighbours to compute when computing (default
	// max(K, 100), so later runs with a larger k reuse the lists).
	Depth int
	// Cache keeps computed lists; a zero Cache keeps none.
	Cache Cache
	// Recompute ignores the ground truth shipped with the dataset and uses
	// cached or freshly computed exact lists instead.
	Recompute bool
	// SpotCheck is the number of queries SpotCheck samples from ground
	// truth read from a file (0: SpotCheckQueries; negative: no check).
	SpotCheck int
	// Threads is the number of goroutines for exact search (0 = GOMAXPROCS).
	Threads int
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// Progress, when set, is told how many queries of a computation are
	// done (the stage "queries").
	Progress algorithms.Progress
}

// Prepare makes sure ds holds at least min(K, base rows) true neighbours
// for each of its current queries (limit ds.Query first):
//
//  1. ground truth shipped with the dataset and deep enough is used after
//     its ids are checked to lie in the base and SpotCheck agrees with it
//     (unless Recompute);
//  2. otherwise lists cached for exactly this content (Cache.Load) are used,
//     spot-checked too;
//  3. otherwise exact lists are computed (Compute) and stored in the cache;
//     a failure to store is logged, not fatal.
//
// A spot-check failure is an error naming the file and how to recompute.
// The lists replace ds.GroundTruth and ds.GroundTruthDist; mapped files are
// released by ds.Close.
func Prepare(ctx context.Context, ds *datasets.Dataset, opt Options) error {
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	need := min(opt.K, ds.Base.Rows)
	if opt.K <= 0 {
		return fmt.Errorf("dataset %s: ground truth: k must be positive, got %d", ds.Name, opt.K)
	}
	if need == 0 || ds.Query.Rows == 0 {
		return nil
	}
	if !opt.Recompute && ds.GroundTruth.Rows >= ds.Query.Rows && ds.GroundTruth.Dim >= need {
		src := shippedSource(ds)
		gt := ds.GroundTruth
		gt.Rows = ds.Query.Rows
		if err := gt.CheckIDs(ds.Base.Rows); err != nil {
			return fmt.Errorf("dataset %s: ground truth %s: %w", ds.Name, src, err)
		}
		if err := spotCheck(ctx, ds, opt, need); err != nil {
			return fmt.Errorf("dataset %s: ground truth %s: %w; the file is wrong or belongs to other data: replace it, or run with --recompute-ground-truth to use exact ground truth computed by annbench instead", ds.Name, src, err)
		}
		return nil
	}
	key, err := KeyOf(ds)
	if err != nil {
		return err
	}
	stored, err := opt.Cache.Load(key, need)
	if err != nil {
		return fmt.Errorf("dataset %s: %w", ds.Name, err)
	}
	if stored != nil {
		ds.AddCloser(stored)
		ds.GroundTruth, ds.GroundTruthDist = stored.IDs, stored.Dists
		if err := spotCheck(ctx, ds, opt, need); err != nil {
			return fmt.Errorf("dataset %s: cached ground truth %s: %w; delete it to have it recomputed", ds.Name, stored.Path, err)
		}
		fmt.Fprintf(log, "%s: ground truth from %s\n", ds.Name, stored.Path)
		return nil
	}
	depth := opt.Depth
	if depth <= 0 {
		depth = max(opt.K, 100)
	}
	depth = min(max(depth, need), ds.Base.Rows)
	fmt.Fprintf(log, "%s: computing exact ground truth (%d queries × %d base, top %d)\n", ds.Name, ds.Query.Rows, ds.Base.Rows, depth)
	start := time.Now()
	ids, dists, err := computeProgress(ctx, ds.Metric, ds.Base, ds.Query, depth, opt.Threads, algorithms.OrNoProgress(opt.Progress))
	if err != nil {
		return fmt.Errorf("dataset %s: %w", ds.Name, err)
	}
	fmt.Fprintf(log, "%s: ground truth took %.1fs\n", ds.Name, time.Since(start).Seconds())
	ds.GroundTruth, ds.GroundTruthDist = ids, dists
	if opt.Cache.Dir == "" {
		return nil
	}
	if path, err := opt.Cache.Store(key, ids, dists); err != nil {
		fmt.Fprintf(log, "%s: warning: ground truth not cached: %v\n", ds.Name, err)
	} else {
		fmt.Fprintf(log, "%s: ground truth cached in %s\n", ds.Name, path)
	}
	return nil
}

// spotCheck runs SpotCheck on ds's ground truth as opt asks.
func spotCheck(ctx context.Context, ds *datasets.Dataset, opt Options, k int) error {
	if opt.SpotCheck < 0 {
		return nil
	}
	return SpotCheck(ctx, ds.Metric, ds.Base, ds.Query, ds.GroundTruth, k, opt.SpotCheck, opt.Threads)
}

// shippedSource names the file ds's shipped ground truth was read from, for
// error messages.
func shippedSource(ds *datasets.Dataset) string {
	if e, err := datasets.Lookup(ds.Name); err == nil && ds.Dir != "" {
		for _, f := range e.Files {
			if f.Role != datasets.RoleGroundTruth {
				continue
			}
			p := filepath.Join(ds.Dir, f.Name)
			if f.Key != "" {
				p += ":" + f.Key
			}
			return p
		}
	}
	if ds.Dir != "" {
		return "shipped in " + ds.Dir
	}
	return "shipped with the dataset"
}
