package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/fetch"
	"github.com/annbench/annbench/runner/config"
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

// fileSpec converts a dataset defined in the config into the datasets
// package's description of own data.
func fileSpec(spec config.DatasetSpec) datasets.FileSpec {
	return datasets.FileSpec{
		Name: spec.Name, Base: spec.Base, Queries: spec.Queries, Holdout: spec.Holdout, Seed: uint64(spec.Seed),
		Metric: spec.Metric, Labels: spec.Labels, QueryLabels: spec.QueriesLabels, Attributes: spec.Attributes,
		GroundTruth: spec.GroundTruth,
	}
}

// openRunDataset opens a dataset of a run: own data from the files the
// config names, catalogue data as openDataset does.
func openRunDataset(ctx context.Context, cfg *config.Config, name string, opt datasets.Options, download bool, log io.Writer) (*datasets.Dataset, error) {
	if spec, ok := cfg.Dataset(name); ok && spec.Own() {
		return datasets.OpenFiles(ctx, fileSpec(spec), opt)
	}
	return openDataset(ctx, name, opt, download, log)
}

// datasetAvailable reports whether the dataset can be opened by a run:
// built in, on disk, or (when download is allowed) downloadable. Datasets
// defined in the config have their files' headers checked against each
// other (shapes, dimensions, metric), which reads no data.
func datasetAvailable(spec config.DatasetSpec, dataDir string, download bool) error {
	if spec.Own() {
		return fileSpec(spec).Check()
	}
	e, err := datasets.Lookup(spec.Name)
	if err != nil {
		return err
	}
	if dataDir == "" {
		dataDir = datasets.DefaultDataDir()
	}
	if e.Present(dataDir) {
		return nil
	}
	_, missing := e.Locate(dataDir)
	dir := e.SearchDirs(dataDir)[0]
	if !download {
		return fmt.Errorf("missing %s in %s and --no-download is set; run 'annbench download %s' first", strings.Join(missing, ", "), dir, spec.Name)
	}
	for _, f := range e.Files {
		if !f.Optional && f.URL == "" {
			return fmt.Errorf("missing %s in %s, and %s has no download address; %s", strings.Join(missing, ", "), dir, f.Name, e.Note)
		}
	}
	return nil
}
