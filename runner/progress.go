package runner

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/annbench/annbench/algorithms"
)

// ProgressMode says how Run shows long work: index builds, exact ground
// truth and the sweep as a whole.
type ProgressMode int

const (
	// ProgressOff shows nothing (the default; for output that is not a
	// terminal).
	ProgressOff ProgressMode = iota
	// ProgressBars draws live bars, for a terminal.
	ProgressBars
	// ProgressLines writes a plain status line every ProgressInterval,
	// for CI logs.
	ProgressLines
)

// DefaultProgressInterval is how often ProgressLines writes a line.
const DefaultProgressInterval = 15 * time.Second

// display shows the progress of one Run. All methods are safe for
// concurrent use; a display in ProgressOff mode does nothing.
type display struct {
	mode     ProgressMode
	out      io.Writer
	interval time.Duration
	now      func() time.Time

	mu sync.Mutex
	// the sweep
	points, pointsDone int
	start              time.Time
	// the current task (a build or ground truth) and its stage
	task       string
	stage      string
	total      int64
	done       atomic.Int64
	stageStart time.Time
	// samples are (time, units done) of the current stage, the oldest
	// at most rateWindow before the newest but one: the rate and the
	// estimate come from that window, so a stage that slows down (an
	// hnsw graph growing deeper, a machine getting busier) is estimated
	// from how fast it goes now rather than from its start.
	samples []progressSample

	// bars
	p        *mpb.Progress
	sweepBar *mpb.Bar
	taskBar  *mpb.Bar
	// refresh, when set (by tests), makes the bars redraw only when a
	// value is sent on it instead of on a timer.
	refresh chan any
	// lines
	stop chan struct{}
	wg   sync.WaitGroup
}

// newDisplay returns a display for a sweep of points measurements.
func newDisplay(mode ProgressMode, out io.Writer, interval time.Duration, points int) *display {
	if out == nil {
		mode = ProgressOff
	}
	if interval <= 0 {
		interval = DefaultProgressInterval
	}
	d := &display{mode: mode, out: out, interval: interval, now: time.Now, points: points}
	d.start = d.now()
	if mode == ProgressLines {
		d.stop = make(chan struct{})
		d.wg.Add(1)
		go d.tick()
	}
	return d
}

// tick writes a status line every interval until close.
func (d *display) tick() {
	defer d.wg.Done()
	t := time.NewTicker(d.interval)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
			d.writeLine()
		}
	}
}

// writeLine writes the status line of ProgressLines mode.
func (d *display) writeLine() {
	d.mu.Lock()
	line := "progress: " + d.sweepStatus()
	if d.task != "" {
		line += "; " + d.task + ": " + d.stageStatus()
	}
	d.mu.Unlock()
	fmt.Fprintln(d.out, line)
}

// sweepStatus describes the sweep: "points 3/40, elapsed 2m1s, ETA 20m".
// The estimate assumes the remaining points take as long on average as
// the finished ones, index builds included. Called with mu held.
func (d *display) sweepStatus() string {
	elapsed := d.now().Sub(d.start)
	s := fmt.Sprintf("points %d/%d, elapsed %s", d.pointsDone, d.points, roundDuration(elapsed))
	if d.pointsDone > 0 && d.pointsDone < d.points {
		eta := time.Duration(float64(elapsed) / float64(d.pointsDone) * float64(d.points-d.pointsDone))
		s += ", ETA " + roundDuration(eta)
	}
	return s
}

// progressSample is how many units of a stage were done at a time.
type progressSample struct {
	t    time.Time
	done int64
}

// rateWindow is how far back the rate of a stage is measured.
const rateWindow = time.Minute

// stageStatus describes the current stage: "insert 523,000/1,000,000
// (52%), 8,012/s, ETA 59s", the rate measured over the last rateWindow.
// Called with mu held.
func (d *display) stageStatus() string {
	done, now := d.done.Load(), d.now()
	if len(d.samples) == 0 {
		d.samples = append(d.samples, progressSample{t: d.stageStart})
	}
	if last := d.samples[len(d.samples)-1]; now.Sub(last.t) >= time.Second {
		d.samples = append(d.samples, progressSample{t: now, done: done})
	}
	// Keep the newest sample at least rateWindow old as the base.
	for len(d.samples) > 2 && !d.samples[1].t.After(now.Add(-rateWindow)) {
		d.samples = d.samples[1:]
	}
	base := d.samples[0]
	s := d.stage + " " + groupDigits(done)
	if d.total > 0 {
		s += fmt.Sprintf("/%s (%d%%)", groupDigits(d.total), 100*done/d.total)
	}
	if sec := now.Sub(base.t).Seconds(); sec > 0 && done > base.done {
		rate := float64(done-base.done) / sec
		s += ", " + groupDigits(int64(rate+0.5)) + "/s"
		if d.total > done {
			s += ", ETA " + roundDuration(time.Duration(float64(d.total-done)/rate*float64(time.Second)))
		}
	}
	return s
}

