package main

import (
	"context"
	"io"
	"os"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/fetch"
	"github.com/annbench/annbench/runner/config"
)

// openRunDataset opens a dataset of a run: own data from the files the
// config names, catalogue data downloaded first when it is missing and
// download is allowed (with bars when log is a terminal).
func openRunDataset(ctx context.Context, cfg *config.Config, name string, opt datasets.Options, download bool, log io.Writer) (*datasets.Dataset, error) {
	if spec, ok := cfg.Dataset(name); ok && spec.Own() {
		return datasets.OpenFiles(ctx, spec.FileSpec(), opt)
	}
	var dl *datasets.DownloadOptions
	if download {
		dl = &datasets.DownloadOptions{Log: log}
		if f, ok := log.(*os.File); ok && fetch.IsTerminal(f) {
			dl.Progress = f
		}
	}
	return datasets.OpenDownloading(ctx, name, opt, dl)
}

// datasetAvailable reports whether the dataset can be opened by a run
// (datasets.Entry.Available); datasets defined in the config have their
// files' headers checked against each other, which reads no data.
func datasetAvailable(spec config.DatasetSpec, dataDir string, download bool) error {
	if spec.Own() {
		return spec.FileSpec().Check()
	}
	e, err := datasets.Lookup(spec.Name)
	if err != nil {
		return err
	}
	return e.Available(dataDir, download)
}
