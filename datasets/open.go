package datasets

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/annbench/annbench/datasets/vector"
)

// Options tunes Open.
type Options struct {
	// DataDir is where datasets are looked for first; default
	// DefaultDataDir() ($ANNBENCH_DATA, else ./data).
	DataDir string
	// CacheDir is where fingerprints of file-backed data are cached (and
	// where callers keep computed ground truth); default <DataDir>/cache.
	CacheDir string
	// MaxQueries, when positive, keeps only the first MaxQueries queries
	// (and the matching ground-truth rows and labels).
	MaxQueries int
	// MaxBase, when positive, keeps only the first MaxBase base vectors.
	// Ground truth that refers to the full base is then dropped, and the
	// runner must compute it for the subset.
	MaxBase int
}

// withDefaults fills in the default directories.
func (o Options) withDefaults() Options {
	if o.DataDir == "" {
		o.DataDir = DefaultDataDir()
	}
	if o.CacheDir == "" {
		o.CacheDir = filepath.Join(o.DataDir, "cache")
	}
	return o
}

// part is what one file contributed to a dataset.
type part struct {
	vecs   vector.Matrix
	ids    vector.IDMatrix
	labels []int32
	attrs  []int64
	closer io.Closer
	// owned is true when vecs lives in ordinary writable memory that no one
	// else references, so it may be normalized in place.
	owned bool
	// metric is the metric the file itself declares (HDF5's distance
	// attribute), or empty.
	metric vector.Metric
}

// roleInfo is what loading knows of one file role.
type roleInfo struct {
	// place stores what a file of the role contributed in the Dataset
	// field of the role.
	place func(d *Dataset, p part)
	// part is the fingerprint part the role fills, "" for ground truth
	// (which is keyed by the fingerprint, not part of it).
	part string
	// rowsPer says what the file's rows stand for, and so which row limit
	// applies.
	rowsPer rowsPer
	// wholeBase is true when the file refers to every base row (ground
	// truth), so it is dropped when only a prefix of the base is read.
	wholeBase bool
}

// rowsPer says what the rows of a file stand for.
type rowsPer int

const (
	perOther rowsPer = iota // training vectors: not limited
	perBase                 // one row per base vector
	perQuery                // one row per query
)

// roles maps every file role to what loading knows of it.
var roles = map[Role]roleInfo{
	RoleBase:                 {func(d *Dataset, p part) { d.Base = p.vecs }, partBase, perBase, false},
	RoleQuery:                {func(d *Dataset, p part) { d.Query = p.vecs }, partQuery, perQuery, false},
	RoleLearn:                {func(d *Dataset, p part) { d.Train = p.vecs }, partTrain, perOther, false},
	RoleGroundTruth:          {func(d *Dataset, p part) { d.GroundTruth = p.ids }, "", perQuery, true},
	RoleGroundTruthDistances: {func(d *Dataset, p part) { d.GroundTruthDist = p.vecs }, "", perQuery, true},
	RoleBaseLabels:           {func(d *Dataset, p part) { d.BaseLabels = p.labels }, partBaseLabels, perBase, false},
	RoleQueryLabels:          {func(d *Dataset, p part) { d.QueryLabels = p.labels }, partQueryLabels, perQuery, false},
	RoleAttributes:           {func(d *Dataset, p part) { d.Attributes = p.attrs }, partAttributes, perBase, false},
}

// rowLimit is the row limit of a file of the role when base files are
// limited to baseRows rows and query files to queryRows (0: no limit).
func (r roleInfo) rowLimit(baseRows, queryRows int) int {
	switch r.rowsPer {
	case perBase:
		return baseRows
	case perQuery:
		return queryRows
	}
	return 0
}

// fileReader reads the part one file of a dataset contributes, at most
// maxRows rows when maxRows > 0.
type fileReader func(path string, f File, maxRows int) (part, error)

// mappedVectors makes a fileReader of a vector reader whose matrix may
// view the file until the Closer is called.
func mappedVectors(read func(string, int) (vector.Matrix, io.Closer, error)) fileReader {
	return func(path string, _ File, n int) (part, error) {
		m, c, err := read(path, n)
		return part{vecs: m, closer: c}, err
	}
}

