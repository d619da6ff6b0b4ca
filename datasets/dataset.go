package datasets

import (
	"io"

	"github.com/annbench/annbench/datasets/vector"
)

// Dataset is an opened dataset: base vectors to index, query vectors, and
// whatever else its files provide. Vectors of an Angular dataset are already
// normalized to unit length.
type Dataset struct {
	// Name is the catalogue name, e.g. "siftsmall" or "synthetic-20k-64".
	Name string
	// Metric is the distance the ground truth was computed with.
	Metric vector.Metric
	// Base holds the vectors to index.
	Base vector.Matrix
	// Query holds the query vectors.
	Query vector.Matrix
	// Train holds a separate learn/train split, or has Rows == 0.
	Train vector.Matrix
	// GroundTruth holds, per query, the ids of the nearest base vectors,
	// nearest first, or has Rows == 0 when the files provide none.
	GroundTruth vector.IDMatrix
	// GroundTruthDist holds the distances matching GroundTruth (as the
	// publisher wrote them: Euclidean, not squared, for l2), or has Rows == 0.
	GroundTruthDist vector.Matrix
	// BaseLabels and QueryLabels hold class labels when the dataset has them.
	BaseLabels, QueryLabels []int32
	// Attributes holds one integer attribute per base vector (for range
	// filters), or is nil.
	Attributes []int64
	// Holdout records the base rows held out as queries (own data with
	// holdout), or is nil.
	Holdout *Holdout
	// Dir is the directory the files were read from ("" for built-in data).
	// Computed ground truth is cached there.
	Dir string

	closers []io.Closer
	fp      fingerprintState
}

// Close releases memory mappings and open files. Matrices of the dataset
// must not be used afterwards.
func (d *Dataset) Close() error {
	var first error
	for i := len(d.closers) - 1; i >= 0; i-- {
		if err := d.closers[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	d.closers = nil
	return first
}

// AddCloser registers c to be closed by Close, for readers that hand out
// memory-mapped matrices.
func (d *Dataset) AddCloser(c io.Closer) { d.closers = append(d.closers, c) }
