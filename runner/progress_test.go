package runner

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/hnsw"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/internal/ptytest"
	"github.com/annbench/annbench/runner/config"
)

// ansi matches the terminal control sequences mpb writes.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// readAll collects what is written to the terminal of master until done
// is called, which closes tty and returns the text without control
// sequences.
func readAll(t *testing.T, master, tty *os.File) (done func() string) {
	t.Helper()
	var mu sync.Mutex
	var buf bytes.Buffer
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		b := make([]byte, 4096)
		for {
			n, err := master.Read(b)
			mu.Lock()
			buf.Write(b[:n])
			mu.Unlock()
			if err != nil { // EIO once tty is closed and drained
				return
			}
		}
	}()
	return func() string {
		tty.Close()
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return ansi.ReplaceAllString(buf.String(), "")
	}
}

// TestProgressBarsOnTerminal drives a display in bars mode on a
// pseudo-terminal, redrawing at chosen moments, and checks what a user
// sees: the build's stage with counts and rate, the sweep's points, and
// log lines printed above the bars.
func TestProgressBarsOnTerminal(t *testing.T) {
	master, tty := ptytest.Open(t, 160)
	output := readAll(t, master, tty)
	d := newDisplay(ProgressBars, tty, 0, 3)
	d.refresh = make(chan any)
	// redraw returns once a frame drawn after the call has been written:
	// mpb's listener takes the next value only after handing the previous
	// redraw to the render loop, which draws one frame at a time.
	redraw := func() {
		for range 3 {
			d.refresh <- time.Now()
		}
	}
	d.resume()
	p := d.beginTask("ds hnsw M=16")
	p.Stage("insert", 1000)
	p.Done(500)
	redraw()
	d.log(tty).Write([]byte("a log line above the bars\n"))
	redraw()
	p.Done(500)
	d.endTask()
	d.pointsFinished(2)
	redraw()
	d.close()
	got := output()
	for _, want := range []string{"ds hnsw M=16", "insert 500/1,000 (50%)", "/s, ETA ", "sweep", "points 0/3", "points 2/3", "a log line above the bars"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, got)
		}
	}
}

// TestProgressLines checks the plain status line of CI logs, with a
// fake clock.
func TestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	d := newDisplay(ProgressLines, &buf, time.Hour, 40)
	defer d.close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	d.now = func() time.Time { return now }
	d.start = t0
	d.pointsFinished(10)
	now = t0.Add(100 * time.Second)
	p := d.beginTask("synthetic-1m-96 hnsw M=16")
	p.Stage("insert", 1_000_000)
	now = now.Add(50 * time.Second)
	p.Done(250_000)
	d.writeLine()
	d.endTask()
	d.writeLine()
	want := "progress: points 10/40, elapsed 2m30s, ETA 7m30s; synthetic-1m-96 hnsw M=16: insert 250,000/1,000,000 (25%), 5,000/s, ETA 2m30s\n" +
		"progress: points 10/40, elapsed 2m30s, ETA 7m30s\n"
	if buf.String() != want {
		t.Errorf("status lines:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// TestProgressOff checks that the default mode shows nothing and hands
// indexes a Progress that discards reports.
func TestProgressOff(t *testing.T) {
	var buf bytes.Buffer
	d := newDisplay(ProgressOff, &buf, time.Millisecond, 5)
	d.resume()
	p := d.beginTask("x")
	if p != algorithms.NoProgress {
		t.Errorf("off mode hands indexes %T, want NoProgress", p)
	}
	p.Stage("insert", 10)
	p.Done(10)
	d.endTask()
	d.pointsFinished(5)
	if w := d.log(&buf); w != io.Writer(&buf) {
		t.Errorf("off mode wraps the log writer")
	}
	d.close()
	if buf.Len() != 0 {
		t.Errorf("off mode wrote %q", buf.String())
	}
}

// TestRunShowsProgressOnTerminal runs a real plan (an hnsw build and a
// sweep of three points) with bars on a pseudo-terminal, and the same
// plan with progress off into a buffer.
func TestRunShowsProgressOnTerminal(t *testing.T) {
	ds := testDataset(3000, 50, 16, vector.L2)
	index, err := hnsw.Algorithm.Params.Normalize(algorithms.IndexTime, map[string]any{"M": 8, "ef_construction": 40})
	if err != nil {
		t.Fatal(err)
	}
	var queries []algorithms.Params
	for _, ef := range []int{10, 20, 40} {
		queries = append(queries, algorithms.Params{"ef": ef})
	}
	job := config.Job{Dataset: "test", Algorithm: hnsw.Algorithm, Index: index, Queries: queries}

	master, tty := ptytest.Open(t, 160)
	output := readAll(t, master, tty)
	cfg := testConfig(t, config.ModeSingle, 1)
	cfg.Cache = ""
	var log bytes.Buffer
	plan := &config.Plan{Config: cfg, Jobs: []config.Job{job}}
	if _, err := Run(context.Background(), plan, Options{Open: opener(ds), Log: &log, Progress: ProgressBars, ProgressOut: tty}); err != nil {
		t.Fatal(err)
	}
	got := output()
	for _, want := range []string{"sweep", "points 3/3"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, got)
		}
	}

	cfg = testConfig(t, config.ModeSingle, 1)
	cfg.Cache = ""
	log.Reset()
	plan = &config.Plan{Config: cfg, Jobs: []config.Job{job}}
	if _, err := Run(context.Background(), plan, Options{Open: opener(ds), Log: &log}); err != nil {
		t.Fatal(err)
	}
	for _, unwanted := range []string{"sweep", "points ", "progress:", "\x1b["} {
		if strings.Contains(log.String(), unwanted) {
			t.Errorf("log without progress holds %q:\n%s", unwanted, log.String())
		}
	}
}

// TestProgressRateWindow checks that a stage that slows down is
// estimated from its recent rate, not its average since the start.
func TestProgressRateWindow(t *testing.T) {
	d := newDisplay(ProgressLines, io.Discard, time.Hour, 1)
	defer d.close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	d.now = func() time.Time { return now }
	p := d.beginTask("x")
	p.Stage("insert", 1000)
	now = t0.Add(10 * time.Second)
	p.Done(500)
	d.mu.Lock()
	first := d.stageStatus()
	d.mu.Unlock()
	if want := "insert 500/1,000 (50%), 50/s, ETA 10s"; first != want {
		t.Errorf("status %q, want %q", first, want)
	}
	now = t0.Add(70 * time.Second)
	p.Done(100) // 100 units in the last 60 s: 1.7/s, 400 left
	d.mu.Lock()
	got := d.stageStatus()
	d.mu.Unlock()
	if want := "insert 600/1,000 (60%), 2/s, ETA 4m0s"; got != want {
		t.Errorf("status %q, want %q (from the last minute, not the average 8.6/s)", got, want)
	}
	// A new stage starts its own window.
	p.Stage("encode", 10)
	now = now.Add(2 * time.Second)
	p.Done(5)
	d.mu.Lock()
	got = d.stageStatus()
	d.mu.Unlock()
	if want := "encode 5/10 (50%), 3/s, ETA 2s"; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
}