// mappedIDs is mappedVectors for id (ground-truth) readers.
func mappedIDs(read func(string, int) (vector.IDMatrix, io.Closer, error)) fileReader {
	return func(path string, _ File, n int) (part, error) {
		m, c, err := read(path, n)
		return part{ids: m, closer: c}, err
	}
}

// convertedVectors makes a fileReader of a vector reader that returns new
// memory (byte-valued formats converted to float32).
func convertedVectors(read func(string, int) (vector.Matrix, error)) fileReader {
	return func(path string, _ File, n int) (part, error) {
		m, err := read(path, n)
		return part{vecs: m, owned: true}, err
	}
}

// fileReaders maps each format to its reader; a reader returns vectors,
// ids or labels depending on the role. Supporting a new format is adding a
// line here.
var fileReaders = map[Format]fileReader{
	FormatFvecs: mappedVectors(ReadFvecs),
	FormatIvecs: mappedIDs(ReadIvecs),
	FormatBvecs: convertedVectors(ReadBvecs),
	FormatFbin:  mappedVectors(ReadFbin),
	FormatIbin:  mappedIDs(ReadIbin),
	FormatU8bin: convertedVectors(ReadU8bin),
	FormatI8bin: convertedVectors(ReadI8bin),
	FormatHDF5:  readHDF5Part,
	FormatNpy:   readNpyPart,
	FormatIDX: func(path string, f File, n int) (part, error) {
		if f.Role == RoleBaseLabels || f.Role == RoleQueryLabels {
			l, err := ReadIDXLabelsFile(path, n)
			return part{labels: l}, err
		}
		m, err := ReadIDXVectorsFile(path, n)
		return part{vecs: m, owned: true}, err
	},
}

// Open loads the dataset called name (see Lookup for the names). File-based
// datasets are looked for under opt.DataDir/<dir> and then in the entry's
// system directories. Ground truth is what the files ship; computed ground
// truth is cached and looked up by algorithms/groundtruth.
// Angular datasets come back with unit-length vectors. The caller must Close
// the dataset.
func Open(ctx context.Context, name string, opt Options) (*Dataset, error) {
	e, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	return e.Open(ctx, opt)
}

