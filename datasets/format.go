package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/annbench/annbench/datasets/hdf5"
	"github.com/annbench/annbench/datasets/vector"
)

// FormatNpy is NumPy's .npy array format (np.save).
const FormatNpy Format = "npy"

// extFormats maps file name extensions to formats.
var extFormats = map[string]Format{
	".npy": FormatNpy, ".fvecs": FormatFvecs, ".bvecs": FormatBvecs, ".ivecs": FormatIvecs,
	".fbin": FormatFbin, ".u8bin": FormatU8bin, ".i8bin": FormatI8bin, ".ibin": FormatIbin,
	".hdf5": FormatHDF5, ".h5": FormatHDF5, ".hdf": FormatHDF5, ".idx": FormatIDX,
}

// knownExtensions lists the extensions for error messages.
const knownExtensions = ".npy, .fvecs, .bvecs, .ivecs, .fbin, .u8bin, .i8bin, .ibin, .hdf5/.h5 (as file.hdf5:/dataset), IDX (-ubyte, .idx, optionally .gz)"

// hdf5Magic starts every HDF5 file (at offset 0 for files annbench reads).
const hdf5Magic = "\x89HDF\r\n\x1a\n"

// SplitHDF5Path splits "file.hdf5:/path/to/dataset" into the file and the
// dataset path inside it. Paths without the :/ suffix come back unchanged
// with an empty key.
func SplitHDF5Path(p string) (file, key string) {
	i := strings.LastIndex(p, ":/")
	if i <= 0 {
		return p, ""
	}
	if ext := strings.ToLower(filepath.Ext(p[:i])); extFormats[ext] != FormatHDF5 {
		return p, ""
	}
	return p[:i], p[i+1:]
}

// DetectFormat tells the format of a data file from its name (extension,
// or the -ubyte suffix of IDX files, each optionally followed by .gz) and,
// when the name says nothing, from its first bytes (.npy, HDF5 and IDX have
// magic numbers; the TEXMEX and big-ann formats do not and need their
// extension).
func DetectFormat(path string) (Format, error) {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(name, ".gz")
	if f, ok := extFormats[filepath.Ext(name)]; ok {
		return f, nil
	}
	if strings.HasSuffix(name, "-ubyte") {
		return FormatIDX, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var head [8]byte
	n, _ := io.ReadFull(f, head[:])
	b := head[:n]
	switch {
	case bytes.HasPrefix(b, []byte(npyMagic)):
		return FormatNpy, nil
	case bytes.HasPrefix(b, []byte(hdf5Magic)):
		return FormatHDF5, nil
	case len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b, len(b) >= 4 && b[0] == 0 && b[1] == 0 && idxTypes[b[2]].size > 0 && b[3] > 0 && b[3] <= 4:
		return FormatIDX, nil
	}
	return "", fmt.Errorf("%s: cannot tell the file format from its name or first bytes (known: %s)", path, knownExtensions)
}

// fileShape is what a header says about a file without reading its data.
type fileShape struct {
	rows, cols int
	// elem names the element type for messages ("float32", "int64").
	elem string
	// vectors and ints say whether the elements can be read as vectors
	// and as integers (labels, attributes, ids).
	vectors, ints bool
}

// probeShape reads only the header of a data file and returns its shape.
// It is cheap at any file size, for checks before any work starts.
func probeShape(path string, format Format, key string) (fileShape, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileShape{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fileShape{}, err
	}
	if !st.Mode().IsRegular() {
		return fileShape{}, fmt.Errorf("%s: not a regular file", path)
	}
	size := st.Size()
	head := make([]byte, min(size, 1<<16))
	if _, err := io.ReadFull(f, head); err != nil {
		return fileShape{}, fmt.Errorf("%s: read: %w", path, err)
	}
	fail := func(err error) (fileShape, error) { return fileShape{}, fmt.Errorf("%s: %w", path, err) }
	switch format {
	case FormatNpy:
		if need := npyHeaderEnd(head); need > len(head) && int64(need) <= size {
			head = make([]byte, need)
			if _, err := f.ReadAt(head, 0); err != nil {
				return fail(err)
			}
		}
		h, err := decodeNpyHeader(head, size)
		if err != nil {
			return fail(err)
		}
		s := fileShape{elem: h.typ.name(), vectors: h.typ.kind == 'f' || h.typ.size == 1, ints: h.typ.kind != 'f'}
		switch len(h.shape) {
		case 1:
			s.rows, s.cols = h.shape[0], 1
		case 2:
			s.rows, s.cols = h.shape[0], h.shape[1]
		default:
			return fail(errorf("array of shape %s has %d dimensions; want 1 or 2", h.shapeString(), len(h.shape)))
		}
		return s, nil
	case FormatFvecs, FormatIvecs, FormatBvecs:
		elem := int64(4)
		if format == FormatBvecs {
			elem = 1
		}
		sh := fileShape{elem: map[Format]string{FormatFvecs: "float32", FormatIvecs: "int32", FormatBvecs: "uint8"}[format],
			vectors: format != FormatIvecs, ints: format == FormatIvecs}
		if size == 0 {
			return sh, nil
		}
		if size < 4 {
			return fail(errorf("%d bytes is too short for a record header of 4 bytes", size))
		}
		d := int64(int32(binary.LittleEndian.Uint32(head)))
		if err := checkDim(d); err != nil {
			return fail(errorf("record 0: %v", err))
		}
		rec := 4 + d*elem
		if size%rec != 0 {
			return fail(errorf("size %d bytes is not a whole number of %d-byte records of dimension %d (truncated file?)", size, rec, d))
		}
		sh.rows, sh.cols = int(size/rec), int(d)
		return sh, nil
	case FormatFbin, FormatIbin, FormatU8bin, FormatI8bin:
		elem := 4
		if format == FormatU8bin || format == FormatI8bin {
			elem = 1
		}
		if len(head) < 8 {
			return fail(errorf("%d bytes is too short for the 8-byte header (row count, dimension)", len(head)))
		}
		var hdr [8]byte
		copy(hdr[:], head)
		n, d := int64(int32(binary.LittleEndian.Uint32(hdr[:]))), int64(int32(binary.LittleEndian.Uint32(hdr[4:])))
		if n < 0 {
			return fail(errorf("header row count %d is negative", n))
		}
		if err := checkDim(d); err != nil {
			return fail(errorf("header: %v", err))
		}
		if want := 8 + n*d*int64(elem); want != size {
			return fail(errorf("header says %d rows of dimension %d (%d bytes with the header) but the file has %d bytes", n, d, want, size))
		}
		elemName := map[Format]string{FormatFbin: "float32", FormatIbin: "int32", FormatU8bin: "uint8", FormatI8bin: "int8"}[format]
		return fileShape{rows: int(n), cols: int(d), elem: elemName, vectors: format != FormatIbin, ints: format == FormatIbin}, nil
	case FormatHDF5:
		hf, err := hdf5.Open(path)
		if err != nil {
			return fileShape{}, fmt.Errorf("read hdf5: %w", err)
		}
		defer hf.Close()
		if key == "" {
			names, _ := hf.Names("/")
			return fail(fmt.Errorf("name the dataset inside the HDF5 file as %s:/<dataset> (the file holds: %s)", path, strings.Join(names, ", ")))
		}
		ds, err := hf.Dataset(key)
		if err != nil {
			return fail(err)
		}
		rows, cols, err := ds.Shape2D()
		if err != nil {
			return fail(err)
		}
		return fileShape{rows: rows, cols: cols, elem: ds.Type.String(), vectors: true, ints: ds.Type.Class == hdf5.ClassInteger}, nil
	case FormatIDX:
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return fail(err)
		}
		s, err := newIDXStream(f)
		if err != nil {
			return fail(err)
		}
		h, err := s.header()
		if err != nil {
			return fail(err)
		}
		if err := s.checkSize(h); err != nil {
			return fail(err)
		}
		cols := int64(1)
		for _, v := range h.dims[1:] {
			cols *= int64(v)
			if cols > math.MaxInt32 {
				return fail(errorf("item size %v is absurd (corrupt header?)", h.dims[1:]))
			}
		}
		return fileShape{rows: h.dims[0], cols: int(cols), elem: h.typ.name, vectors: len(h.dims) >= 2, ints: h.typ.integer && len(h.dims) == 1}, nil
	}
	return fileShape{}, fmt.Errorf("%s: no reader for format %q", path, format)
}

