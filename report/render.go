package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/annbench/annbench/runner/result"
)

// File names Render writes.
const (
	// RecallQPSFile is the base name of the recall-vs-QPS figure of a
	// dataset, written as .png and .svg in <dir>/<dataset>/.
	RecallQPSFile = "recall_qps"
	// KNNQPSFile is the base name of the kNN-accuracy-vs-QPS figure
	// (Options.KNNAccuracy), beside RecallQPSFile.
	KNNQPSFile = "knn_qps"
	// BuildFile is the base name of the build-time and index-size figure.
	BuildFile = "build"
	// SummaryFile is the markdown table of all datasets, in <dir>.
	SummaryFile = "summary.md"
	// HTMLFile is the self-contained report, in <dir>.
	HTMLFile = "report.html"
)

// Render writes the report of results into dir: for each dataset
// <dir>/<dataset>/recall_qps.{png,svg} and build.{png,svg} (in
// <dir>/<dataset>/<setup>/ per setup when the dataset was measured under
// several, e.g. k10-single-t1-q100 and k10-batch-t2-q100), then
// <dir>/<dataset>/qps_selectivity.{png,svg} for a dataset measured under
// filter workloads, <dir>/summary.md (also appended to opt.StepSummary or
// $GITHUB_STEP_SUMMARY) and the self-contained <dir>/report.html. Every
// file is written atomically.
func Render(dir string, results []result.Result, opt Options) error {
	if len(results) == 0 {
		return errors.New("render report: no results")
	}
	warn := opt.warn()
	targets := opt.targets()
	groups := byDataset(results)
	for _, g := range groups {
		sub := filepath.Join(dir, g.Dir)
		f, err := recallQPSFigure(g, opt, warn)
		if err != nil {
			return fmt.Errorf("render report: %s: %w", g.Name, err)
		}
		if err := writeFigure(f, filepath.Join(sub, RecallQPSFile)); err != nil {
			return fmt.Errorf("render report: %s: %w", g.Name, err)
		}
		if opt.KNNAccuracy {
			if kg, ok := knnView(g); ok {
				kf, err := accuracyQPSFigure(kg, opt, warn, "kNN accuracy@")
				if err != nil {
					return fmt.Errorf("render report: %s: %w", g.Name, err)
				}
				if err := writeFigure(kf, filepath.Join(sub, KNNQPSFile)); err != nil {
					return fmt.Errorf("render report: %s: %w", g.Name, err)
				}
			} else {
				fmt.Fprintf(warn, "warning: %s: no point carries a kNN accuracy (the dataset has no labels): no %s figure\n", g.Name, KNNQPSFile)
			}
		}
		bf, err := buildFigure(g, opt, warn)
		if err != nil {
			return fmt.Errorf("render report: %s: %w", g.Name, err)
		}
		if err := writeFigure(bf, filepath.Join(sub, BuildFile)); err != nil {
			return fmt.Errorf("render report: %s: %w", g.Name, err)
		}
	}
	for _, g := range selectivityGroups(results, SelectivityTargets) {
		f, err := selectivityFigure(g, SelectivityTargets, opt)
		if err != nil {
			return fmt.Errorf("render report: %s: %w", g.Name, err)
		}
		if err := writeFigure(f, filepath.Join(dir, g.Dir, SelectivityFile)); err != nil {
			return fmt.Errorf("render report: %s: %w", g.Name, err)
		}
	}
	var md bytes.Buffer
	if err := WriteSummary(&md, results, targets); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, SummaryFile), md.Bytes()); err != nil {
		return err
	}
	if path := opt.stepSummary(); path != "" {
		if err := appendFile(path, md.Bytes()); err != nil {
			return fmt.Errorf("render report: step summary: %w", err)
		}
	}
	page, err := writeHTML(results, groups, targets)
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, HTMLFile), page)
}

// writeFigure writes base.png and base.svg.
func writeFigure(f *figure, base string) error {
	png, err := f.render("png")
	if err != nil {
		return err
	}
	if err := writeFile(base+".png", png); err != nil {
		return err
	}
	svg, err := f.render("svg")
	if err != nil {
		return err
	}
	return writeFile(base+".svg", svg)
}

// FigureDirs returns the directories under dir that Render writes the
// figures of results to: one per dataset (and setup, when a dataset was
// measured under several), sorted.
func FigureDirs(dir string, results []result.Result) []string {
	var out []string
	for _, g := range byDataset(results) {
		out = append(out, filepath.Join(dir, g.Dir))
	}
	sort.Strings(out)
	return out
}

// appendFile appends data to path, creating it if needed.
func appendFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// safeName turns a dataset name into one path element.
func safeName(name string) string {
	s := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '-'
		}
		return r
	}, name)
	if s == "" || s == "." || s == ".." {
		return "dataset-" + strings.ReplaceAll(s, ".", "_")
	}
	return s
}
