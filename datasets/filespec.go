package datasets

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/datasets/vector"
)

// FileSpec describes a dataset made of the user's own files (for example
// embeddings saved with np.save), as a config file names it. Paths are
// used as given (see Resolve); an HDF5 file names the dataset inside it as
// file.hdf5:/path/to/dataset. Formats are told from the extension or the
// file's magic bytes (see DetectFormat).
type FileSpec struct {
	// Name is the dataset's name in results; letters, digits, '.', '_' and
	// '-', not a catalogue name.
	Name string
	// Base is the file of vectors to index (config key base).
	Base string
	// Queries is the file of query vectors (queries); empty when Holdout
	// is set.
	Queries string
	// Holdout, when positive, takes that many base rows as the queries
	// (holdout): a seeded random sample, removed from the base so that no
	// query finds itself.
	Holdout int
	// Seed selects the held-out rows (seed); the same seed always holds
	// out the same rows.
	Seed uint64
	// Metric is l2, ip or angular (metric). It may be empty only when Base
	// is an HDF5 file whose distance attribute names it.
	Metric vector.Metric
	// Train is an optional training split for indexes that learn (train).
	Train string
	// Labels holds one integer class per base row (labels); with Holdout
	// the held-out rows' labels become the query labels.
	Labels string
	// QueryLabels holds one class per query (query_labels); not with
	// Holdout.
	QueryLabels string
	// Attributes holds one integer attribute per base row (attributes),
	// for range filters.
	Attributes string
	// GroundTruth holds, per query, the ids of its nearest base rows,
	// nearest first (ground_truth); computed when absent. Not with Holdout,
	// whose base ids differ from the file's rows.
	GroundTruth string
}

// Holdout records which base rows a dataset held out as its queries.
type Holdout struct {
	// Count is the number of held-out rows and Seed the seed that chose them.
	Count int
	Seed  uint64
	// Rows holds, for each query in order, its row in the base file.
	Rows []int
	// sorted holds Rows in increasing order, for BaseRow.
	sorted []int
}

