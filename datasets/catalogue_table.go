package datasets

import "github.com/annbench/annbench/datasets/vector"

// catalogue lists the file-based datasets. Adding a dataset is adding a row;
// Open reads any entry whose files use formats in fileReaders.
var catalogue = append([]Entry{
	{
		Name: "siftsmall", Dim: 128, Metric: vector.L2, BaseCount: 10000, QueryCount: 100,
		Format: FormatFvecs,
		Note:   "ANN_SIFT10K from the TEXMEX corpus (Jégou, Douze, Schmid, INRIA): SIFT descriptors, 100 exact neighbours per query.",
		Files: []File{
			texmex("siftsmall", RoleBase, "siftsmall_base.fvecs", FormatFvecs, 5160000, "1e90414a3254361aba48a0d58e461f7661fb135dabb3da985290e94de8f60fe0", false),
			texmex("siftsmall", RoleQuery, "siftsmall_query.fvecs", FormatFvecs, 51600, "095af38bda2741be721447ba97e9286fa918ece946be92a9ae133276eddc1a10", false),
			texmex("siftsmall", RoleGroundTruth, "siftsmall_groundtruth.ivecs", FormatIvecs, 40400, "b0717bf276111a166f14dcc2653fd04465b2afd6d34c72be641b622cf99f95ae", false),
			// No sha256 is known for the learn file; its git blob id is
			// 9ea42f0aee23145d3bd13ae458efdd03639876cd.
			texmex("siftsmall", RoleLearn, "siftsmall_learn.fvecs", FormatFvecs, 12900000, "", true),
		},
	},
	{
		Name: "fashion-mnist", Dim: 784, Metric: vector.L2, BaseCount: 60000, QueryCount: 10000,
		Format:     FormatIDX,
		SystemDirs: []string{"/usr/share/datasets/fashion-mnist"},
		Note:       "Fashion-MNIST (Zalando Research, MIT licence): 28×28 grey images as 784-d vectors, training images as base, test images as queries, class labels 0..9.",
		Files: append(fashionMNISTImages(),
			File{Role: RoleGroundTruth, Name: "fashion-mnist_groundtruth.ivecs", Format: FormatIvecs, Size: 4040000,
				SHA256: "9c34914eb2d00d56458f4fec56ce46134136a62e7b6caca162267fadbda054c1", Optional: true},
			File{Role: RoleGroundTruthDistances, Name: "fashion-mnist_groundtruth_distances.fvecs", Format: FormatFvecs, Size: 4040000,
				SHA256: "56ed251581a312a33ad1b41a25ed900dc2f5ecdd278d5f065b7fe1d0a2670935", Optional: true},
		),
	},
	{
		Name: "fashion-mnist-angular", Dim: 784, Metric: vector.Angular, BaseCount: 60000, QueryCount: 10000,
		Format:     FormatIDX,
		Dir:        "fashion-mnist",
		SystemDirs: []string{"/usr/share/datasets/fashion-mnist"},
		Note:       "Fashion-MNIST images searched by cosine similarity (vectors normalized at load); ground truth is computed and cached, not taken from the l2 files.",
		Files:      fashionMNISTImages(),
	},
}, downloadCatalogue...)

const (
	texmexBase       = "ftp://ftp.irisa.fr/local/texmex/corpus/"
	fashionMNISTBase = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
)

// texmex describes a file shipped inside a TEXMEX tarball <set>.tar.gz.
func texmex(set string, role Role, name string, f Format, size int64, sha string, optional bool) File {
	return File{Role: role, Name: name, Format: f, URL: texmexBase + set + ".tar.gz", Member: set + "/" + name,
		Size: size, SHA256: sha, Optional: optional}
}

// texmexEntry is the catalogue row of a TEXMEX l2 set shipped as set.tar.gz:
// <set>_base, _query and _learn fvecs of dim-dimensional vectors (base,
// queries and learn rows) and <set>_groundtruth.ivecs with 100 neighbours
// per query. Sizes follow from the counts; no checksum is published.
func texmexEntry(name, set string, dim, base, queries, learn int, note string) Entry {
	rec := func(rows, d int) int64 { return int64(rows) * int64(4+4*d) }
	return Entry{
		Name: name, Dim: dim, Metric: vector.L2, BaseCount: base, QueryCount: queries,
		Format: FormatFvecs,
		Note:   note,
		Files: []File{
			texmex(set, RoleBase, set+"_base.fvecs", FormatFvecs, rec(base, dim), "", false),
			texmex(set, RoleQuery, set+"_query.fvecs", FormatFvecs, rec(queries, dim), "", false),
			texmex(set, RoleGroundTruth, set+"_groundtruth.ivecs", FormatIvecs, rec(queries, 100), "", false),
			texmex(set, RoleLearn, set+"_learn.fvecs", FormatFvecs, rec(learn, dim), "", true),
		},
	}
}

// fashionMNISTImages lists the four gzip IDX files of Fashion-MNIST. Sizes
// and checksums are those of Debian's dataset-fashion-mnist package, which
// recompressed the upstream files: the decompressed contents are the same,
// the .gz bytes are not, so a copy fetched from URL can differ in both
// (LocalChecksum: downloads record their own checksum).
func fashionMNISTImages() []File {
	return []File{
		{Role: RoleBase, Name: "train-images-idx3-ubyte.gz", Format: FormatIDX, URL: fashionMNISTBase + "train-images-idx3-ubyte.gz",
			Size: 26421856, SHA256: "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7", LocalChecksum: true},
		{Role: RoleQuery, Name: "t10k-images-idx3-ubyte.gz", Format: FormatIDX, URL: fashionMNISTBase + "t10k-images-idx3-ubyte.gz",
			Size: 4422079, SHA256: "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa", LocalChecksum: true},
		{Role: RoleBaseLabels, Name: "train-labels-idx1-ubyte.gz", Format: FormatIDX, URL: fashionMNISTBase + "train-labels-idx1-ubyte.gz",
			Size: 29491, SHA256: "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056", LocalChecksum: true},
		{Role: RoleQueryLabels, Name: "t10k-labels-idx1-ubyte.gz", Format: FormatIDX, URL: fashionMNISTBase + "t10k-labels-idx1-ubyte.gz",
			Size: 5125, SHA256: "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05", LocalChecksum: true},
	}
}
