package datasets

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/annbench/annbench/datasets/fetch"
)

// DownloadOptions tunes Download.
type DownloadOptions struct {
	// DataDir is where files land, under <DataDir>/<entry dir>; default
	// DefaultDataDir(). Checksums not pinned by the catalogue are recorded
	// in <DataDir>/annbench.lock.
	DataDir string
	// Mirror, when set, serves every file from this base URL instead of
	// its origin, laid out as <Mirror>/<origin host>/<origin path> (what
	// `wget -x` creates). Default: $ANNBENCH_MIRROR.
	Mirror string
	// Progress receives progress bars; leave nil unless it is a terminal.
	Progress io.Writer
	// Log receives one line per action; nil for silence.
	Log io.Writer
	// Verify re-hashes files already on disk against their known checksum.
	Verify bool
	// Retries is how many times a failed transfer is retried (default 5).
	Retries int
	// Backoff is the first delay between retries, doubled after each
	// failure up to 30s (default 1s).
	Backoff time.Duration
}

func (o DownloadOptions) withDefaults() DownloadOptions {
	if o.DataDir == "" {
		o.DataDir = DefaultDataDir()
	}
	if o.Mirror == "" {
		o.Mirror = os.Getenv("ANNBENCH_MIRROR")
	}
	return o
}

// Download fetches the files of the dataset called name; see
// Entry.Download.
func Download(ctx context.Context, name string, opt DownloadOptions) error {
	e, err := Lookup(name)
	if err != nil {
		return err
	}
	return e.Download(ctx, opt)
}

// Ensure downloads the entry only when its files are not already on disk
// (in the data directory or a system directory). It is what `annbench run`
// calls before opening a dataset.
func (e Entry) Ensure(ctx context.Context, opt DownloadOptions) error {
	opt = opt.withDefaults()
	if e.Present(opt.DataDir) {
		return nil
	}
	return e.Download(ctx, opt)
}

// Download fetches the entry's files into <DataDir>/<dir>, resuming partial
// downloads, verifying sizes and checksums and extracting archives. Built-in
// entries and entries found in a system directory need nothing.
func (e Entry) Download(ctx context.Context, opt DownloadOptions) error {
	opt = opt.withDefaults()
	if e.Builtin() {
		return nil
	}
	if dir, _ := e.Locate(opt.DataDir); dir != "" && dir != e.SearchDirs(opt.DataDir)[0] {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, "%s: found in %s, nothing to download\n", e.Name, dir)
		}
		return nil
	}
	items, err := e.fetchItems()
	if err != nil {
		return err
	}
	f := e.fetcher(opt)
	if err := f.Fetch(ctx, items); err != nil {
		return fmt.Errorf("download %s: %w", e.Name, err)
	}
	if dir, missing := e.Locate(opt.DataDir); dir == "" {
		return fmt.Errorf("download %s: still missing %s after download", e.Name, strings.Join(missing, ", "))
	}
	return nil
}

// DownloadPlan lists what Download would fetch without writing anything;
// with probe set, sizes the catalogue does not know are asked from the
// servers.
func (e Entry) DownloadPlan(ctx context.Context, opt DownloadOptions, probe bool) ([]fetch.Planned, error) {
	opt = opt.withDefaults()
	if e.Builtin() {
		return nil, nil
	}
	items, err := e.fetchItems()
	if err != nil {
		return nil, err
	}
	plan, err := e.fetcher(opt).Plan(ctx, items, probe)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", e.Name, err)
	}
	if dir, _ := e.Locate(opt.DataDir); dir != "" {
		for i := range plan {
			plan[i].Present = true
		}
	}
	return plan, nil
}

func (e Entry) fetcher(opt DownloadOptions) *fetch.Fetcher {
	return &fetch.Fetcher{
		Dir:      opt.DataDir,
		Mirror:   opt.Mirror,
		Progress: opt.Progress,
		Log:      opt.Log,
		Verify:   opt.Verify,
		Retries:  opt.Retries,
		Backoff:  opt.Backoff,
	}
}

// fetchItems turns the entry's files into downloads: one per URL, with
// the files that come out of an archive listed as its members. Files
// without a URL (computed locally) are skipped.
func (e Entry) fetchItems() ([]fetch.Item, error) {
	var items []fetch.Item
	index := map[string]int{} // URL → item
	seen := map[string]bool{} // file names already covered
	for _, f := range e.Files {
		if f.URL == "" || seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		rel := path.Join(e.dirName(), f.Name)
		size, sha := f.Size, f.SHA256
		if f.LocalChecksum {
			size, sha = 0, ""
		}
		if f.Member != "" {
			i, ok := index[f.URL]
			if !ok {
				i = len(items)
				index[f.URL] = i
				items = append(items, fetch.Item{URL: f.URL, Path: path.Join(e.dirName(), path.Base(f.URL))})
			}
			items[i].Members = append(items[i].Members, fetch.Member{Name: f.Member, Path: rel, Size: size, SHA256: sha})
			continue
		}
		it := fetch.Item{URL: f.URL, Path: rel, Size: size, SHA256: sha, Prefix: f.Prefix}
		if f.HeaderRows > 0 {
			if f.Prefix <= 0 {
				return nil, fmt.Errorf("dataset %s: file %s: HeaderRows without Prefix", e.Name, f.Name)
			}
			it.Patches = []fetch.Patch{{Offset: 0, Data: binary.LittleEndian.AppendUint32(nil, uint32(f.HeaderRows))}}
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("dataset %s: no file has a download URL; place the files in %s yourself", e.Name, e.dirName())
	}
	return items, nil
}

// Available reports whether a run can open the entry: built in, on disk
// (in dataDir, default DefaultDataDir(), or a system directory) or, when
// download is allowed, downloadable. The error names the missing files,
// where they were looked for and what to do. It reads and fetches nothing.
func (e Entry) Available(dataDir string, download bool) error {
	if dataDir == "" {
		dataDir = DefaultDataDir()
	}
	if e.Present(dataDir) {
		return nil
	}
	_, missing := e.Locate(dataDir)
	dir := e.SearchDirs(dataDir)[0]
	if !download {
		return fmt.Errorf("missing %s in %s and --no-download is set; run 'annbench download %s' first", strings.Join(missing, ", "), dir, e.Name)
	}
	for _, f := range e.Files {
		if !f.Optional && f.URL == "" {
			return fmt.Errorf("missing %s in %s, and %s has no download address; %s", strings.Join(missing, ", "), dir, f.Name, e.Note)
		}
	}
	return nil
}

// OpenDownloading opens the catalogue dataset called name for a run,
// first downloading its missing files with dl (DataDir defaulting to
// opt.DataDir) when dl is not nil; with a nil dl a missing file is Open's
// error.
func OpenDownloading(ctx context.Context, name string, opt Options, dl *DownloadOptions) (*Dataset, error) {
	e, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	if dl != nil && !e.Builtin() {
		d := *dl
		if d.DataDir == "" {
			d.DataDir = opt.DataDir
		}
		if err := e.Ensure(ctx, d); err != nil {
			return nil, err
		}
	}
	return e.Open(ctx, opt)
}
