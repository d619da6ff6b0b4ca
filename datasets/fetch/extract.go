package fetch

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ErrUnsafeArchive is wrapped by errors about archive entries that would
// be written outside the destination (absolute paths, "..", escaping
// links).
var ErrUnsafeArchive = errors.New("unsafe archive entry")

// archiveKind returns "tar.gz", "tar", "gz" or "zip" from a URL or file
// name.
func archiveKind(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".tar.gz"), strings.HasSuffix(n, ".tgz"):
		return "tar.gz"
	case strings.HasSuffix(n, ".tar"):
		return "tar"
	case strings.HasSuffix(n, ".gz"):
		return "gz"
	case strings.HasSuffix(n, ".zip"):
		return "zip"
	}
	return ""
}

// extract unpacks the members of the archive at archive into Dir,
// verifying each, and records their checksums.
func (f *Fetcher) extract(ctx context.Context, it Item, archive string, lock *lockFile) error {
	kind := archiveKind(it.URL)
	if kind == "" {
		kind = archiveKind(it.Path)
	}
	f.logf("extract: %s", archive)
	wanted := map[string]Member{}
	for _, m := range it.Members {
		wanted[strings.TrimPrefix(path.Clean("/"+m.Name), "/")] = m
	}
	if kind == "zip" {
		return f.extractZip(ctx, archive, wanted, it.URL, lock)
	}
	fh, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer fh.Close()
	var r io.Reader = fh
	if kind == "tar.gz" || kind == "gz" {
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return fmt.Errorf("%s: %w", archive, err)
		}
		defer zr.Close()
		r = zr
	}
	switch kind {
	case "gz":
		if len(it.Members) != 1 {
			return fmt.Errorf("%s: a gz file holds one member, %d requested", archive, len(it.Members))
		}
		return f.writeMember(ctx, it.Members[0], r, it.URL, lock)
	case "tar", "tar.gz":
		return f.extractTar(ctx, tar.NewReader(r), archive, wanted, it.URL, lock)
	}
	return fmt.Errorf("%s: unknown archive type (want .tar, .tar.gz, .tgz, .gz or .zip)", archive)
}

// CheckEntry rejects tar entries that would land outside the extraction
// directory: absolute names, ".." components, and links whose target
// escapes.
func CheckEntry(h *tar.Header) error {
	name := h.Name
	if strings.HasPrefix(name, "/") || filepath.IsAbs(name) || strings.Contains(name, "\\") {
		return fmt.Errorf("%w: %q has an absolute path", ErrUnsafeArchive, name)
	}
	if escapes(name) {
		return fmt.Errorf("%w: %q leaves the destination directory", ErrUnsafeArchive, name)
	}
	switch h.Typeflag {
	case tar.TypeSymlink:
		target := h.Linkname
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(name), target)
		}
		if path.IsAbs(h.Linkname) || escapes(target) {
			return fmt.Errorf("%w: symlink %q -> %q points outside the destination directory", ErrUnsafeArchive, name, h.Linkname)
		}
	case tar.TypeLink:
		if path.IsAbs(h.Linkname) || escapes(h.Linkname) {
			return fmt.Errorf("%w: hard link %q -> %q points outside the destination directory", ErrUnsafeArchive, name, h.Linkname)
		}
	}
	return nil
}

// extractZip is extractTar for zip archives.
func (f *Fetcher) extractZip(ctx context.Context, archive string, wanted map[string]Member, source string, lock *lockFile) error {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return fmt.Errorf("%s: %w", archive, err)
	}
	defer zr.Close()
	found := map[string]bool{}
	for _, zf := range zr.File {
		h := &tar.Header{Name: zf.Name, Typeflag: tar.TypeReg}
		if zf.Mode()&fs.ModeSymlink != 0 {
			// The link target is the entry's content.
			rc, err := zf.Open()
			if err != nil {
				return fmt.Errorf("%s: %w", archive, err)
			}
			target, err := io.ReadAll(io.LimitReader(rc, 4096))
			rc.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", archive, err)
			}
			h.Typeflag, h.Linkname = tar.TypeSymlink, string(target)
		} else if zf.Mode().IsDir() {
			h.Typeflag = tar.TypeDir
		}
		name, m, ok, err := wantedEntry(archive, h, zf.Name, wanted)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("%s: member %q: %w", archive, name, err)
		}
		err = f.writeMember(ctx, m, rc, source, lock)
		rc.Close()
		if err != nil {
			return err
		}
		found[name] = true
	}
	return missingMembers(archive, wanted, found)
}

// wantedEntry checks an archive entry h, stored under entryName, and
// returns its cleaned name and the wanted member it is (ok false for an
// entry nobody asked for). A wanted entry must be a regular file.
func wantedEntry(archive string, h *tar.Header, entryName string, wanted map[string]Member) (name string, m Member, ok bool, err error) {
	if err := CheckEntry(h); err != nil {
		return "", Member{}, false, fmt.Errorf("%s: %w", archive, err)
	}
	name = strings.TrimPrefix(path.Clean("/"+entryName), "/")
	if m, ok = wanted[name]; !ok {
		return name, m, false, nil
	}
	if h.Typeflag != tar.TypeReg {
		return "", Member{}, false, fmt.Errorf("%s: member %q is not a regular file", archive, name)
	}
	return name, m, true, nil
}

// missingMembers reports wanted members the archive did not hold.
func missingMembers(archive string, wanted map[string]Member, found map[string]bool) error {
	var missing []string
	for name := range wanted {
		if !found[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("%s: members missing from the archive: %s", archive, strings.Join(missing, ", "))
	}
	return nil
}

// escapes reports whether the relative slash path p climbs above its root.
func escapes(p string) bool {
	depth := 0
	for _, part := range strings.Split(p, "/") {
		switch part {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

func (f *Fetcher) extractTar(ctx context.Context, tr *tar.Reader, archive string, wanted map[string]Member, source string, lock *lockFile) error {
	found := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", archive, err)
		}
		name, m, ok, err := wantedEntry(archive, h, h.Name, wanted)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := f.writeMember(ctx, m, tr, source, lock); err != nil {
			return err
		}
		found[name] = true
	}
	return missingMembers(archive, wanted, found)
}

// writeMember copies r into the member's .part file, verifies it and
// renames it into place.
func (f *Fetcher) writeMember(ctx context.Context, m Member, r io.Reader, source string, lock *lockFile) error {
	dest, err := f.local(m.Path)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return diskError(err, filepath.Dir(dest))
	}
	part := dest + ".part"
	fh, err := os.Create(part)
	if err != nil {
		return diskError(err, part)
	}
	var w io.Writer = fh
	if f.wrapWriter != nil {
		w = f.wrapWriter(fh)
	}
	_, err = io.Copy(&writeErrorWriter{w}, ctxReader{ctx, r})
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(part)
		var we *writeError
		if errors.As(err, &we) {
			return diskError(we.err, part)
		}
		return fmt.Errorf("extracting %s: %w", m.Path, err)
	}
	if err := f.verify(part, m.Path, source, m.Size, m.SHA256, lock); err != nil {
		os.Remove(part)
		return err
	}
	if err := os.Rename(part, dest); err != nil {
		return diskError(err, dest)
	}
	return nil
}