// Open loads the entry's data; see the package-level Open.
func (e Entry) Open(ctx context.Context, opt Options) (*Dataset, error) {
	opt = opt.withDefaults()
	var d *Dataset
	var err error
	if e.Builtin() {
		d, err = e.synth.generate(ctx, opt)
	} else {
		d, err = e.openFiles(ctx, opt)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// openFiles reads a file-based entry.
func (e Entry) openFiles(ctx context.Context, opt Options) (*Dataset, error) {
	dir, missing := e.Locate(opt.DataDir)
	if dir == "" {
		return nil, fmt.Errorf("dataset %s: missing %s (looked in %s); run `annbench download %s` or set ANNBENCH_DATA to the directory that holds %s/",
			e.Name, strings.Join(missing, ", "), strings.Join(e.SearchDirs(opt.DataDir), ", "), e.Name, e.dirName())
	}
	d := &Dataset{Name: e.Name, Metric: e.Metric, Dir: dir}
	d.fp.cacheDir = opt.CacheDir
	ok := false
	defer func() {
		if !ok {
			d.Close()
		}
	}()
	owned := map[Role]bool{}
	src := map[Role]string{}
	for _, f := range e.Files {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", e.Name, err)
		}
		path := filepath.Join(dir, f.Name)
		if f.Optional && !exists(path) {
			continue
		}
		role, known := roles[f.Role]
		if !known {
			return nil, fmt.Errorf("dataset %s: file %s: unknown role %q", e.Name, path, f.Role)
		}
		if role.wholeBase && opt.MaxBase > 0 && opt.MaxBase < e.BaseCount {
			continue
		}
		read, found := fileReaders[f.Format]
		if !found {
			return nil, fmt.Errorf("dataset %s: file %s: no reader for format %q", e.Name, path, f.Format)
		}
		ident, identErr := fileIdentity(path) // before reading: see fileIdentity
		p, err := read(path, f, role.rowLimit(opt.MaxBase, opt.MaxQueries))
		if err != nil {
			return nil, fmt.Errorf("dataset %s: %w", e.Name, err)
		}
		if role.part != "" && identErr == nil {
			d.setProvenance(role.part, provenance{key: fmt.Sprintf("%s format %s key %q normalized %t", ident, f.Format, f.Key, e.Metric == vector.Angular)})
		}
		if p.closer != nil {
			d.AddCloser(p.closer)
		}
		if p.metric != "" && d.Metric == "" {
			d.Metric = p.metric
		} else if p.metric != "" && p.metric != d.Metric {
			return nil, fmt.Errorf("dataset %s: %s declares metric %s, the catalogue says %s", e.Name, path, p.metric, d.Metric)
		}
		src[f.Role] = path
		owned[f.Role] = p.owned
		role.place(d, p)
	}
	if err := e.check(d, src, opt); err != nil {
		return nil, err
	}
	d.normalizeAngular(owned)
	ok = true
	return d, nil
}

// check verifies that the files of a dataset agree with each other and with
// the catalogue.
func (e Entry) check(d *Dataset, src map[Role]string, opt Options) error {
	fail := func(role Role, format string, args ...any) error {
		return fmt.Errorf("dataset %s: %s: %s", e.Name, src[role], fmt.Sprintf(format, args...))
	}
	wantRows := func(full, limit int) int {
		if limit > 0 && limit < full {
			return limit
		}
		return full
	}
	if d.Base.Rows == 0 {
		return fail(RoleBase, "holds no vectors")
	}
	if d.Query.Rows == 0 {
		return fail(RoleQuery, "holds no vectors")
	}
	if e.Dim > 0 && d.Base.Dim != e.Dim {
		return fail(RoleBase, "vectors have dimension %d, the catalogue says %d", d.Base.Dim, e.Dim)
	}
	if d.Query.Dim != d.Base.Dim {
		return fail(RoleQuery, "queries have dimension %d but base vectors have %d", d.Query.Dim, d.Base.Dim)
	}
	if d.Train.Rows > 0 && d.Train.Dim != d.Base.Dim {
		return fail(RoleLearn, "training vectors have dimension %d but base vectors have %d", d.Train.Dim, d.Base.Dim)
	}
	if e.BaseCount > 0 && d.Base.Rows != wantRows(e.BaseCount, opt.MaxBase) {
		return fail(RoleBase, "holds %d vectors, the catalogue says %d (partial or wrong file?)", d.Base.Rows, e.BaseCount)
	}
	if e.QueryCount > 0 && d.Query.Rows != wantRows(e.QueryCount, opt.MaxQueries) {
		return fail(RoleQuery, "holds %d vectors, the catalogue says %d (partial or wrong file?)", d.Query.Rows, e.QueryCount)
	}
	if d.BaseLabels != nil && len(d.BaseLabels) != d.Base.Rows {
		return fail(RoleBaseLabels, "holds %d labels for %d base vectors", len(d.BaseLabels), d.Base.Rows)
	}
	if d.QueryLabels != nil && len(d.QueryLabels) != d.Query.Rows {
		return fail(RoleQueryLabels, "holds %d labels for %d queries", len(d.QueryLabels), d.Query.Rows)
	}
	if d.Attributes != nil && len(d.Attributes) != d.Base.Rows {
		return fail(RoleAttributes, "holds %d attributes for %d base vectors", len(d.Attributes), d.Base.Rows)
	}
	if d.GroundTruth.Rows > 0 {
		if d.GroundTruth.Rows != d.Query.Rows {
			return fail(RoleGroundTruth, "holds %d neighbour lists for %d queries", d.GroundTruth.Rows, d.Query.Rows)
		}
		if err := d.GroundTruth.CheckIDs(d.Base.Rows); err != nil {
			return fail(RoleGroundTruth, "%v", err)
		}
	}
	if d.GroundTruthDist.Rows > 0 {
		if d.GroundTruth.Rows == 0 {
			d.GroundTruthDist = vector.Matrix{}
		} else if d.GroundTruthDist.Rows != d.GroundTruth.Rows || d.GroundTruthDist.Dim != d.GroundTruth.Dim {
			return fail(RoleGroundTruthDistances, "shape %d×%d does not match ground truth %d×%d",
				d.GroundTruthDist.Rows, d.GroundTruthDist.Dim, d.GroundTruth.Rows, d.GroundTruth.Dim)
		}
	}
	return nil
}