// roundDuration prints d to the second (to 0.1 s below 10 s).
func roundDuration(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// groupDigits prints n with thousands separators.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// resume shows the bars again after suspend (bars mode), starting with
// the sweep bar.
func (d *display) resume() {
	if d.mode != ProgressBars {
		return
	}
	// mpb calls the decorators, which take mu, from its own goroutine:
	// never call into mpb with mu held.
	d.mu.Lock()
	shown, points := d.p != nil, d.points
	d.mu.Unlock()
	if shown {
		return
	}
	opts := []mpb.ContainerOption{mpb.WithOutput(d.out), mpb.WithWidth(30), mpb.WithAutoRefresh()}
	if d.refresh != nil {
		opts = append(opts, mpb.WithManualRefresh(d.refresh))
	}
	p := mpb.New(opts...)
	bar := p.AddBar(int64(points),
		mpb.BarPriority(1<<30), // always the bottom line
		mpb.PrependDecorators(decor.Name("sweep", decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.sweepStatus()
		})))
	d.mu.Lock()
	d.p, d.sweepBar = p, bar
	done := d.pointsDone
	d.mu.Unlock()
	bar.SetCurrent(int64(done))
}

// suspend removes the bars (bars mode), so that something else may draw
// on the terminal, such as a download's bars.
func (d *display) suspend() {
	if d.mode != ProgressBars {
		return
	}
	d.mu.Lock()
	p := d.p
	d.p, d.sweepBar, d.taskBar = nil, nil, nil
	d.mu.Unlock()
	if p != nil {
		p.Shutdown()
	}
}

// close stops the display.
func (d *display) close() {
	d.suspend()
	if d.stop != nil {
		close(d.stop)
		d.wg.Wait()
		d.stop = nil
	}
}

// log returns the writer log lines go through: above the bars when w is
// the terminal the bars are drawn on, w itself otherwise.
func (d *display) log(w io.Writer) io.Writer {
	if d.mode != ProgressBars || w != d.out {
		return w
	}
	return logWriter{d: d, w: w}
}

// logWriter prints through the bars' container while it is shown, so
// lines appear above the bars instead of through them.
type logWriter struct {
	d *display
	w io.Writer
}

func (l logWriter) Write(b []byte) (int, error) {
	l.d.mu.Lock()
	p := l.d.p
	l.d.mu.Unlock()
	if p != nil {
		if n, err := p.Write(b); err == nil {
			return n, nil
		}
	}
	return l.w.Write(b)
}

// pointsFinished counts n more points of the sweep as done (measured, or
// skipped because they are already on disk).
func (d *display) pointsFinished(n int) {
	d.mu.Lock()
	d.pointsDone += n
	bar, done := d.sweepBar, d.pointsDone
	d.mu.Unlock()
	if bar != nil {
		bar.SetCurrent(int64(done))
	}
}

// beginTask starts showing a task (an index build, ground truth) named
// label; the returned Progress receives its stages. endTask ends it.
func (d *display) beginTask(label string) algorithms.Progress {
	if d.mode == ProgressOff {
		return algorithms.NoProgress
	}
	d.mu.Lock()
	d.task, d.stage, d.total = label, "", 0
	d.done.Store(0)
	d.stageStart = d.now()
	d.samples = d.samples[:0]
	d.mu.Unlock()
	return taskProgress{d}
}

// endTask stops showing the current task.
func (d *display) endTask() {
	if d.mode == ProgressOff {
		return
	}
	d.mu.Lock()
	bar := d.taskBar
	d.task, d.taskBar = "", nil
	d.mu.Unlock()
	if bar != nil {
		bar.Abort(true)
	}
}

// taskProgress is the algorithms.Progress of the display's current task.
type taskProgress struct{ d *display }

func (t taskProgress) Stage(name string, total int64) {
	d := t.d
	d.mu.Lock()
	d.stage, d.total = name, max(total, 0)
	d.done.Store(0)
	d.stageStart = d.now()
	d.samples = d.samples[:0]
	old, p, label := d.taskBar, d.p, d.task
	d.taskBar = nil
	d.mu.Unlock()
	// Never call into mpb with mu held (see resume).
	if old != nil {
		old.Abort(true)
	}
	if p == nil {
		return
	}
	bar := p.AddBar(max(total, 0),
		mpb.BarRemoveOnComplete(),
		mpb.PrependDecorators(decor.Name(label, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.stageStatus()
		})))
	bar.SetCurrent(d.done.Load())
	d.mu.Lock()
	if d.p == p && d.task == label {
		d.taskBar = bar
		bar = nil
	}
	d.mu.Unlock()
	if bar != nil { // the task ended or the bars were suspended meanwhile
		bar.Abort(true)
	}
}

func (t taskProgress) Done(n int64) {
	d := t.d
	d.done.Add(n)
	d.mu.Lock()
	bar := d.taskBar
	d.mu.Unlock()
	if bar != nil {
		bar.IncrInt64(n)
	}
}
