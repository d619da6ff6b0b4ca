package datasets

import (
	"fmt"
	"io"
	"os"

	"github.com/annbench/annbench/datasets/mapped"
)

// MmapThreshold is the file size in bytes from which readers memory-map a
// file read-only instead of reading it into memory. Float32 and int32 files
// at or above it become zero-copy views of the mapping; byte-valued files are
// converted to float32 from the mapping and then unmapped. Set it to a
// negative value to map every file, or to a very large one to never map.
var MmapThreshold int64 = 4 << 20

// fileBytes holds the contents of a file, either in ordinary memory or in a
// read-only mapping that must be released with Close.
type fileBytes struct {
	data   []byte
	mapped bool
	unmap  func() error
	// file stays open while mapped, so check can see its current size.
	file *os.File
	path string
}

// Close releases the mapping, if any. It is safe to call more than once.
func (f *fileBytes) Close() error {
	if f.unmap == nil {
		return nil
	}
	mapped.Unregister(f.data)
	err := f.unmap()
	f.unmap = nil
	f.data = nil
	if f.file != nil {
		f.file.Close()
		f.file = nil
	}
	return err
}

// check reports a mapped file that has shrunk below the mapped length:
// reading the lost pages would fault.
func (f *fileBytes) check() error {
	if f.file == nil || f.unmap == nil {
		return nil
	}
	st, err := f.file.Stat()
	if err != nil {
		return fmt.Errorf("data file %s: %w", f.path, err)
	}
	if st.Size() < int64(len(f.data)) {
		return fmt.Errorf("data file %s was truncated to %d bytes while in use (%d bytes are mapped): restore the file and run again", f.path, st.Size(), len(f.data))
	}
	return nil
}

// CheckFiles reports a memory-mapped file of the dataset that was truncated
// after it was opened, naming it. Reading a truncated part would fault (see
// package mapped); the runner checks before each build and sweep, so such a
// change is reported before work starts on it. Files replaced by a new one
// (rename) or deleted are harmless: the mapping keeps the old contents.
func (d *Dataset) CheckFiles() error {
	for _, c := range d.closers {
		if fb, ok := c.(*fileBytes); ok {
			if err := fb.check(); err != nil {
				return err
			}
		}
	}
	return nil
}

var _ io.Closer = (*fileBytes)(nil)

// loadFile returns the first limit bytes of path (all of it when limit < 0),
// memory-mapped when the amount is at least MmapThreshold and mapping is
// available, read into memory otherwise. size is the full file size.
func loadFile(path string, limit int64) (fb *fileBytes, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	keep := false
	defer func() {
		if !keep {
			f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s: not a regular file", path)
	}
	size = st.Size()
	n := size
	if limit >= 0 && limit < n {
		n = limit
	}
	if n != int64(int(n)) {
		return nil, size, fmt.Errorf("%s: %d bytes do not fit in memory on this platform", path, n)
	}
	if n > 0 && n >= MmapThreshold {
		data, unmap, err := mmapFile(f, int(n))
		if err == nil {
			mapped.Register(data, path)
			keep = true
			return &fileBytes{data: data, mapped: true, unmap: unmap, file: f, path: path}, size, nil
		}
		if err != errMmapUnsupported {
			return nil, size, fmt.Errorf("%s: memory-map: %w", path, err)
		}
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, size, fmt.Errorf("%s: read: %w", path, err)
	}
	return &fileBytes{data: data}, size, nil
}

// readParsed loads path with loadFile and parses its bytes with parse (at
// most maxRows rows when maxRows > 0); kind names the format in errors. On
// success the caller owns fb, which the result may view.
func readParsed[M any](path string, maxRows int, kind string, parse func([]byte, int) (M, error)) (m M, fb *fileBytes, err error) {
	fb, _, err = loadFile(path, -1)
	if err != nil {
		return m, nil, fmt.Errorf("read %s: %w", kind, err)
	}
	if m, err = parse(fb.data, maxRows); err != nil {
		fb.Close()
		var zero M
		return zero, nil, fmt.Errorf("read %s %s: %w", kind, path, err)
	}
	return m, fb, nil
}

// readMapped is readParsed for formats the result views in place: the
// returned Closer releases the file (harmless to call when it was read
// into memory).
func readMapped[M any](path string, maxRows int, kind string, parse func([]byte, int) (M, error)) (M, io.Closer, error) {
	m, fb, err := readParsed(path, maxRows, kind, parse)
	if err != nil {
		return m, nil, err
	}
	return m, fb, nil
}

// readConverted is readParsed for formats parsed into new memory: the
// file is released before it returns.
func readConverted[M any](path string, maxRows int, kind string, parse func([]byte, int) (M, error)) (M, error) {
	m, fb, err := readParsed(path, maxRows, kind, parse)
	if err == nil {
		fb.Close()
	}
	return m, err
}
