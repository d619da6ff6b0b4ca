package config

import (
	"strings"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// DatasetSpec is one item of the datasets list: a catalogue name (only
// Name set) or a dataset defined by its own files (Base set). Paths from a
// config file are made relative to the current directory by joining them
// to the config file's directory; paths from command-line overrides are
// taken as given (relative to the current directory).
type DatasetSpec struct {
	// Name is the catalogue name (in the catalogue's spelling after Load)
	// or the user's name for own data.
	Name string
	// Base is the base vectors file (.npy, .fvecs, .fbin, ... or
	// file.hdf5:/path); "" for a catalogue dataset.
	Base string
	// Queries is the query vectors file; "" when Holdout is used.
	Queries string
	// Holdout is the number of base rows drawn (seeded by Seed) as queries
	// and removed from the base; 0 when Queries is used.
	Holdout int
	// Seed seeds the held-out sample (default 0).
	Seed int64
	// Metric is the distance the data is searched with. Required for own
	// data.
	Metric vector.Metric
	// Labels is an optional file of one class id per base row.
	Labels string
	// QueriesLabels is an optional file of one class id per query (only
	// with Queries; held-out queries take their labels from Labels).
	QueriesLabels string
	// Attributes is an optional file of one integer attribute per base row,
	// the column range filters select on.
	Attributes string
	// GroundTruth is an optional ground-truth file (ivecs, ibin, .npy);
	// computed exactly when absent. Not allowed with Holdout.
	GroundTruth string
}

// Own reports whether the dataset is defined by its files rather than
// named from the catalogue.
func (s DatasetSpec) Own() bool { return s.Base != "" }

// Files returns the spec's files by key, in the order the keys are
// documented, skipping those not given.
func (s DatasetSpec) Files() [][2]string {
	var out [][2]string
	for _, f := range [][2]string{{"base", s.Base}, {"queries", s.Queries}, {"labels", s.Labels},
		{"queries_labels", s.QueriesLabels}, {"attributes", s.Attributes}, {"ground_truth", s.GroundTruth}} {
		if f[1] != "" {
			out = append(out, f)
		}
	}
	return out
}

// Dataset returns the spec of the dataset called name (catalogue spelling
// for catalogue datasets).
func (c *Config) Dataset(name string) (DatasetSpec, bool) {
	for _, d := range c.Datasets {
		if d.Name == name {
			return d, true
		}
	}
	return DatasetSpec{}, false
}

// DatasetNames returns the names of c.Datasets in order.
func (c *Config) DatasetNames() []string {
	out := make([]string, len(c.Datasets))
	for i, d := range c.Datasets {
		out[i] = d.Name
	}
	return out
}

// FilePath returns the file-system part of a data path: the file of an
// HDF5 path such as data.hdf5:/train, else p itself.
func FilePath(p string) string {
	for _, ext := range []string{".hdf5:", ".h5:"} {
		if i := strings.Index(strings.ToLower(p), ext); i >= 0 {
			return p[:i+len(ext)-1]
		}
	}
	return p
}

// Keys of an own-data dataset item, in the order messages list them.
var datasetKeys = []string{"name", "base", "queries", "holdout", "seed", "metric", "labels", "queries_labels", "attributes", "ground_truth"}

// FileSpec is the datasets package's description of the own data s
// defines (meaningful when s.Own()).
func (s DatasetSpec) FileSpec() datasets.FileSpec {
	return datasets.FileSpec{
		Name: s.Name, Base: s.Base, Queries: s.Queries, Holdout: s.Holdout, Seed: uint64(s.Seed),
		Metric: s.Metric, Labels: s.Labels, QueryLabels: s.QueriesLabels, Attributes: s.Attributes,
		GroundTruth: s.GroundTruth,
	}
}
