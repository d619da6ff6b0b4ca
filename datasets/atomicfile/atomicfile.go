// Package atomicfile is the one way annbench replaces a file: the new
// content goes to a temporary file in the same directory, is flushed and
// fsynced, renamed over the target, and the directory is fsynced, so a
// reader or a crash sees either the old file or the whole new one, never
// part of one. It imports only the standard library.
//
// It imports only the standard library.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// bufferSize is the write buffer between fn and the temporary file; large
// enough that index files are written in few system calls.
const bufferSize = 1 << 20

// Write replaces path with what fn writes, atomically, with permissions
// perm. The parent directory must exist. When fn or any step fails, the
// temporary file is removed, path is left as it was and the error names
// path.
func Write(path string, perm fs.FileMode, fn func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, bufferSize)
	if err = fn(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil { // CreateTemp makes the file private
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// WriteFile replaces path with data atomically (see Write).
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// syncDir makes a rename in dir durable. It is best effort: platforms and
// file systems that cannot open or sync a directory are not an error, as
// the rename itself already happened.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
