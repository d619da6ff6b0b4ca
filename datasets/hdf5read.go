package datasets

import (
	"errors"
	"fmt"
	"io"

	"github.com/annbench/annbench/datasets/hdf5"
	"github.com/annbench/annbench/datasets/vector"
)

// ReadHDF5Metric returns the metric named by the root "distance" attribute
// of an ann-benchmarks HDF5 file (euclidean → l2, angular → angular,
// dot → ip).
func ReadHDF5Metric(path string) (vector.Metric, error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return "", fmt.Errorf("read hdf5: %w", err)
	}
	defer f.Close()
	return hdf5Metric(f, path)
}

func hdf5Metric(f *hdf5.File, path string) (vector.Metric, error) {
	a, err := f.Attr("distance")
	if err != nil {
		return "", fmt.Errorf("read hdf5 %s: %w", path, err)
	}
	s, err := a.String()
	if err != nil {
		return "", fmt.Errorf("read hdf5 %s: %w", path, err)
	}
	m, err := vector.ParseMetric(s)
	if err != nil {
		return "", fmt.Errorf("read hdf5 %s: attribute distance: %w", path, err)
	}
	return m, nil
}

// ReadHDF5Vectors reads the 2-D numeric dataset key (e.g. "train" or
// "test") of an HDF5 file as float32 vectors, at most maxRows rows when
// maxRows > 0. Contiguous little-endian float32 data large enough to pass
// MmapThreshold is memory-mapped; close the returned Closer (which may be
// nil) when done with the matrix.
func ReadHDF5Vectors(path, key string, maxRows int) (vector.Matrix, io.Closer, error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return vector.Matrix{}, nil, fmt.Errorf("read hdf5: %w", err)
	}
	defer f.Close()
	ds, rows, cols, err := hdf5Dataset(f, path, key, maxRows)
	if err != nil {
		return vector.Matrix{}, nil, err
	}
	if off, _, ok := ds.Contiguous(); ok && ds.Type.String() == "float32" && !ds.Type.BigEndian {
		size := int64(rows) * int64(cols) * 4
		if size >= MmapThreshold {
			fb, _, err := loadFile(path, off+size)
			if err != nil {
				return vector.Matrix{}, nil, fmt.Errorf("read hdf5 %s: %w", path, err)
			}
			if int64(len(fb.data)) == off+size {
				if v, ok := view[float32](fb.data[off:]); ok {
					return vector.Matrix{Data: v, Rows: rows, Dim: cols, Stride: cols}, fb, nil
				}
			}
			fb.Close()
		}
	}
	v, err := ds.Float32s()
	if err != nil {
		return vector.Matrix{}, nil, fmt.Errorf("read hdf5 %s: %w", path, err)
	}
	return vector.Matrix{Data: v[:rows*cols], Rows: rows, Dim: cols, Stride: cols}, nil, nil
}

// ReadHDF5IDs reads the 2-D integer dataset key (e.g. "neighbors") of an
// HDF5 file as int32 rows, at most maxRows rows when maxRows > 0.
func ReadHDF5IDs(path, key string, maxRows int) (vector.IDMatrix, error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return vector.IDMatrix{}, fmt.Errorf("read hdf5: %w", err)
	}
	defer f.Close()
	ds, rows, cols, err := hdf5Dataset(f, path, key, maxRows)
	if err != nil {
		return vector.IDMatrix{}, err
	}
	v, err := ds.Int32s()
	if err != nil {
		return vector.IDMatrix{}, fmt.Errorf("read hdf5 %s: %w", path, err)
	}
	return vector.IDMatrix{Data: v[:rows*cols], Rows: rows, Dim: cols, Stride: cols}, nil
}

// hdf5Dataset opens dataset key and checks it is a non-empty 2-D array.
func hdf5Dataset(f *hdf5.File, path, key string, maxRows int) (*hdf5.Dataset, int, int, error) {
	if key == "" {
		return nil, 0, 0, errors.New("read hdf5 " + path + ": catalogue entry names no dataset key")
	}
	ds, err := f.Dataset(key)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read hdf5 %s: %w", path, err)
	}
	rows, cols, err := ds.Shape2D()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read hdf5 %s: %w", path, err)
	}
	if err := checkDim(int64(cols)); err != nil {
		return nil, 0, 0, fmt.Errorf("read hdf5 %s: dataset %q: %w", path, key, err)
	}
	if maxRows > 0 && maxRows < rows {
		rows = maxRows
	}
	return ds, rows, cols, nil
}

// readHDF5Part is the Open reader for FormatHDF5 files: the role decides
// whether f.Key is read as vectors or ids, and the base file's distance
// attribute is reported so Open can check it against the catalogue.
func readHDF5Part(path string, f File, n int) (part, error) {
	switch f.Role {
	case RoleGroundTruth:
		ids, err := ReadHDF5IDs(path, f.Key, n)
		return part{ids: ids}, err
	case RoleBaseLabels, RoleQueryLabels:
		ids, err := ReadHDF5IDs(path, f.Key, n)
		if err != nil {
			return part{}, err
		}
		if ids.Dim != 1 {
			return part{}, fmt.Errorf("read hdf5 %s: labels %q have %d columns, want 1", path, f.Key, ids.Dim)
		}
		return part{labels: ids.Data[:ids.Rows]}, nil
	}
	m, c, err := ReadHDF5Vectors(path, f.Key, n)
	if err != nil {
		return part{}, err
	}
	p := part{vecs: m, closer: c, owned: c == nil}
	if f.Role == RoleBase {
		if p.metric, err = ReadHDF5Metric(path); err != nil {
			if c != nil {
				c.Close()
			}
			return part{}, err
		}
	}
	return p, nil
}
