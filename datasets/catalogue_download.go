package datasets

import (
	"strconv"

	"github.com/annbench/annbench/datasets/vector"
)

// Download-only catalogue rows: TEXMEX tarballs, ann-benchmarks HDF5
// files, and big-ann subsets taken as a ranged prefix of the billion-scale
// files with the header's row count rewritten. Sizes are exact where the
// format fixes them; checksums are left empty (recorded in annbench.lock
// on first download) because none is published.

const (
	annBenchmarksBase = "https://ann-benchmarks.com/"
	bigannBase        = "https://dl.fbaipublicfiles.com/billion-scale-ann-benchmarks/"
	deepBase          = "https://storage.yandexcloud.net/yandex-research/ann-datasets/DEEP/"
	deep1bGTZip       = "https://github.com/matsui528/deep1b_gt/releases/download/v0.1.0/gt.zip"
)

var downloadCatalogue = []Entry{
	texmexEntry("sift1m", "sift", 128, 1000000, 10000, 100000,
		"ANN_SIFT1M from the TEXMEX corpus (Jégou, Douze, Schmid, INRIA): 1M SIFT descriptors, 10k queries, 100 exact neighbours per query; sift.tar.gz (≈161 MiB)."),
	texmexEntry("gist1m", "gist", 960, 1000000, 1000, 500000,
		"ANN_GIST1M from the TEXMEX corpus: 1M 960-d GIST descriptors, 1k queries, 100 exact neighbours per query; gist.tar.gz (≈2.6 GiB)."),
	{
		Name: "deep1m", Dim: 96, Metric: vector.L2, BaseCount: 1000000, QueryCount: 10000,
		Format: FormatFbin,
		Dir:    "deep-1m",
		Note: "Deep1M as annbench (Matsui) defines it: the first 1M vectors of Yandex Deep1B (GoogLeNet features, PCA to 96-d, unit length), " +
			"taken as a ranged prefix of big-ann's base.1B.fbin; 10k queries; ground truth deep1M_groundtruth.ivecs from matsui528/deep1b_gt (computed for the Deep1B query set).",
		Files: append(deepSet.files(1),
			File{Role: RoleGroundTruth, Name: "deep1M_groundtruth.ivecs", Format: FormatIvecs, URL: deep1bGTZip,
				Member: "deep1M_groundtruth.ivecs", Size: 10000 * (4 + 100*4)}),
	},
	annBenchmarks("sift-128-euclidean", 128, vector.L2, 1000000, 10000, "SIFT descriptors from TEXMEX ANN_SIFT1M (~501 MB)."),
	annBenchmarks("gist-960-euclidean", 960, vector.L2, 1000000, 1000, "GIST descriptors from TEXMEX ANN_GIST1M (~3.6 GB)."),
	annBenchmarks("fashion-mnist-784-euclidean", 784, vector.L2, 60000, 10000, "Fashion-MNIST images (~217 MB)."),
	annBenchmarks("mnist-784-euclidean", 784, vector.L2, 60000, 10000, "MNIST handwritten digits (~217 MB)."),
	annBenchmarks("glove-25-angular", 25, vector.Angular, 1183514, 10000, "GloVe word vectors, 25-d, Twitter corpus (~121 MB)."),
	annBenchmarks("glove-100-angular", 100, vector.Angular, 1183514, 10000, "GloVe word vectors, 100-d, Twitter corpus (~463 MB)."),
	annBenchmarks("nytimes-256-angular", 256, vector.Angular, 290000, 10000, "New York Times bag-of-words, 256-d projection (~301 MB)."),
	annBenchmarks("deep-image-96-angular", 96, vector.Angular, 9990000, 10000, "Deep1B image descriptors, 10M subset (~3.6 GB)."),
	bigannSet.entry("bigann-1m", 1, "big-ann-benchmarks BIGANN (SIFT1B, uint8): first 1M base vectors by ranged download with the header rewritten; 10k public queries; ground truth is computed exactly on first use."),
	bigannSet.entry("bigann-10m", 10, "big-ann-benchmarks BIGANN (SIFT1B, uint8): first 10M base vectors by ranged download; 10k public queries; published GT_10M ground truth (ids part)."),
	deepSet.entry("deep-1m", 1, "big-ann-benchmarks DEEP (Yandex Deep1B, float32): first 1M base vectors by ranged download; 10k public queries; ground truth is computed exactly on first use."),
	deepSet.entry("deep-10m", 10, "big-ann-benchmarks DEEP (Yandex Deep1B, float32): first 10M base vectors by ranged download; 10k public queries; published GT_10M ground truth (ids part)."),
}

