// Package fetch downloads dataset files: over http(s) with resume through
// HTTP Range requests and over ftp with REST offsets, with retries and
// exponential backoff, into a ".part" file that is verified (size and
// sha256) and then renamed into place, so a final path never holds a partial
// or unverified file. Archives (tar, tar.gz, gz, zip) are extracted safely.
// Checksums not pinned by the caller are recorded in a lock file on first
// download and checked on later ones.
//
// It imports datasets/atomicfile, the ftp client and mpb and nothing else
// of annbench: it knows no catalogue entry (datasets hands it URLs, sizes
// and hashes).
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Item is one object to download.
type Item struct {
	// URL is where the object is served (http, https or ftp).
	URL string
	// Path is the destination relative to Fetcher.Dir, slash-separated. For
	// archives it is where the archive itself is stored while extracting.
	Path string
	// Size is the expected size in bytes of the downloaded object (after
	// Prefix is applied), or 0 when unknown.
	Size int64
	// SHA256 is the pinned hex sha256 of the downloaded object (after
	// Patches are applied), or empty to use the lock file.
	SHA256 string
	// Prefix, when positive, downloads only the first Prefix bytes (a
	// ranged request), for subsets of very large files.
	Prefix int64
	// Patches are written over the downloaded bytes before verification,
	// e.g. to rewrite a header's row count after a Prefix download.
	Patches []Patch
	// Members, when non-empty, marks the object as an archive (tar,
	// tar.gz, gz or zip, by the URL's suffix) and lists the files to
	// extract from it.
	Members []Member
	// KeepArchive keeps the archive after its members are extracted.
	KeepArchive bool
}

// Patch overwrites bytes at an offset of a downloaded file.
type Patch struct {
	// Offset is where Data is written.
	Offset int64
	// Data is the replacement bytes.
	Data []byte
}

// Member is a file to extract from an archive.
type Member struct {
	// Name is the member's path inside the archive (ignored for gz, which
	// holds one file).
	Name string
	// Path is the destination relative to Fetcher.Dir.
	Path string
	// Size is the expected size in bytes, or 0 when unknown.
	Size int64
	// SHA256 is the pinned hex sha256, or empty to use the lock file.
	SHA256 string
}

// Fetcher downloads Items into Dir. The zero value is not usable; set Dir
// (the other fields have defaults). Calls to Fetch must not overlap.
type Fetcher struct {
	// Dir is the directory downloads land in; Item and Member paths are
	// relative to it.
	Dir string
	// LockFile is the JSON lock file recording checksums; default
	// Dir/annbench.lock.
	LockFile string
	// Mirror, when set, replaces every URL's scheme and host: the object
	// is fetched from Mirror + "/" + host + path of the original URL, the
	// layout `wget --force-directories` creates.
	Mirror string
	// Retries is how many times a failed transfer is retried (default 5).
	Retries int
	// Backoff is the delay before the first retry, doubled after each
	// further failure up to MaxBackoff (defaults 1s and 30s).
	Backoff, MaxBackoff time.Duration
	// Client makes HTTP requests (default: a client without an overall
	// timeout, since files can be gigabytes).
	Client *http.Client
	// FTPTimeout bounds connecting and each FTP command (default 30s).
	FTPTimeout time.Duration
	// StallTimeout abandons (and retries) a transfer that delivers no data
	// for this long (default 60s).
	StallTimeout time.Duration
	// Progress, when non-nil, receives progress bars (use it only for a
	// terminal; see IsTerminal).
	Progress io.Writer
	// Log, when non-nil, receives one line per action (skip, fetch,
	// extract, retry).
	Log io.Writer
	// Verify re-hashes files already present at their final path against
	// the pinned or recorded checksum instead of trusting their size.
	Verify bool

	// wrapWriter, when set (tests), wraps the writer of every .part file.
	wrapWriter func(io.Writer) io.Writer
	// logw replaces Log while progress bars are drawn, so log lines are
	// printed above the bars instead of through them.
	logw io.Writer
	// pending holds the checksums verified for the item being fetched; they
	// enter the lock file only once the whole item (download and every
	// archive member) succeeded, so a bad download is never recorded.
	pending map[string]lockEntry
}

func (f *Fetcher) retries() int {
	if f.Retries <= 0 {
		return 5
	}
	return f.Retries
}

func (f *Fetcher) backoff(attempt int) time.Duration {
	b, m := f.Backoff, f.MaxBackoff
	if b <= 0 {
		b = time.Second
	}
	if m <= 0 {
		m = 30 * time.Second
	}
	d := b
	for i := 0; i < attempt && d < m; i++ {
		d *= 2
	}
	return min(d, m)
}

func (f *Fetcher) stallTimeout() time.Duration {
	if f.StallTimeout > 0 {
		return f.StallTimeout
	}
	return time.Minute
}

