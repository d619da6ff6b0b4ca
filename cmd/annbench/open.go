package main

import (
	"context"
	"io"
	"os"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/fetch"
)

// openDataset opens a catalogue dataset for a run, downloading its files
// first when they are missing and download is allowed.
func openDataset(ctx context.Context, name string, opt datasets.Options, download bool, log io.Writer) (*datasets.Dataset, error) {
	e, err := datasets.Lookup(name)
	if err != nil {
		return nil, err
	}
	dd := opt.DataDir
	if dd == "" {
		dd = datasets.DefaultDataDir()
	}
	if download && !e.Builtin() && !e.Present(dd) {
		dopt := datasets.DownloadOptions{DataDir: dd, Log: log}
		if f, ok := log.(*os.File); ok && fetch.IsTerminal(f) {
			dopt.Progress = f
		}
		if err := e.Ensure(ctx, dopt); err != nil {
			return nil, err
		}
	}
	return e.Open(ctx, opt)
}
