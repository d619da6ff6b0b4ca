package fetch

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stuckArchives returns a good archive, one whose member fails the pinned
// checksum, and the item that fetches them from url.
func stuckArchives(t *testing.T) (good, bad []byte, item func(url string) Item) {
	base := payload(4000, 21)
	entries := func() []*tar.Header {
		return []*tar.Header{{Name: "set/base.fvecs", Typeflag: tar.TypeReg}}
	}
	good = tarGz(t, entries(), map[string][]byte{"set/base.fvecs": base})
	corrupt := append([]byte(nil), base...)
	corrupt[100] ^= 0xff
	bad = tarGz(t, entries(), map[string][]byte{"set/base.fvecs": corrupt})
	item = func(url string) Item {
		return Item{URL: url + "/set.tar.gz", Path: "set/set.tar.gz",
			Members: []Member{{Name: "set/base.fvecs", Path: "set/base.fvecs", Size: int64(len(base)), SHA256: shaHex(base)}}}
	}
	return good, bad, item
}

// TestBadMemberIsNotRecorded: a member failing its checksum leaves no
// record of the archive in the lock, moves the archive aside with an error
// naming where, and a good archive is accepted afterwards.
func TestBadMemberIsNotRecorded(t *testing.T) {
	good, bad, item := stuckArchives(t)
	s := &server{files: map[string][]byte{"/set.tar.gz": bad}}
	url := start(t, s)
	f := newFetcher(t)
	err := f.Fetch(context.Background(), []Item{item(url)})
	aside := filepath.Join(f.Dir, "set", "set.tar.gz.rejected")
	for _, w := range []string{"set/base.fvecs", "does not match the pinned", aside, "nothing was recorded"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not mention %q", err, w)
		}
	}
	if got := readFile(t, aside); !bytes.Equal(got, bad) {
		t.Error("the moved-aside archive is not the bad one")
	}
	lock, err := readLock(filepath.Join(f.Dir, "annbench.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if sha := lock.sha("set/set.tar.gz"); sha != "" {
		t.Errorf("the rejected archive's sha256 %s was recorded", sha)
	}
	s.mu.Lock()
	s.files["/set.tar.gz"] = good
	s.mu.Unlock()
	if err := f.Fetch(context.Background(), []Item{item(url)}); err != nil {
		t.Fatalf("the good archive after a bad one: %v", err)
	}
	lock, _ = readLock(filepath.Join(f.Dir, "annbench.lock"))
	if lock.sha("set/set.tar.gz") != shaHex(good) {
		t.Error("the good archive's checksum was not recorded")
	}
}

// TestGarbagePartIsReplaced: a complete-looking .part full of garbage (a
// run died after writing junk) is detected when it does not extract, and
// a fresh copy is fetched within the same call.
func TestGarbagePartIsReplaced(t *testing.T) {
	good, _, item := stuckArchives(t)
	s := &server{files: map[string][]byte{"/set.tar.gz": good}}
	url := start(t, s)
	f := newFetcher(t)
	os.MkdirAll(filepath.Join(f.Dir, "set"), 0o755)
	os.WriteFile(filepath.Join(f.Dir, "set", "set.tar.gz.part"), payload(len(good), 5), 0o644)
	var log bytes.Buffer
	f.Log = &log
	if err := f.Fetch(context.Background(), []Item{item(url)}); err != nil {
		t.Fatalf("fetch over a garbage .part: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "downloading a fresh copy") {
		t.Errorf("log does not say the leftover was replaced:\n%s", log.String())
	}
	lock, _ := readLock(filepath.Join(f.Dir, "annbench.lock"))
	if lock.sha("set/set.tar.gz") != shaHex(good) {
		t.Errorf("lock records %q for the archive, want the good archive's checksum", lock.sha("set/set.tar.gz"))
	}
}

// TestLeftoverBadArchiveIsReplaced: a bad archive left at its final path
// by an earlier version is moved aside and downloaded again.
func TestLeftoverBadArchiveIsReplaced(t *testing.T) {
	good, bad, item := stuckArchives(t)
	s := &server{files: map[string][]byte{"/set.tar.gz": good}}
	url := start(t, s)
	f := newFetcher(t)
	os.MkdirAll(filepath.Join(f.Dir, "set"), 0o755)
	os.WriteFile(filepath.Join(f.Dir, "set", "set.tar.gz"), bad, 0o644)
	if err := f.Fetch(context.Background(), []Item{item(url)}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir, "set", "base.fvecs")); shaHex(got) != item(url).Members[0].SHA256 {
		t.Error("member differs")
	}
}

// TestStaleLockEntryNamesWhatToDelete: a lock written by an earlier
// version with the checksum of a bad archive rejects the good one, and the
// error says which entry of which file to delete.
func TestStaleLockEntryNamesWhatToDelete(t *testing.T) {
	good, _, item := stuckArchives(t)
	url := start(t, &server{files: map[string][]byte{"/set.tar.gz": good}})
	f := newFetcher(t)
	stale := &lockFile{files: map[string]lockEntry{"set/set.tar.gz": {SHA256: strings.Repeat("ab", 32), Size: 1}}}
	if err := stale.write(f.lockPath()); err != nil {
		t.Fatal(err)
	}
	err := f.Fetch(context.Background(), []Item{item(url)})
	for _, w := range []string{`delete the "set/set.tar.gz" entry from ` + f.lockPath(), "nothing was recorded"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not mention %q", err, w)
		}
	}
	if _, err := os.Stat(filepath.Join(f.Dir, "set", "set.tar.gz.part")); err == nil {
		t.Error("the rejected download was left as a .part")
	}
}