// BaseRow returns the row in the base file of base vector id of the
// dataset (ids are renumbered densely after the held-out rows are removed).
func (h *Holdout) BaseRow(id int) int {
	// sorted[i]-i is the number of kept rows before held-out row i.
	lo, hi := 0, len(h.sorted)
	for lo < hi {
		m := (lo + hi) / 2
		if h.sorted[m]-m <= id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return id + lo
}

// RowsSHA256 returns the hex sha256 of Rows as little-endian int64s, a
// short record of exactly which rows were held out.
func (h *Holdout) RowsSHA256() string {
	b := make([]byte, 0, 8*len(h.Rows))
	for _, r := range h.Rows {
		b = binary.LittleEndian.AppendUint64(b, uint64(r))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// specFile is one file named by a FileSpec.
type specFile struct {
	key    string // config key, for messages
	role   Role
	path   string
	hdfKey string
}

// files lists the files a spec names, base first.
func (s FileSpec) files() []specFile {
	var out []specFile
	add := func(key string, role Role, p string) {
		if p == "" {
			return
		}
		file, hk := SplitHDF5Path(p)
		out = append(out, specFile{key: key, role: role, path: file, hdfKey: hk})
	}
	add("base", RoleBase, s.Base)
	add("queries", RoleQuery, s.Queries)
	add("train", RoleLearn, s.Train)
	add("labels", RoleBaseLabels, s.Labels)
	add("query_labels", RoleQueryLabels, s.QueryLabels)
	add("attributes", RoleAttributes, s.Attributes)
	add("ground_truth", RoleGroundTruth, s.GroundTruth)
	return out
}

// Resolve returns s with relative paths taken relative to dir (the
// directory of the config file that names them).
func (s FileSpec) Resolve(dir string) FileSpec {
	res := func(p string) string {
		if p == "" {
			return ""
		}
		file, key := SplitHDF5Path(p)
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		if key != "" {
			return file + ":" + key
		}
		return file
	}
	s.Base, s.Queries, s.Train = res(s.Base), res(s.Queries), res(s.Train)
	s.Labels, s.QueryLabels, s.Attributes, s.GroundTruth = res(s.Labels), res(s.QueryLabels), res(s.Attributes), res(s.GroundTruth)
	return s
}

var specName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Validate checks the spec without touching the files.
func (s FileSpec) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf(format, args...)
	}
	switch {
	case !specName.MatchString(s.Name):
		return fail("name %q must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", s.Name)
	case strings.HasPrefix(s.Name, "synthetic-"):
		return fail("name %q: the synthetic- prefix is reserved for built-in data; choose another name", s.Name)
	case s.Base == "":
		return fail("base is required (the file of vectors to index)")
	case s.Holdout < 0:
		return fail("holdout %d is negative", s.Holdout)
	case s.Queries == "" && s.Holdout == 0:
		return fail("give queries (a file of query vectors) or holdout (a number of base rows to use as queries)")
	case s.Queries != "" && s.Holdout > 0:
		return fail("give queries or holdout, not both")
	case s.Holdout > 0 && s.QueryLabels != "":
		return fail("query_labels cannot be combined with holdout: the held-out rows' labels are the query labels")
	case s.Holdout > 0 && s.GroundTruth != "":
		return fail("ground_truth cannot be combined with holdout: its ids refer to the base before rows were held out (leave it out; ground truth is computed)")
	}
	if _, taken := byName[s.Name]; taken {
		return fail("name %q is a catalogue dataset; choose another name for your own files", s.Name)
	}
	if s.Metric == "" {
		if f, _ := SplitHDF5Path(s.Base); extFormats[strings.ToLower(filepath.Ext(f))] != FormatHDF5 {
			return fail("metric is required (l2, ip or angular)")
		}
	} else if !s.Metric.Valid() {
		return fail("unknown metric %q (valid: l2, ip, angular)", s.Metric)
	}
	return nil
}

// vectorFormats and intFormats say which formats can play which roles.
var (
	vectorFormats = map[Format]bool{FormatNpy: true, FormatFvecs: true, FormatBvecs: true, FormatFbin: true,
		FormatU8bin: true, FormatI8bin: true, FormatHDF5: true, FormatIDX: true}
	intFormats = map[Format]bool{FormatNpy: true, FormatIvecs: true, FormatIbin: true, FormatHDF5: true, FormatIDX: true}
)

// checked is what Check learned about the files.
type checked struct {
	formats map[Role]Format
	shapes  map[Role]fileShape
	metric  vector.Metric
}

// Check validates the spec and reads every file's header (not its data),
// reporting missing files, unknown formats and shape, dimension and metric
// mismatches between the files. It is cheap at any size, so a run can
// check every dataset before any work starts.
func (s FileSpec) Check() error {
	_, err := s.check()
	return err
}

func (s FileSpec) check() (checked, error) {
	c := checked{formats: map[Role]Format{}, shapes: map[Role]fileShape{}, metric: s.Metric}
	if err := s.Validate(); err != nil {
		return c, err
	}
	fail := func(f specFile, format string, args ...any) error {
		return fmt.Errorf("%s %s: %s", f.key, f.path, fmt.Sprintf(format, args...))
	}
	byRole := map[Role]specFile{}
	for _, f := range s.files() {
		byRole[f.role] = f
		format, err := DetectFormat(f.path)
		if err != nil {
			return c, fmt.Errorf("%s: %w", f.key, err)
		}
		switch f.role {
		case RoleBase, RoleQuery, RoleLearn:
			if !vectorFormats[format] {
				return c, fail(f, "%s files hold integer ids, not vectors (want .npy, .fvecs, .bvecs, .fbin, .u8bin, .i8bin, HDF5 or IDX)", format)
			}
		default:
			if !intFormats[format] {
				return c, fail(f, "%s files hold vectors, not integers (want .npy, .ivecs, .ibin, HDF5 or IDX)", format)
			}
		}
		if format == FormatHDF5 && f.hdfKey == "" {
			return c, fail(f, "name the dataset inside the HDF5 file: %s:/<dataset>", f.path)
		}
		sh, err := probeShape(f.path, format, f.hdfKey)
		if err != nil {
			return c, fmt.Errorf("%s: %w", f.key, err)
		}
		switch f.role {
		case RoleBase, RoleQuery, RoleLearn:
			if !sh.vectors {
				return c, fail(f, "holds %s values, not vectors (want float32, float64, float16, int8 or uint8 rows)", sh.elem)
			}
		default:
			if !sh.ints {
				return c, fail(f, "holds %s values, not integers (convert with array.astype(np.int64))", sh.elem)
			}
		}
		c.formats[f.role], c.shapes[f.role] = format, sh
	}
	base := c.shapes[RoleBase]
	baseFile := byRole[RoleBase]
	if base.rows == 0 {
		return c, fail(baseFile, "holds no vectors")
	}
	if s.Holdout >= base.rows {
		return c, fail(baseFile, "holdout %d leaves no base vectors: the file has %d rows", s.Holdout, base.rows)
	}
	nq := s.Holdout
	for _, role := range []Role{RoleQuery, RoleLearn} {
		f, ok := byRole[role]
		if !ok {
			continue
		}
		sh := c.shapes[role]
		if sh.cols != base.cols {
			return c, fail(f, "vectors have dimension %d but the base vectors (%s) have %d", sh.cols, baseFile.path, base.cols)
		}
		if sh.rows == 0 {
			return c, fail(f, "holds no vectors")
		}
		if role == RoleQuery {
			nq = sh.rows
		}
	}
	for _, role := range []Role{RoleBaseLabels, RoleQueryLabels, RoleAttributes, RoleGroundTruth} {
		f, ok := byRole[role]
		if !ok {
			continue
		}
		sh := c.shapes[role]
		want, of := base.rows, "base vectors in "+baseFile.path
		if role == RoleQueryLabels || role == RoleGroundTruth {
			want, of = nq, "queries in "+byRole[RoleQuery].path
		}
		if role != RoleGroundTruth && sh.cols != 1 {
			return c, fail(f, "has %d columns, want one value per row", sh.cols)
		}
		if sh.rows != want {
			return c, fail(f, "holds %d rows for the %d %s", sh.rows, want, of)
		}
		if role == RoleGroundTruth && sh.cols == 0 {
			return c, fail(f, "holds empty neighbour lists")
		}
	}
	if c.formats[RoleBase] == FormatHDF5 {
		if m, err := ReadHDF5Metric(baseFile.path); err == nil {
			if c.metric == "" {
				c.metric = m
			} else if m != c.metric {
				return c, fail(baseFile, "the file's distance attribute says %s, the dataset says metric %s", m, c.metric)
			}
		} else if c.metric == "" {
			return c, fmt.Errorf("metric is required (l2, ip or angular): %w", err)
		}
	}
	return c, nil
}

// OpenFiles opens the dataset a FileSpec describes: it checks every file's
// header first (see Check), then reads the files, holds out queries when
// asked, checks that vectors are finite, and normalizes angular data once.
// opt.MaxBase limits the base rows read (queries are held out of those),
// opt.MaxQueries the queries; opt.CacheDir holds the fingerprint cache.
// The caller must Close the dataset.
func OpenFiles(ctx context.Context, s FileSpec, opt Options) (*Dataset, error) {
	opt = opt.withDefaults()
	c, err := s.check()
	if err != nil {
		return nil, err
	}
	d := &Dataset{Name: s.Name, Metric: c.metric}
	d.fp.cacheDir = opt.CacheDir
	ok := false
	defer func() {
		if !ok {
			d.Close()
		}
	}()
	baseRows := c.shapes[RoleBase].rows
	if opt.MaxBase > 0 && opt.MaxBase < baseRows {
		baseRows = opt.MaxBase
		if s.Holdout >= baseRows {
			return nil, fmt.Errorf("holdout %d leaves no base vectors of the %d the base limit keeps", s.Holdout, baseRows)
		}
	}
	derive := fmt.Sprintf("normalized %t", c.metric == vector.Angular)
	if s.Holdout > 0 {
		derive += fmt.Sprintf(" holdout %d seed %d of %d base rows", s.Holdout, s.Seed, baseRows)
	}
	owned := map[Role]bool{}
	for _, f := range s.files() {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%w", err)
		}
		role := roles[f.role]
		if role.wholeBase && baseRows < c.shapes[RoleBase].rows {
			continue
		}
		ident, identErr := fileIdentity(f.path)
		if err := d.readSpecFile(f, c.formats[f.role], role.rowLimit(baseRows, opt.MaxQueries), owned); err != nil {
			return nil, fmt.Errorf("%s: %w", f.key, err)
		}
		if role.part != "" && identErr == nil {
			d.setProvenance(role.part, provenance{key: fmt.Sprintf("%s format %s key %q %s", ident, c.formats[f.role], f.hdfKey, derive)})
		}
	}
	if s.Holdout > 0 {
		if err := d.holdOut(s.Holdout, s.Seed, opt.MaxQueries); err != nil {
			return nil, fmt.Errorf("base %s: hold out queries: %w", s.Base, err)
		}
		owned[RoleBase], owned[RoleQuery] = true, true
		if p, ok := d.fp.prov[partBase]; ok {
			d.setProvenance(partQuery, provenance{key: p.key + " queries"})
		}
		if p, ok := d.fp.prov[partBaseLabels]; ok {
			d.setProvenance(partQueryLabels, provenance{key: p.key + " query labels"})
		}
	}
	if d.GroundTruth.Rows > 0 {
		if err := d.GroundTruth.CheckIDs(d.Base.Rows); err != nil {
			return nil, fmt.Errorf("ground_truth %s: %w", s.GroundTruth, err)
		}
	}
	for _, v := range []struct {
		key, path string
		m         vector.Matrix
	}{{"base", s.Base, d.Base}, {"queries", s.Queries, d.Query}, {"train", s.Train, d.Train}} {
		if v.key == "queries" && s.Holdout > 0 {
			continue // rows of the base, already checked
		}
		if err := checkFinite(v.m); err != nil {
			return nil, fmt.Errorf("%s %s: %w", v.key, v.path, err)
		}
	}
	d.normalizeAngular(owned)
	ok = true
	return d, nil
}

