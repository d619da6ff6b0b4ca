package result

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"ds/flat/b.json", "ds/flat/a.JSON", "ds2/hnsw/c.json", // listed
		"ds/flat/notes.txt", "top.json", "ds/x.json", // wrong depth or extension
		"ds/flat/old/d.json", "baseline/ds/flat/e.json", // another run inside dir
		".git/ds/flat/f.json", "ds/.hidden/g.json", // hidden directories
	} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range []string{"ds/flat/a.JSON", "ds/flat/b.json", "ds2/hnsw/c.json"} {
		want = append(want, filepath.Join(dir, filepath.FromSlash(f)))
	}
	if !slices.Equal(got, want) {
		t.Errorf("Files = %q, want %q", got, want)
	}
	if _, err := Files(filepath.Join(dir, "missing")); err == nil {
		t.Error("Files of a missing directory: no error")
	}
}
