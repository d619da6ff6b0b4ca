package runner

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/annbench/annbench/runner/config"
)

// Prepare readies every dataset of plan for runs on other machines: it
// opens each one (through opt.Open, which may download it) and computes
// and stores its ground truth when the dataset has none deep enough,
// exactly as Run would before its first job, then closes it. Shards of a
// plan that all see the stored ground truth never disagree about it.
func Prepare(ctx context.Context, plan *config.Plan, opt Options) error {
	if opt.Open == nil {
		return errors.New("prepare: no dataset opener")
	}
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	out := opt.ProgressOut
	if out == nil {
		out = opt.Log
	}
	disp := newDisplay(opt.Progress, out, opt.ProgressInterval, 0)
	defer disp.close()
	for _, group := range byDataset(plan.Jobs) {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := group[0].Dataset
		disp.suspend()
		ds, err := openForRun(ctx, plan.Config, name, opt, disp, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "%s: ready (%d base, %d queries, ground truth top %d)\n", name, ds.Base.Rows, ds.Query.Rows, ds.GroundTruth.Dim)
		ds.Close()
	}
	return nil
}
