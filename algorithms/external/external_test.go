package external

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/external/fakeadapter"
	"github.com/annbench/annbench/datasets/vector"
)

// fakeAlgorithm returns a user algorithm served by this test binary in the
// given fake mode.
func fakeAlgorithm(t *testing.T, mode string, timeouts Timeouts) algorithms.Algorithm {
	t.Helper()
	t.Setenv(fakeadapter.Env, mode)
	t.Setenv("ANNBENCH_CACHE_DIR", t.TempDir())
	ad := &Adapter{Name: "fake", Command: []string{os.Args[0]}, Timeouts: timeouts}
	alg, err := UserAlgorithm(context.Background(), ad)
	if err != nil {
		t.Fatalf("UserAlgorithm: %v", err)
	}
	return alg
}

func randomMatrix(rows, dim int, seed uint64) vector.Matrix {
	m := vector.NewMatrix(rows, dim)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range m.Data {
		m.Data[i] = r.Float32()
	}
	return m
}

// built makes and builds the fake index over 300 random vectors.
func built(t *testing.T, alg algorithms.Algorithm) (*Index, vector.Matrix, vector.Matrix) {
	t.Helper()
	ip, err := alg.Params.Normalize(algorithms.IndexTime, nil)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := alg.New(vector.L2, 8, ip)
	if err != nil {
		t.Fatal(err)
	}
	x := idx.(*Index)
	t.Cleanup(func() { x.Close() })
	base, queries := randomMatrix(300, 8, 1), randomMatrix(20, 8, 2)
	if err := x.Build(context.Background(), base); err != nil {
		t.Fatalf("Build: %v", err)
	}
	return x, base, queries
}

func timed(x *Index, q vector.Matrix, batch bool) (algorithms.TimedPasses, error) {
	if err := x.SetQuery(algorithms.Params{"depth": 1}); err != nil {
		return algorithms.TimedPasses{}, err
	}
	return x.TimePasses(context.Background(), algorithms.TimedRequest{Queries: q, K: 5, Batch: batch, Threads: 1,
		Warmup: 1, Passes: 3, Repeats: 2})
}