// npyHeaderEnd returns where the header of a .npy file starting with b
// ends, or 0 when b is too short to tell.
func npyHeaderEnd(b []byte) int {
	switch {
	case len(b) >= 10 && b[6] == 1:
		return 10 + int(binary.LittleEndian.Uint16(b[8:]))
	case len(b) >= 12 && (b[6] == 2 || b[6] == 3):
		return 12 + int(min(binary.LittleEndian.Uint32(b[8:]), maxNpyHeader))
	}
	return 0
}

// readNpyPart is the Open reader for FormatNpy files: vectors for vector
// roles, one integer per row for labels and attributes, integer rows for
// ground truth.
func readNpyPart(path string, f File, n int) (part, error) {
	switch f.Role {
	case RoleBaseLabels, RoleQueryLabels, RoleAttributes:
		v, err := readNpyColumn(path, n)
		if err != nil {
			return part{}, err
		}
		if f.Role == RoleAttributes {
			return part{attrs: v}, nil
		}
		l, err := int32Labels(v, path)
		return part{labels: l}, err
	case RoleGroundTruth:
		v, cols, err := ReadNpyInts(path, n)
		if err != nil {
			return part{}, err
		}
		ids := vector.IDMatrix{Data: make([]int32, len(v)), Rows: 0, Dim: cols, Stride: cols}
		if cols > 0 {
			ids.Rows = len(v) / cols
		}
		for i, x := range v {
			if x < math.MinInt32 || x > math.MaxInt32 {
				return part{}, fmt.Errorf("read npy %s: element %d = %d is outside the int32 range of ids", path, i, x)
			}
			ids.Data[i] = int32(x)
		}
		return part{ids: ids}, nil
	}
	m, c, err := ReadNpyVectors(path, n)
	return part{vecs: m, closer: c, owned: c == nil}, err
}

// readNpyColumn reads a 1-D (or n × 1) integer array.
func readNpyColumn(path string, n int) ([]int64, error) {
	v, cols, err := ReadNpyInts(path, n)
	if err != nil {
		return nil, err
	}
	if cols != 1 {
		return nil, fmt.Errorf("read npy %s: %d columns, want one value per row (a 1-D array)", path, cols)
	}
	return v, nil
}

// int32Labels narrows labels to int32, naming the first that does not fit.
func int32Labels(v []int64, path string) ([]int32, error) {
	out := make([]int32, len(v))
	for i, x := range v {
		if x < math.MinInt32 || x > math.MaxInt32 {
			return nil, fmt.Errorf("%s: label %d of row %d is outside the int32 range", path, x, i)
		}
		out[i] = int32(x)
	}
	return out, nil
}
