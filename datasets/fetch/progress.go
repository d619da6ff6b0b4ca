package fetch

import (
	"context"
	"io"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progress draws one bar per download with mpb, or nothing when out is
// nil.
type progress struct {
	p *mpb.Progress
}

func newProgress(ctx context.Context, out io.Writer) *progress {
	if out == nil {
		return &progress{}
	}
	return &progress{p: mpb.NewWithContext(ctx, mpb.WithOutput(out), mpb.WithWidth(40), mpb.WithAutoRefresh())}
}

func (p *progress) wait() {
	if p.p != nil {
		p.p.Wait()
	}
}

func (p *progress) abort() {
	if p.p != nil {
		p.p.Shutdown()
		p.p = nil
	}
}

// bar is one download's progress bar; a nil *bar draws nothing.
type bar struct {
	b *mpb.Bar
}

func (p *progress) bar(name string, total int64) *bar {
	if p.p == nil {
		return nil
	}
	b := p.p.AddBar(total,
		mpb.PrependDecorators(decor.Name(name, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(
			decor.CountersKibiByte("% .1f / % .1f", decor.WCSyncSpace),
			decor.AverageSpeed(decor.SizeB1024(0), " % .1f", decor.WCSyncSpace),
		),
	)
	return &bar{b: b}
}

// set moves the bar to current bytes of total (when total is known).
func (b *bar) set(current, total int64) {
	if b == nil {
		return
	}
	if total > 0 {
		b.b.SetTotal(total, false)
	}
	b.b.SetCurrent(current)
}

// writer counts bytes written through w on the bar.
func (b *bar) writer(w io.Writer) io.Writer {
	if b == nil {
		return w
	}
	return countingWriter{w, b.b}
}

func (b *bar) done() {
	if b != nil {
		b.b.SetTotal(-1, true)
	}
}

// countingWriter advances a bar by the bytes written through it.
type countingWriter struct {
	w io.Writer
	b *mpb.Bar
}

// Write writes p and counts it on the bar.
func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.b.IncrBy(n)
	return n, err
}