func TestFakeAdapterRoundTrip(t *testing.T) {
	alg := fakeAlgorithm(t, fakeOK, Timeouts{})
	if got := alg.Params.Names(algorithms.QueryTime); len(got) != 1 || got[0] != "depth" {
		t.Fatalf("query params from hello = %v, want [depth]", got)
	}
	if _, err := alg.Params.Normalize(algorithms.IndexTime, map[string]any{"width": 1000}); err == nil {
		t.Fatal("width=1000 outside the declared [1,64] was accepted")
	}
	if !alg.Supports(vector.L2) || alg.Supports(vector.IP) {
		t.Fatalf("metrics = %v, want the declared [l2]", alg.Metrics)
	}
	x, base, q := built(t, alg)
	for _, batch := range []bool{false, true} {
		r, err := timed(x, q, batch)
		if err != nil {
			t.Fatalf("batch=%v: %v", batch, err)
		}
		if len(r.PassSeconds) != 3 || r.Repeats != 2 || len(r.IDs) != q.Rows {
			t.Fatalf("batch=%v: %d passes, %d repeats, %d results", batch, len(r.PassSeconds), r.Repeats, len(r.IDs))
		}
		wantLat := 0
		if !batch {
			wantLat = 3 * 2 * q.Rows
		}
		if len(r.LatencyNS) != wantLat {
			t.Fatalf("batch=%v: %d latencies, want %d", batch, len(r.LatencyNS), wantLat)
		}
		if r.Implausible != "" {
			t.Fatalf("batch=%v: honest adapter flagged: %s", batch, r.Implausible)
		}
		for i, ids := range r.IDs {
			want := exact(base, q.Row(i), 5)
			if len(ids) != 5 || ids[0] != want[0] || ids[4] != want[4] {
				t.Fatalf("query %d: ids %v, want %v", i, ids, want)
			}
		}
	}
	if x.PeakRSS() <= 0 {
		t.Errorf("peak RSS of the adapter = %d, want > 0 (read from /proc)", x.PeakRSS())
	}
	if err := x.SetQuery(algorithms.Params{"depth": 99}); err == nil || !strings.Contains(err.Error(), "unlucky") {
		t.Fatalf("SetQuery error = %v, want the adapter's message", err)
	}
	if _, err := timed(x, q, false); err != nil {
		t.Fatalf("a reported set_query error must not end the session: %v", err)
	}
	if err := x.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestFakeAdapterInvalidIDsReachTheScorer(t *testing.T) {
	for _, mode := range []string{fakeDuplicate, fakeRange} {
		t.Run(mode, func(t *testing.T) {
			x, base, q := built(t, fakeAlgorithm(t, mode, Timeouts{}))
			r, err := timed(x, q, false)
			if err != nil {
				t.Fatal(err)
			}
			for i, ids := range r.IDs {
				if len(ids) != 5 {
					t.Fatalf("query %d: %d ids, want all 5 as sent", i, len(ids))
				}
				switch mode {
				case fakeDuplicate:
					if ids[1] != ids[0] {
						t.Fatalf("query %d: duplicates were cleaned up before scoring: %v", i, ids)
					}
				case fakeRange:
					if int(ids[4]) != base.Rows+7 {
						t.Fatalf("query %d: out-of-range id was dropped before scoring: %v", i, ids)
					}
				}
			}
		})
	}
}

// failing checks that the second timed request fails with an adapter error
// that quotes the adapter's stderr, after the first one succeeded.
func failing(t *testing.T, mode string, timeouts Timeouts, want ...string) {
	t.Helper()
	x, _, q := built(t, fakeAlgorithm(t, mode, timeouts))
	if _, err := timed(x, q, false); err != nil {
		t.Fatalf("first search: %v", err)
	}
	_, err := timed(x, q, false)
	if err == nil {
		t.Fatal("second search succeeded")
	}
	if !errors.Is(err, ErrAdapter) {
		t.Errorf("error %v is not an ErrAdapter", err)
	}
	for _, w := range append(want, "last stderr lines", "fake: search") {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if _, err2 := timed(x, q, false); err2 == nil {
		t.Error("the session went on after the adapter failed")
	}
	if x.proc != nil {
		select {
		case <-x.proc.done:
		default:
			t.Error("the failed adapter is still running")
		}
	}
}

func TestFakeAdapterCrash(t *testing.T) {
	failing(t, fakeCrash, Timeouts{}, "signal: killed", "about to die")
}

func TestFakeAdapterHang(t *testing.T) {
	start := time.Now()
	failing(t, fakeHang, Timeouts{Search: 2 * time.Second}, "no answer to search within 2s", "stuck")
	if time.Since(start) > time.Minute {
		t.Error("the hung adapter was not killed at its timeout")
	}
}

func TestFakeAdapterMalformedJSON(t *testing.T) {
	failing(t, fakeGarbage, Timeouts{}, "malformed JSON answer to search")
}

func TestFakeAdapterWrongResultFileSize(t *testing.T) {
	x, _, q := built(t, fakeAlgorithm(t, fakeShortFile, Timeouts{}))
	_, err := timed(x, q, false)
	if err == nil || !errors.Is(err, ErrAdapter) || !strings.Contains(err.Error(), "bytes, want") {
		t.Fatalf("error = %v, want a result-file size error", err)
	}
}

func TestFakeAdapterNoisyStdout(t *testing.T) {
	t.Setenv(fakeadapter.Env, fakeStdout)
	ad := &Adapter{Name: "fake", Command: []string{os.Args[0]}}
	_, err := UserAlgorithm(context.Background(), ad)
	if err == nil || !strings.Contains(err.Error(), `malformed JSON answer to hello`) || !strings.Contains(err.Error(), "loading fakelib") {
		t.Fatalf("error = %v, want malformed JSON quoting the stray line", err)
	}
}

func TestFakeAdapterImplausibleTimes(t *testing.T) {
	x, _, q := built(t, fakeAlgorithm(t, fakeFast, Timeouts{}))
	r, err := timed(x, q, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Implausible == "" {
		t.Fatalf("pass times of %v in a %.3fs round trip were not flagged", r.PassSeconds, r.RoundTripSeconds)
	}
}

func TestMissingLibraryBeforeSweep(t *testing.T) {
	t.Setenv(fakeadapter.Env, fakeNoLibrary)
	ad := &Adapter{Name: "fakelib-ivf", Command: []string{os.Args[0]}}
	alg := ad.Algorithm("fake", vector.Metrics, nil)
	err := alg.Check(context.Background())
	want := "fakelib-ivf: Python module fakelib not found: pip install fakelib"
	if err == nil || err.Error() != want {
		t.Fatalf("Check = %v, want %q", err, want)
	}
}

func TestMissingCommand(t *testing.T) {
	ad := &Adapter{Name: "mylib", Command: []string{"/nonexistent/annbench-adapter"}}
	_, err := UserAlgorithm(context.Background(), ad)
	if err == nil || !errors.Is(err, ErrAdapter) || !strings.Contains(err.Error(), "mylib: start adapter /nonexistent/annbench-adapter") {
		t.Fatalf("error = %v", err)
	}
}

func TestFakeAdapterAllowFile(t *testing.T) {
	x, base, q := built(t, fakeAlgorithm(t, fakeOK, Timeouts{}))
	defer x.Close()
	n := base.Rows
	allow := make([]*algorithms.Allow, q.Rows)
	for i := range allow {
		if i%2 == 0 {
			allow[i] = algorithms.AllowRange(n, i, i+n/3)
			continue
		}
		var ids []int32
		for id := i % 3; id < n; id += 3 {
			ids = append(ids, int32(id))
		}
		a, err := algorithms.AllowIDs(n, ids)
		if err != nil {
			t.Fatal(err)
		}
		allow[i] = a
	}
	for _, batch := range []bool{false, true} {
		if err := x.SetQuery(algorithms.Params{"depth": 1}); err != nil {
			t.Fatal(err)
		}
		r, err := x.TimePasses(context.Background(), algorithms.TimedRequest{Queries: q, K: 5, Batch: batch, Threads: 1,
			Warmup: 1, Passes: 1, Repeats: 1, Allow: allow})
		if err != nil {
			t.Fatalf("batch=%v: %v", batch, err)
		}
		if r.Filter != "native" {
			t.Errorf("batch=%v: filter %q, want the fake's native", batch, r.Filter)
		}
		for i, ids := range r.IDs {
			var want []int32
			for _, id := range exact(base, q.Row(i), n) {
				if allow[i].Contains(id) && len(want) < 5 {
					want = append(want, id)
				}
			}
			if !slices.Equal(ids, want) {
				t.Fatalf("batch=%v query %d: ids %v, want the allowed nearest %v", batch, i, ids, want)
			}
		}
	}
}

func TestAllowFileLimit(t *testing.T) {
	big := algorithms.AllowRange(10, 0, 10)
	ids, _ := algorithms.AllowIDs(3, []int32{0, 2})
	if got := AllowFileBytes([]*algorithms.Allow{big, ids}); got != 12+8+8 {
		t.Fatalf("AllowFileBytes = %d, want 28", got)
	}
	many := make([]int32, 1<<20)
	for i := range many {
		many[i] = int32(i)
	}
	a, _ := algorithms.AllowIDs(len(many), many)
	allow := make([]*algorithms.Allow, 300) // 300 × 4 MiB > 1 GiB
	for i := range allow {
		allow[i] = a
	}
	if err := CheckAllowFile(allow); err == nil || !strings.Contains(err.Error(), "limit 1024 MiB") {
		t.Fatalf("CheckAllowFile = %v, want the 1 GiB limit named", err)
	}
}
