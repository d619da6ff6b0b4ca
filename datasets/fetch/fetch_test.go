package fetch

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func payload(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func shaHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// server serves files by path and lets each test inject behaviour per
// request number.
type server struct {
	mu       sync.Mutex
	files    map[string][]byte
	requests []*http.Request
	// hook may handle the request itself (returning true).
	hook func(n int, w http.ResponseWriter, r *http.Request, data []byte) bool
	// noRange makes the server ignore Range headers.
	noRange bool
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r)
	n := len(s.requests)
	data, ok := s.files[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if s.hook != nil && s.hook(n, w, r, data) {
		return
	}
	if s.noRange {
		w.Header().Set("Content-Length", itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(data)
		}
		return
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

func itoa(n int) string { return strconv.Itoa(n) }

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// dropAfter writes the full-length headers and then only n bytes before
// closing the connection.
func dropAfter(w http.ResponseWriter, data []byte, n int) {
	hj := w.(http.Hijacker)
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: " + itoa(len(data)) + "\r\nContent-Type: application/octet-stream\r\n\r\n")
	buf.Write(data[:n])
	buf.Flush()
	conn.Close()
}

func newFetcher(t *testing.T) *Fetcher {
	t.Helper()
	return &Fetcher{Dir: t.TempDir(), Retries: 3, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
}

func start(t *testing.T, s *server) string {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts.URL
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDownload(t *testing.T) {
	data := payload(100_000, 1)
	tests := []struct {
		name   string
		srv    *server
		sha    string
		checks func(t *testing.T, s *server)
	}{
		{name: "normal", srv: &server{}, sha: shaHex(data)},
		{name: "checksum recorded in lock", srv: &server{}},
		{
			name: "dropped then resumed with Range",
			srv: &server{hook: func(n int, w http.ResponseWriter, r *http.Request, d []byte) bool {
				if n == 1 {
					dropAfter(w, d, 30_000)
					return true
				}
				return false
			}},
			sha: shaHex(data),
			checks: func(t *testing.T, s *server) {
				if got := s.requests[1].Header.Get("Range"); got != "bytes=30000-" {
					t.Errorf("second request Range %q, want bytes=30000-", got)
				}
			},
		},
		{
			name:   "no Range support: restart from zero",
			srv:    &server{noRange: true},
			sha:    shaHex(data),
			checks: nil,
		},
		{
			name: "HTTP 500 then success",
			srv: &server{hook: func(n int, w http.ResponseWriter, r *http.Request, d []byte) bool {
				if n <= 2 {
					http.Error(w, "boom", http.StatusInternalServerError)
					return true
				}
				return false
			}},
			sha: shaHex(data),
			checks: func(t *testing.T, s *server) {
				if len(s.requests) != 3 {
					t.Errorf("%d requests, want 3", len(s.requests))
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.srv.files = map[string][]byte{"/d/file.bin": data}
			url := start(t, tc.srv)
			f := newFetcher(t)
			it := Item{URL: url + "/d/file.bin", Path: "set/file.bin", Size: int64(len(data)), SHA256: tc.sha}
			if err := f.Fetch(context.Background(), []Item{it}); err != nil {
				t.Fatal(err)
			}
			got := readFile(t, filepath.Join(f.Dir, "set/file.bin"))
			if !bytes.Equal(got, data) {
				t.Fatalf("downloaded %d bytes differ from the %d served", len(got), len(data))
			}
			if _, err := os.Stat(filepath.Join(f.Dir, "set/file.bin.part")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf(".part file left behind: %v", err)
			}
			lock, err := readLock(filepath.Join(f.Dir, "annbench.lock"))
			if err != nil {
				t.Fatal(err)
			}
			if lock.sha("set/file.bin") != shaHex(data) {
				t.Errorf("lock records %q, want %s", lock.sha("set/file.bin"), shaHex(data))
			}
			if tc.checks != nil {
				tc.checks(t, tc.srv)
			}
			// A second Fetch finds the file and asks nothing.
			n := tc.srv.count()
			f.Verify = true
			if err := f.Fetch(context.Background(), []Item{it}); err != nil {
				t.Fatal(err)
			}
			if tc.srv.count() != n {
				t.Errorf("second Fetch made %d requests, want 0", tc.srv.count()-n)
			}
		})
	}
}

// TestNoRangeDropped: the server ignores Range and the first attempt is
// cut short; the retry must restart the file from byte 0, not append.
func TestNoRangeDropped(t *testing.T) {
	data := payload(50_000, 2)
	s := &server{noRange: true, files: map[string][]byte{"/f": data}, hook: func(n int, w http.ResponseWriter, r *http.Request, d []byte) bool {
		if n == 1 {
			dropAfter(w, d, 20_000)
			return true
		}
		return false
	}}
	url := start(t, s)
	f := newFetcher(t)
	var log bytes.Buffer
	f.Log = &log
	if err := f.Fetch(context.Background(), []Item{{URL: url + "/f", Path: "f"}}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir, "f")); !bytes.Equal(got, data) {
		t.Fatalf("got %d bytes, want the %d served", len(got), len(data))
	}
	if !strings.Contains(log.String(), "ignored the resume offset 20000") {
		t.Errorf("log does not mention the restart:\n%s", log.String())
	}
}

func TestFailures(t *testing.T) {
	data := payload(10_000, 3)
	tests := []struct {
		name  string
		item  func(url string) Item
		setup func(f *Fetcher, s *server)
		want  string
		is    error
	}{
		{
			name: "wrong checksum",
			item: func(u string) Item { return Item{URL: u + "/f", Path: "f", SHA256: shaHex([]byte("other"))} },
			want: "does not match the pinned",
		},
		{
			name: "wrong size",
			item: func(u string) Item { return Item{URL: u + "/f", Path: "f", Size: 999} },
			want: "got 10000 bytes, want 999",
		},
		{
			name: "404 is not retried",
			item: func(u string) Item { return Item{URL: u + "/missing", Path: "f"} },
			want: "HTTP 404 Not Found from",
		},
		{
			name: "500 forever gives up",
			item: func(u string) Item { return Item{URL: u + "/f", Path: "f"} },
			setup: func(f *Fetcher, s *server) {
				s.hook = func(n int, w http.ResponseWriter, r *http.Request, d []byte) bool {
					http.Error(w, "boom", http.StatusBadGateway)
					return true
				}
			},
			want: "giving up after 4 attempts: HTTP 502 Bad Gateway",
		},
		{
			name: "disk full",
			item: func(u string) Item { return Item{URL: u + "/f", Path: "f"} },
			setup: func(f *Fetcher, s *server) {
				f.wrapWriter = func(w io.Writer) io.Writer { return &failWriter{w: w, after: 4096, err: syscall.ENOSPC} }
			},
			want: "disk full writing",
			is:   ErrDiskFull,
		},
		{
			name: "permission denied (injected)",
			item: func(u string) Item { return Item{URL: u + "/f", Path: "f"} },
			setup: func(f *Fetcher, s *server) {
				f.wrapWriter = func(w io.Writer) io.Writer {
					return &failWriter{w: w, err: &fs.PathError{Op: "write", Path: "x", Err: syscall.EACCES}}
				}
			},
			want: "permission denied writing",
			is:   fs.ErrPermission,
		},
		{
			name: "destination escapes",
			item: func(u string) Item { return Item{URL: u + "/f", Path: "../f"} },
			want: `destination "../f" is not a clean relative path`,
		},
		{
			name: "unsupported scheme",
			item: func(u string) Item { return Item{URL: "gopher://x/f", Path: "f"} },
			want: `scheme "gopher" not supported`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &server{files: map[string][]byte{"/f": data}}
			url := start(t, s)
			f := newFetcher(t)
			if tc.setup != nil {
				tc.setup(f, s)
			}
			err := f.Fetch(context.Background(), []Item{tc.item(url)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
			for _, p := range []string{"f", "f.part"} {
				if _, err := os.Stat(filepath.Join(f.Dir, p)); err == nil && (p == "f" || tc.name == "wrong checksum") {
					t.Errorf("%s left behind after a failed download", p)
				}
			}
		})
	}
}

type failWriter struct {
	w     io.Writer
	after int
	err   error
}

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, f.err
	}
	n := min(len(p), f.after)
	f.after -= n
	m, err := f.w.Write(p[:n])
	if err == nil && n < len(p) {
		err = f.err
	}
	return m, err
}

func TestReadOnlyDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: directory permissions are not enforced (the injected EACCES case in TestFailures covers the message)")
	}
	data := payload(1000, 4)
	url := start(t, &server{files: map[string][]byte{"/f": data}})
	f := newFetcher(t)
	if err := os.Chmod(f.Dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(f.Dir, 0o755) })
	err := f.Fetch(context.Background(), []Item{{URL: url + "/f", Path: "sub/f"}})
	if err == nil || !strings.Contains(err.Error(), "permission denied writing") {
		t.Fatalf("error %v, want a permission message", err)
	}
}

func TestLockMismatch(t *testing.T) {
	s := &server{files: map[string][]byte{"/f": []byte("first version")}}
	url := start(t, s)
	f := newFetcher(t)
	it := Item{URL: url + "/f", Path: "f"}
	if err := f.Fetch(context.Background(), []Item{it}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(f.Dir, "f"))
	s.files["/f"] = []byte("second version")
	err := f.Fetch(context.Background(), []Item{it})
	if err == nil || !strings.Contains(err.Error(), "recorded in") {
		t.Fatalf("error %v, want a lock-file mismatch", err)
	}
	if _, err := os.Stat(filepath.Join(f.Dir, "f")); err == nil {
		t.Error("rejected file left at its final path")
	}
	// --verify notices a file changed on disk.
	os.WriteFile(filepath.Join(f.Dir, "f"), []byte("tampered!!!!!"), 0o644)
	f.Verify = true
	if err := f.Fetch(context.Background(), []Item{it}); err == nil || !strings.Contains(err.Error(), "delete it and download again") {
		t.Fatalf("error %v, want a verification failure", err)
	}
}

func TestPrefixAndPatch(t *testing.T) {
	// A big-ann style fbin: int32 n, int32 d, n·d float32.
	const n, d, keep = 100, 4, 10
	full := make([]byte, 8+n*d*4)
	binary.LittleEndian.PutUint32(full, n)
	binary.LittleEndian.PutUint32(full[4:], d)
	copy(full[8:], payload(n*d*4, 5))
	s := &server{files: map[string][]byte{"/base.fbin": full}}
	url := start(t, s)
	f := newFetcher(t)
	hdr := binary.LittleEndian.AppendUint32(nil, keep)
	prefix := int64(8 + keep*d*4)
	it := Item{URL: url + "/base.fbin", Path: "sub/base.10.fbin", Prefix: prefix, Patches: []Patch{{Offset: 0, Data: hdr}}}
	if err := f.Fetch(context.Background(), []Item{it}); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, filepath.Join(f.Dir, "sub/base.10.fbin"))
	want := append(append([]byte(nil), hdr...), full[4:prefix]...)
	if !bytes.Equal(got, want) {
		t.Fatalf("prefix file of %d bytes differs from the expected %d", len(got), len(want))
	}
	if r := s.requests[0].Header.Get("Range"); r != "bytes=0-"+itoa(int(prefix)-1) {
		t.Errorf("Range %q, want bytes=0-%d", r, prefix-1)
	}
}

