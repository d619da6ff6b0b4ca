package datasets

import (
	"context"
	"strings"
	"testing"
)

func TestAvailable(t *testing.T) {
	dir := t.TempDir()
	synth, err := Lookup("synthetic-2k-8")
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Available(dir, false); err != nil {
		t.Errorf("built-in entry: %v, want nil", err)
	}
	e, err := Lookup("sift1m")
	if err != nil {
		t.Fatal(err)
	}
	if e.Present(dir) {
		t.Skip("sift1m is installed in a system directory")
	}
	err = e.Available(dir, false)
	if err == nil || !strings.Contains(err.Error(), "--no-download") || !strings.Contains(err.Error(), "annbench download sift1m") {
		t.Errorf("missing entry without download: %v, want the missing files and 'annbench download sift1m'", err)
	}
	if err := e.Available(dir, true); err != nil {
		t.Errorf("missing but downloadable entry: %v, want nil", err)
	}
}

func TestOpenDownloading(t *testing.T) {
	ctx := context.Background()
	ds, err := OpenDownloading(ctx, "synthetic-2k-8", Options{DataDir: t.TempDir()}, &DownloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if ds.Base.Rows != 2000 || ds.Base.Dim != 8 {
		t.Errorf("opened %dx%d, want 2000x8", ds.Base.Rows, ds.Base.Dim)
	}
	if _, err := OpenDownloading(ctx, "no-such-dataset", Options{}, nil); err == nil {
		t.Error("unknown name: no error")
	}
	// Without download a missing file is Open's error, and nothing is fetched.
	if _, err := OpenDownloading(ctx, "sift1m", Options{DataDir: t.TempDir()}, nil); err == nil {
		t.Error("sift1m without files or download: no error")
	}
}