// readSpecFile reads one file into the dataset field its role names.
func (d *Dataset) readSpecFile(f specFile, format Format, limit int, owned map[Role]bool) error {
	read := fileReaders[format]
	role := f.role
	if role == RoleAttributes && format != FormatNpy {
		role = RoleBaseLabels // same integer column readers
	}
	p, err := read(f.path, File{Role: role, Format: format, Key: f.hdfKey}, limit)
	if err != nil {
		return err
	}
	if p.closer != nil {
		d.AddCloser(p.closer)
	}
	owned[f.role] = p.owned
	switch f.role {
	case RoleBase, RoleQuery, RoleLearn:
		if p.vecs.Rows == 0 && p.vecs.Dim == 0 && p.ids.Rows > 0 {
			return fmt.Errorf("%s holds integer ids, not vectors", f.path)
		}
	}
	if (role == RoleBaseLabels || role == RoleQueryLabels) && p.labels == nil && p.attrs == nil {
		// ivecs, ibin: one id per row
		if p.ids.Dim != 1 {
			return fmt.Errorf("%s has %d values per row, want one", f.path, p.ids.Dim)
		}
		p.labels = make([]int32, p.ids.Rows)
		for i := range p.labels {
			p.labels[i] = p.ids.Row(i)[0]
		}
	}
	roles[f.role].place(d, p)
	if f.role == RoleAttributes && d.Attributes == nil {
		d.Attributes = make([]int64, len(p.labels))
		for i, l := range p.labels {
			d.Attributes[i] = int64(l)
		}
	}
	return nil
}

// checkFinite reports the first NaN or infinite value of m; such a value
// makes every distance to its row meaningless. Mapped data is read under
// Guard.
func checkFinite(m vector.Matrix) error {
	var bad error
	err := mapped.Guard(func() {
		for i := 0; i < m.Rows; i++ {
			for j, v := range m.Row(i) {
				if v-v != 0 { // NaN or ±Inf
					bad = fmt.Errorf("row %d, column %d is %v; vectors must be finite", i, j, v)
					return
				}
			}
		}
	})
	if err != nil {
		return err
	}
	return bad
}