func (f *Fetcher) logf(format string, args ...any) {
	w := f.Log
	if f.logw != nil {
		w = f.logw
	}
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

func (f *Fetcher) lockPath() string {
	if f.LockFile != "" {
		return f.LockFile
	}
	return filepath.Join(f.Dir, "annbench.lock")
}

// local returns the absolute destination for a relative slash path,
// rejecting paths that leave Dir.
func (f *Fetcher) local(rel string) (string, error) {
	clean := path.Clean("/" + rel)
	if rel == "" || clean == "/" || strings.Contains(rel, "\\") || path.IsAbs(rel) || clean != "/"+rel {
		return "", fmt.Errorf("destination %q is not a clean relative path", rel)
	}
	return filepath.Join(f.Dir, filepath.FromSlash(rel)), nil
}

// SourceURL returns the URL an item is actually fetched from: its own, or
// the mirror's.
func (f *Fetcher) SourceURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("bad URL %q: %w", raw, err)
	}
	switch u.Scheme {
	case "http", "https", "ftp":
	default:
		return "", fmt.Errorf("URL %q: scheme %q not supported (want http, https or ftp)", raw, u.Scheme)
	}
	if f.Mirror == "" {
		return raw, nil
	}
	return strings.TrimRight(f.Mirror, "/") + "/" + u.Host + u.EscapedPath(), nil
}

// Fetch downloads every item that is not already present and verified,
// extracting archives. It stops at the first error.
func (f *Fetcher) Fetch(ctx context.Context, items []Item) error {
	if f.Dir == "" {
		return errors.New("fetch: no destination directory")
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return fmt.Errorf("fetch: %w", diskError(err, f.Dir))
	}
	lock, err := readLock(f.lockPath())
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	prog := newProgress(ctx, f.Progress)
	defer prog.wait()
	if prog.p != nil && f.Log != nil {
		f.logw = prog.p
		defer func() { f.logw = nil }()
	}
	for _, it := range items {
		if err := f.fetchItem(ctx, it, lock, prog); err != nil {
			prog.abort()
			return fmt.Errorf("fetch %s: %w", it.URL, err)
		}
	}
	return nil
}

// present reports whether the file at rel exists and matches its expected
// size and (when Verify is set) checksum.
func (f *Fetcher) present(rel string, size int64, sha string, lock *lockFile) (bool, error) {
	p, err := f.local(rel)
	if err != nil {
		return false, err
	}
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		return false, nil
	}
	if size > 0 && st.Size() != size {
		return false, nil
	}
	want := sha
	if want == "" {
		want = lock.sha(rel)
	}
	if !f.Verify || want == "" {
		return true, nil
	}
	got, err := SHA256File(p)
	if err != nil {
		return false, err
	}
	if got != want {
		return false, fmt.Errorf("%s on disk has sha256 %s, want %s: delete it and download again", p, got, want)
	}
	return true, nil
}

func (f *Fetcher) fetchItem(ctx context.Context, it Item, lock *lockFile, prog *progress) error {
	f.pending = map[string]lockEntry{}
	defer func() { f.pending = nil }()
	if len(it.Members) > 0 {
		all := true
		for _, m := range it.Members {
			ok, err := f.present(m.Path, m.Size, m.SHA256, lock)
			if err != nil {
				return err
			}
			all = all && ok
		}
		if all {
			f.logf("present: %s", it.Members[0].Path)
			return nil
		}
	}
	dest, err := f.local(it.Path)
	if err != nil {
		return err
	}
	ok, err := f.present(it.Path, it.Size, it.SHA256, lock)
	if err != nil {
		return err
	}
	// earlier says the archive's bytes (a file at dest, or the start of a
	// resumed .part) come from an earlier run rather than this download.
	earlier := ok
	if !ok {
		if earlier, err = f.download(ctx, it, dest, lock, prog); err != nil {
			return err
		}
	} else if len(it.Members) == 0 {
		f.logf("present: %s", dest)
		return nil
	}
	if len(it.Members) > 0 {
		err := f.extract(ctx, it, dest, lock)
		if err != nil && badArchive(ctx, err) {
			aside := f.moveAside(dest)
			if !earlier {
				return fmt.Errorf("%w; the archive was moved aside to %s and nothing was recorded in %s: run the download again for a fresh copy, and delete %s once you no longer need it",
					err, aside, f.lockPath(), aside)
			}
			// The archive came from an earlier run (a leftover file or a
			// resumed .part): fetch a fresh copy once before giving up.
			f.logf("%v; the archive was from an earlier run (moved aside to %s), downloading a fresh copy", err, aside)
			f.pending = map[string]lockEntry{}
			if _, err := f.download(ctx, Item{URL: it.URL, Path: it.Path, Size: it.Size, SHA256: it.SHA256, Prefix: it.Prefix, Patches: it.Patches}, dest, lock, prog); err != nil {
				return err
			}
			if err = f.extract(ctx, it, dest, lock); err != nil {
				if badArchive(ctx, err) {
					aside = f.moveAside(dest)
					return fmt.Errorf("%w (in a freshly downloaded copy too); the archive was moved aside to %s and nothing was recorded in %s", err, aside, f.lockPath())
				}
				return err
			}
		} else if err != nil {
			return err
		}
		if !it.KeepArchive {
			os.Remove(dest)
		}
	}
	return f.commit(lock)
}