func TestMirror(t *testing.T) {
	data := payload(5000, 6)
	s := &server{files: map[string][]byte{"/ann-benchmarks.com/x.hdf5": data}}
	url := start(t, s)
	f := newFetcher(t)
	f.Mirror = url + "/"
	src, err := f.SourceURL("https://ann-benchmarks.com/x.hdf5")
	if err != nil || src != url+"/ann-benchmarks.com/x.hdf5" {
		t.Fatalf("SourceURL = %q, %v", src, err)
	}
	if err := f.Fetch(context.Background(), []Item{{URL: "https://ann-benchmarks.com/x.hdf5", Path: "x.hdf5"}}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir, "x.hdf5")); !bytes.Equal(got, data) {
		t.Fatal("mirrored download differs")
	}
	plan, err := f.Plan(context.Background(), []Item{{URL: "https://ann-benchmarks.com/x.hdf5", Path: "x.hdf5"}, {URL: "https://ann-benchmarks.com/x.hdf5", Path: "y.hdf5"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if !plan[0].Present || plan[1].Present || plan[1].Size != int64(len(data)) {
		t.Errorf("plan = %+v, want first present and second unfetched with the probed size %d", plan, len(data))
	}
}

func TestCancel(t *testing.T) {
	data := payload(1<<20, 7)
	release := make(chan struct{})
	s := &server{files: map[string][]byte{"/f": data}, hook: func(n int, w http.ResponseWriter, r *http.Request, d []byte) bool {
		w.Header().Set("Content-Length", itoa(len(d)))
		w.WriteHeader(200)
		w.Write(d[:1000])
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	}}
	url := start(t, s)
	defer close(release)
	f := newFetcher(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	err := f.Fetch(ctx, []Item{{URL: url + "/f", Path: "f"}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(f.Dir, "f")); err == nil {
		t.Error("cancelled download left a final file")
	}
}

func TestBackoff(t *testing.T) {
	f := &Fetcher{Backoff: time.Second, MaxBackoff: 5 * time.Second}
	var got []time.Duration
	for i := 0; i < 5; i++ {
		got = append(got, f.backoff(i))
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("backoff = %v, want %v", got, want)
		}
	}
}

// tarGz builds a tar.gz from entries.
func tarGz(t *testing.T, entries []*tar.Header, bodies map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, h := range entries {
		b := bodies[h.Name]
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(b))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func TestArchive(t *testing.T) {
	base, query := payload(3000, 8), payload(300, 9)
	good := tarGz(t, []*tar.Header{
		{Name: "set/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "set/base.fvecs", Typeflag: tar.TypeReg},
		{Name: "set/query.fvecs", Typeflag: tar.TypeReg},
		{Name: "set/link", Typeflag: tar.TypeSymlink, Linkname: "base.fvecs"},
	}, map[string][]byte{"set/base.fvecs": base, "set/query.fvecs": query})
	members := []Member{
		{Name: "set/base.fvecs", Path: "set/base.fvecs", Size: int64(len(base)), SHA256: shaHex(base)},
		{Name: "set/query.fvecs", Path: "set/query.fvecs"},
	}
	t.Run("members extracted and verified", func(t *testing.T) {
		s := &server{files: map[string][]byte{"/set.tar.gz": good}}
		url := start(t, s)
		f := newFetcher(t)
		it := Item{URL: url + "/set.tar.gz", Path: "set/set.tar.gz", Members: members}
		if err := f.Fetch(context.Background(), []Item{it}); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, filepath.Join(f.Dir, "set/base.fvecs")); !bytes.Equal(got, base) {
			t.Error("base differs")
		}
		if got := readFile(t, filepath.Join(f.Dir, "set/query.fvecs")); !bytes.Equal(got, query) {
			t.Error("query differs")
		}
		if _, err := os.Stat(filepath.Join(f.Dir, "set/set.tar.gz")); err == nil {
			t.Error("archive kept although KeepArchive is false")
		}
		lock, _ := readLock(filepath.Join(f.Dir, "annbench.lock"))
		if lock.sha("set/query.fvecs") != shaHex(query) || lock.sha("set/set.tar.gz") != shaHex(good) {
			t.Error("lock lacks the member or archive checksums")
		}
		n := s.count()
		if err := f.Fetch(context.Background(), []Item{it}); err != nil || s.count() != n {
			t.Errorf("second Fetch: %v, %d requests; want none", err, s.count()-n)
		}
	})
	bad := []struct {
		name  string
		entry *tar.Header
	}{
		{"dot-dot", &tar.Header{Name: "set/../../evil", Typeflag: tar.TypeReg}},
		{"absolute", &tar.Header{Name: "/etc/evil", Typeflag: tar.TypeReg}},
		{"symlink escaping", &tar.Header{Name: "set/ln", Typeflag: tar.TypeSymlink, Linkname: "../../outside"}},
		{"absolute symlink", &tar.Header{Name: "set/ln", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}},
		{"hard link escaping", &tar.Header{Name: "set/hl", Typeflag: tar.TypeLink, Linkname: "../x"}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			arch := tarGz(t, []*tar.Header{
				{Name: "set/base.fvecs", Typeflag: tar.TypeReg},
				tc.entry,
				{Name: "set/query.fvecs", Typeflag: tar.TypeReg},
			}, map[string][]byte{"set/base.fvecs": base, "set/query.fvecs": query, tc.entry.Name: []byte("evil")})
			url := start(t, &server{files: map[string][]byte{"/set.tar.gz": arch}})
			f := newFetcher(t)
			err := f.Fetch(context.Background(), []Item{{URL: url + "/set.tar.gz", Path: "set/set.tar.gz", Members: members}})
			if !errors.Is(err, ErrUnsafeArchive) {
				t.Fatalf("error %v, want ErrUnsafeArchive", err)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(f.Dir), "evil")); err == nil {
				t.Error("escaping entry was written")
			}
		})
	}
	t.Run("missing member", func(t *testing.T) {
		url := start(t, &server{files: map[string][]byte{"/set.tar.gz": good}})
		f := newFetcher(t)
		err := f.Fetch(context.Background(), []Item{{URL: url + "/set.tar.gz", Path: "set.tar.gz",
			Members: []Member{{Name: "set/nope", Path: "nope"}}}})
		if err == nil || !strings.Contains(err.Error(), "members missing from the archive: set/nope") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("gz", func(t *testing.T) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(base)
		zw.Close()
		url := start(t, &server{files: map[string][]byte{"/b.fvecs.gz": buf.Bytes()}})
		f := newFetcher(t)
		if err := f.Fetch(context.Background(), []Item{{URL: url + "/b.fvecs.gz", Path: "b.fvecs.gz",
			Members: []Member{{Path: "b.fvecs", SHA256: shaHex(base)}}}}); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, filepath.Join(f.Dir, "b.fvecs")); !bytes.Equal(got, base) {
			t.Error("gunzipped file differs")
		}
	})
}

func TestZip(t *testing.T) {
	gt := payload(4040, 12)
	build := func(extra string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("deep1M_groundtruth.ivecs")
		w.Write(gt)
		w, _ = zw.Create("deep10M_groundtruth.ivecs")
		w.Write([]byte("other"))
		if extra != "" {
			w, _ = zw.Create(extra)
			w.Write([]byte("evil"))
		}
		zw.Close()
		return buf.Bytes()
	}
	members := []Member{{Name: "deep1M_groundtruth.ivecs", Path: "deep/gt.ivecs", SHA256: shaHex(gt)}}
	url := start(t, &server{files: map[string][]byte{"/gt.zip": build(""), "/bad.zip": build("../../evil")}})
	f := newFetcher(t)
	if err := f.Fetch(context.Background(), []Item{{URL: url + "/gt.zip", Path: "deep/gt.zip", Members: members}}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir, "deep/gt.ivecs")); !bytes.Equal(got, gt) {
		t.Error("zip member differs")
	}
	f = newFetcher(t)
	err := f.Fetch(context.Background(), []Item{{URL: url + "/bad.zip", Path: "bad.zip", Members: members}})
	if !errors.Is(err, ErrUnsafeArchive) {
		t.Fatalf("error %v, want ErrUnsafeArchive", err)
	}
}

func TestProgressBarsDoNotBreakDownloads(t *testing.T) {
	data := payload(200_000, 10)
	url := start(t, &server{files: map[string][]byte{"/f": data}})
	f := newFetcher(t)
	var out bytes.Buffer
	f.Progress = &out
	if err := f.Fetch(context.Background(), []Item{{URL: url + "/f", Path: "f", Size: int64(len(data))}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "KiB") {
		t.Errorf("no progress output: %q", out.String())
	}
}

func TestStalledTransferIsRetried(t *testing.T) {
	data := payload(40_000, 13)
	release := make(chan struct{})
	defer close(release)
	s := &server{files: map[string][]byte{"/f": data}, hook: func(n int, w http.ResponseWriter, r *http.Request, d []byte) bool {
		if n > 1 {
			return false
		}
		w.Header().Set("Content-Length", itoa(len(d)))
		w.WriteHeader(http.StatusOK)
		w.Write(d[:10_000])
		w.(http.Flusher).Flush()
		select { // then nothing, until the client gives up
		case <-release:
		case <-r.Context().Done():
		}
		return true
	}}
	url := start(t, s)
	f := newFetcher(t)
	f.StallTimeout = 100 * time.Millisecond
	var log bytes.Buffer
	f.Log = &log
	if err := f.Fetch(context.Background(), []Item{{URL: url + "/f", Path: "f", Size: int64(len(data))}}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir, "f")); !bytes.Equal(got, data) {
		t.Fatal("download after a stall differs")
	}
	if !strings.Contains(log.String(), "no data for 100ms") {
		t.Errorf("log does not mention the stall:\n%s", log.String())
	}
	if r := s.requests[1].Header.Get("Range"); r != "bytes=10000-" {
		t.Errorf("retry after the stall asked Range %q, want bytes=10000-", r)
	}
}

func TestNotEnoughSpace(t *testing.T) {
	s := &server{files: map[string][]byte{"/f": []byte("x")}}
	url := start(t, s)
	f := newFetcher(t)
	err := f.Fetch(context.Background(), []Item{{URL: url + "/f", Path: "f", Size: 1 << 60}})
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "more bytes but only") {
		t.Fatalf("error %v, want an early disk-full error", err)
	}
	if s.count() != 0 {
		t.Errorf("%d requests made despite the lack of space", s.count())
	}
}