// bigannGTIDBytes is the header plus the ids of a big-ann ground-truth
// file (10k queries × 100 int32 ids); the float32 distances that follow
// are not downloaded, which leaves a valid ibin file.
const bigannGTIDBytes = 8 + 10000*100*4

// annBenchmarks describes one ann-benchmarks HDF5 file: train is the base,
// test the queries, neighbors and distances the ground truth (100 per
// query).
func annBenchmarks(name string, dim int, m vector.Metric, base, query int, note string) Entry {
	file := name + ".hdf5"
	url := annBenchmarksBase + file
	return Entry{
		Name: name, Dim: dim, Metric: m, BaseCount: base, QueryCount: query,
		Format: FormatHDF5,
		Note:   "ann-benchmarks (Aumüller, Bernhardsson, Faithfull) HDF5: " + note,
		Files: []File{
			{Role: RoleBase, Name: file, Format: FormatHDF5, Key: "train", URL: url},
			{Role: RoleQuery, Name: file, Format: FormatHDF5, Key: "test", URL: url},
			{Role: RoleGroundTruth, Name: file, Format: FormatHDF5, Key: "neighbors", URL: url},
			{Role: RoleGroundTruthDistances, Name: file, Format: FormatHDF5, Key: "distances", URL: url},
		},
	}
}

// bigANNSet is one of big-ann-benchmarks' billion-scale sets: its name
// in the GT_10M file names, dimension, file format, bytes per component,
// and the directory holding base.1B and query.public.10K.
type bigANNSet struct {
	name      string
	dim       int
	format    Format
	elemBytes int
	dir       string
}

var (
	// bigannSet is BIGANN (SIFT1B), uint8.
	bigannSet = bigANNSet{name: "bigann", dim: 128, format: FormatU8bin, elemBytes: 1, dir: bigannBase + "bigann/"}
	// deepSet is DEEP (Yandex Deep1B), float32.
	deepSet = bigANNSet{name: "deep", dim: 96, format: FormatFbin, elemBytes: 4, dir: deepBase}
)

// files lists the base prefix (millions of vectors) and the public
// queries of s.
func (s bigANNSet) files(millions int) []File {
	rows := millions * 1000000
	size := int64(8 + rows*s.dim*s.elemBytes)
	ext := "." + string(s.format)
	return []File{
		{Role: RoleBase, Name: "base." + strconv.Itoa(millions) + "M" + ext, Format: s.format, URL: s.dir + "base.1B" + ext,
			Prefix: size, HeaderRows: rows, Size: size},
		{Role: RoleQuery, Name: "query.public.10K" + ext, Format: s.format, URL: s.dir + "query.public.10K" + ext,
			Size: int64(8 + 10000*s.dim*s.elemBytes)},
	}
}

// entry is the catalogue entry name for the first millions of base
// vectors of s. big-ann publishes ground truth for the 10M prefix
// (GT_10M), whose ids part the entry then includes; other prefixes get
// theirs computed on first use.
func (s bigANNSet) entry(name string, millions int, note string) Entry {
	e := Entry{
		Name: name, Dim: s.dim, Metric: vector.L2, BaseCount: millions * 1000000, QueryCount: 10000,
		Format: s.format, Note: note, Files: s.files(millions),
	}
	if millions == 10 {
		gt := s.name + "-10M"
		e.Files = append(e.Files, File{Role: RoleGroundTruth, Name: gt + ".gt.ibin", Format: FormatIbin,
			URL: bigannBase + "GT_10M/" + gt, Prefix: bigannGTIDBytes, Size: bigannGTIDBytes})
	}
	return e
}
