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
		Files: append(deepSubset(1),
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
	{
		Name: "bigann-1m", Dim: 128, Metric: vector.L2, BaseCount: 1000000, QueryCount: 10000,
		Format: FormatU8bin,
		Note:   "big-ann-benchmarks BIGANN (SIFT1B, uint8): first 1M base vectors by ranged download with the header rewritten; 10k public queries; ground truth is computed exactly on first use.",
		Files:  bigannSubset(1),
	},
	{
		Name: "bigann-10m", Dim: 128, Metric: vector.L2, BaseCount: 10000000, QueryCount: 10000,
		Format: FormatU8bin,
		Note:   "big-ann-benchmarks BIGANN (SIFT1B, uint8): first 10M base vectors by ranged download; 10k public queries; published GT_10M ground truth (ids part).",
		Files: append(bigannSubset(10), File{Role: RoleGroundTruth, Name: "bigann-10M.gt.ibin", Format: FormatIbin,
			URL: bigannBase + "GT_10M/bigann-10M", Prefix: bigannGTIDBytes, Size: bigannGTIDBytes}),
	},
	{
		Name: "deep-1m", Dim: 96, Metric: vector.L2, BaseCount: 1000000, QueryCount: 10000,
		Format: FormatFbin,
		Note:   "big-ann-benchmarks DEEP (Yandex Deep1B, float32): first 1M base vectors by ranged download; 10k public queries; ground truth is computed exactly on first use.",
		Files:  deepSubset(1),
	},
	{
		Name: "deep-10m", Dim: 96, Metric: vector.L2, BaseCount: 10000000, QueryCount: 10000,
		Format: FormatFbin,
		Note:   "big-ann-benchmarks DEEP (Yandex Deep1B, float32): first 10M base vectors by ranged download; 10k public queries; published GT_10M ground truth (ids part).",
		Files: append(deepSubset(10), File{Role: RoleGroundTruth, Name: "deep-10M.gt.ibin", Format: FormatIbin,
			URL: bigannBase + "GT_10M/deep-10M", Prefix: bigannGTIDBytes, Size: bigannGTIDBytes}),
	},
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

// bigannSubset lists the base prefix (millions of uint8 vectors) and the
// public queries of big-ann's BIGANN set.
func bigannSubset(millions int) []File {
	rows := millions * 1000000
	size := int64(8 + rows*128)
	return []File{
		{Role: RoleBase, Name: "base." + strconv.Itoa(millions) + "M.u8bin", Format: FormatU8bin, URL: bigannBase + "bigann/base.1B.u8bin",
			Prefix: size, HeaderRows: rows, Size: size},
		{Role: RoleQuery, Name: "query.public.10K.u8bin", Format: FormatU8bin, URL: bigannBase + "bigann/query.public.10K.u8bin",
			Size: 8 + 10000*128},
	}
}

// deepSubset is bigannSubset for the float32 DEEP set.
func deepSubset(millions int) []File {
	rows := millions * 1000000
	size := int64(8 + rows*96*4)
	return []File{
		{Role: RoleBase, Name: "base." + strconv.Itoa(millions) + "M.fbin", Format: FormatFbin, URL: deepBase + "base.1B.fbin",
			Prefix: size, HeaderRows: rows, Size: size},
		{Role: RoleQuery, Name: "query.public.10K.fbin", Format: FormatFbin, URL: deepBase + "query.public.10K.fbin",
			Size: 8 + 10000*96*4},
	}
}