func TestStalePartRestartsFromScratch(t *testing.T) {
	data := payload(20_000, 14)
	s := &server{files: map[string][]byte{"/f": data}}
	url := start(t, s)
	f := newFetcher(t)
	// A .part left by an earlier run against different upstream bytes.
	os.WriteFile(filepath.Join(f.Dir, "f.part"), payload(5_000, 99), 0o644)
	var log bytes.Buffer
	f.Log = &log
	if err := f.Fetch(context.Background(), []Item{{URL: url + "/f", Path: "f", SHA256: shaHex(data)}}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir, "f")); !bytes.Equal(got, data) {
		t.Fatal("file differs after the restart")
	}
	if !strings.Contains(log.String(), "downloading again from scratch") || len(s.requests) != 2 {
		t.Errorf("%d requests, log:\n%s", len(s.requests), log.String())
	}
}

func FuzzReadLock(f *testing.F) {
	f.Add([]byte(`{"version":1,"files":{"a/b":{"sha256":"00","size":3,"url":"http://x/y"}}}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "annbench.lock")
		os.WriteFile(p, b, 0o644)
		l, err := readLock(p)
		if err != nil {
			return
		}
		// A lock that reads back must survive a write/read round trip.
		if err := l.write(p); err != nil {
			t.Fatal(err)
		}
		l2, err := readLock(p)
		if err != nil || len(l2.files) != len(l.files) {
			t.Fatalf("round trip: %v, %d vs %d files", err, len(l2.files), len(l.files))
		}
	})
}

// FuzzExtractTar feeds arbitrary bytes as a tar archive: extraction may
// fail but must never write outside the destination directory.
func FuzzExtractTar(f *testing.F) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "set/a", Typeflag: tar.TypeReg, Size: 3, Mode: 0o644})
	tw.Write([]byte("abc"))
	tw.WriteHeader(&tar.Header{Name: "set/../../x", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644})
	tw.Write([]byte("x"))
	tw.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "data")
		os.MkdirAll(dir, 0o755)
		arch := filepath.Join(dir, "a.tar")
		os.WriteFile(arch, b, 0o644)
		fe := &Fetcher{Dir: dir}
		lock := &lockFile{files: map[string]lockEntry{}}
		it := Item{URL: "http://h/a.tar", Path: "a.tar", Members: []Member{{Name: "set/a", Path: "set/a"}, {Name: "x", Path: "x"}}}
		fe.extract(context.Background(), it, arch, lock)
		entries, _ := os.ReadDir(root)
		if len(entries) != 1 {
			t.Fatalf("extraction wrote outside the data directory: %v", entries)
		}
	})
}

func TestCompletePartIsNotFetchedAgain(t *testing.T) {
	data := payload(30_000, 15)
	s := &server{files: map[string][]byte{"/f": data}}
	url := start(t, s)
	f := newFetcher(t)
	// A complete .part left by a run that died before the rename; the
	// size is unknown to the catalogue, so only the server can tell.
	os.WriteFile(filepath.Join(f.Dir, "f.part"), data, 0o644)
	if err := f.Fetch(context.Background(), []Item{{URL: url + "/f", Path: "f"}}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(f.Dir, "f")); !bytes.Equal(got, data) {
		t.Fatal("file differs")
	}
	if len(s.requests) != 1 || s.requests[0].Header.Get("Range") != "bytes=30000-" {
		t.Errorf("%d requests; want one ranged request answered 416", len(s.requests))
	}
}
