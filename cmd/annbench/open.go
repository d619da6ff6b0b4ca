package main

import (
	"context"
	"io"

	"github.com/annbench/annbench/datasets"
)

// openDataset opens a catalogue dataset for a run.
func openDataset(ctx context.Context, name string, opt datasets.Options, download bool, log io.Writer) (*datasets.Dataset, error) {
	return datasets.Open(ctx, name, opt)
}