// badArchive reports whether an extraction error is the archive's fault
// (corrupt data, a member that fails its checksum, a missing or unsafe
// entry) rather than the disk's or a cancellation.
func badArchive(ctx context.Context, err error) bool {
	return ctx.Err() == nil && !errors.Is(err, ErrDiskFull) && !errors.Is(err, fs.ErrPermission) && !errors.Is(err, syscall.EROFS)
}

// moveAside renames a rejected archive to <dest>.rejected (replacing an
// older one) so the next run downloads a fresh copy, and returns the new
// name; when that fails it deletes the archive and returns its old name.
func (f *Fetcher) moveAside(dest string) string {
	aside := dest + ".rejected"
	if err := os.Rename(dest, aside); err != nil {
		os.Remove(dest)
		return dest + " (deleted)"
	}
	return aside
}

// commit records the checksums verified for the item in the lock file.
func (f *Fetcher) commit(lock *lockFile) error {
	if len(f.pending) == 0 {
		return nil
	}
	for rel, e := range f.pending {
		lock.set(rel, e)
	}
	if err := lock.write(f.lockPath()); err != nil {
		return diskError(err, f.lockPath())
	}
	return nil
}

// download transfers it into dest.part, verifies it and renames it to dest.
// resumed reports that the file's first bytes came from a .part left by an
// earlier run.
func (f *Fetcher) download(ctx context.Context, it Item, dest string, lock *lockFile, prog *progress) (resumed bool, err error) {
	src, err := f.SourceURL(it.URL)
	if err != nil {
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return false, diskError(err, filepath.Dir(dest))
	}
	part := dest + ".part"
	if err := checkSpace(filepath.Dir(dest), part, max(it.Size, it.Prefix)); err != nil {
		return false, permanent(err)
	}
	f.logf("fetch: %s -> %s", src, dest)
	bar := prog.bar(path.Base(it.Path), max(it.Size, it.Prefix))
	if st, err := os.Stat(part); err == nil && st.Size() > 0 {
		resumed = true
	}
	for {
		if err := f.fetchPart(ctx, src, it, part, bar); err != nil {
			return resumed, err
		}
		if err := applyPatches(part, it.Patches); err != nil {
			return resumed, diskError(err, part)
		}
		err := f.verify(part, it.Path, it.URL, it.Size, it.SHA256, lock)
		if err == nil {
			break
		}
		os.Remove(part)
		if !resumed {
			return false, fmt.Errorf("%w (the download was deleted; nothing was recorded)", err)
		}
		// The start of the file came from an earlier run, perhaps of a
		// different upstream version: try once more from byte 0.
		f.logf("%v; the partial file was from an earlier run, downloading again from scratch", err)
		resumed = false
	}
	bar.done()
	if err := os.Rename(part, dest); err != nil {
		return resumed, diskError(err, dest)
	}
	return resumed, nil
}

// fetchPart runs transfer attempts with backoff until the .part file is
// complete or a permanent error or the retry limit stops it.
func (f *Fetcher) fetchPart(ctx context.Context, src string, it Item, part string, bar *bar) error {
	for attempt := 0; ; attempt++ {
		err := f.transfer(ctx, src, it, part, bar)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var perm *permanentError
		if errors.As(err, &perm) {
			return err
		}
		if attempt >= f.retries() {
			return fmt.Errorf("giving up after %d attempts: %w", attempt+1, err)
		}
		d := f.backoff(attempt)
		f.logf("retry %d/%d in %v: %v", attempt+1, f.retries(), d, err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
}

// verify checks size and checksum of the file at p destined for rel,
// recording the checksum in the lock file when none is known.
func (f *Fetcher) verify(p, rel, source string, size int64, sha string, lock *lockFile) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if size > 0 && st.Size() != size {
		return fmt.Errorf("%s: got %d bytes, want %d", rel, st.Size(), size)
	}
	got, err := SHA256File(p)
	if err != nil {
		return err
	}
	switch {
	case sha != "" && !strings.EqualFold(got, sha):
		return fmt.Errorf("%s: sha256 %s does not match the pinned %s: file rejected", rel, got, sha)
	case sha == "" && lock.sha(rel) != "" && lock.sha(rel) != got:
		return fmt.Errorf("%s: sha256 %s does not match %s recorded in %s on first download: upstream changed or the transfer is corrupt; file rejected (if upstream changed on purpose, delete the %q entry from %s and run again)",
			rel, got, lock.sha(rel), f.lockPath(), rel, f.lockPath())
	}
	if lock.sha(rel) != got {
		if f.pending == nil {
			f.pending = map[string]lockEntry{}
		}
		f.pending[rel] = lockEntry{SHA256: got, Size: st.Size(), URL: source}
	}
	return nil
}

// applyPatches writes each patch into the file at p.
func applyPatches(p string, patches []Patch) error {
	if len(patches) == 0 {
		return nil
	}
	fh, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	for _, pt := range patches {
		if _, err := fh.WriteAt(pt.Data, pt.Offset); err != nil {
			fh.Close()
			return err
		}
	}
	return fh.Close()
}
