package runner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/mapped"
	"github.com/annbench/annbench/runner/result"
)

// heldSweeps are calibrated sweeps whose timed passes wait, so that the
// passes of all indexes of a dataset are taken in the same rounds
// (timeRounds). The indexes stay in memory until then.
type heldSweeps struct {
	sweeps []*sweep
	bytes  int64 // summed SizeBytes of the distinct held indexes
	idx    map[algorithms.Index]bool
}

// has reports whether a held sweep uses idx.
func (h *heldSweeps) has(idx algorithms.Index) bool { return h.idx[idx] }

// interleaveBudget is how much index memory may be held for interleaving:
// half of the machine's memory, or 4 GiB where that cannot be read. When
// the next index would pass it, the held sweeps are measured first.
var interleaveBudget = func() int64 {
	if total, err := memTotal("/proc/meminfo"); err == nil && total > 0 {
		return total / 2
	}
	return 4 << 30
}

// memTotal reads MemTotal (bytes) from a /proc/meminfo file.
func memTotal(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: MemTotal %q: %w", path, rest, err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return 0, fmt.Errorf("%s: no MemTotal line", path)
}

// hold calibrates sw (its warm-up) and keeps it for flush. When sw's
// index is new and would take the held index memory past the budget, the
// sweeps held so far are measured and written first.
func (e *jobEnv) hold(ctx context.Context, sw *sweep) error {
	h := &e.held
	if !h.has(sw.idx) {
		var size int64
		if s, ok := sw.idx.(algorithms.Sizer); ok {
			size = s.SizeBytes()
		}
		if len(h.sweeps) > 0 && h.bytes+size > interleaveBudget() {
			if err := e.flush(ctx); err != nil {
				return err
			}
		}
		if h.idx == nil {
			h.idx = map[algorithms.Index]bool{}
		}
		h.idx[sw.idx] = true
		h.bytes += size
	}
	err := e.ds.CheckFiles()
	if err == nil {
		if gerr := mapped.Guard(func() { err = e.calibrate(ctx, sw) }); gerr != nil {
			err = gerr
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", sw.label, err)
	}
	h.sweeps = append(h.sweeps, sw)
	return nil
}

// flush times the held sweeps together (timeRounds), writes their
// points, and releases their indexes. If the rounds fail (or are
// cancelled) no held sweep's points are written: every setting needs
// all its passes.
func (e *jobEnv) flush(ctx context.Context) error {
	h := &e.held
	sweeps := h.sweeps
	defer func() {
		for idx := range h.idx {
			if c, ok := idx.(io.Closer); ok {
				c.Close()
			}
		}
		*h = heldSweeps{}
	}()
	if len(sweeps) == 0 {
		return nil
	}
	settings := 0
	for _, sw := range sweeps {
		settings += len(sw.sets)
	}
	p := protocolOf(e.cfg)
	noun := "indexes"
	if len(h.idx) == 1 {
		noun = "index"
	}
	fmt.Fprintf(e.log, "%s: timing %d query settings of %d %s together: %d rounds of one pass each\n", e.ds.Name, settings, len(h.idx), noun, p.trials)
	e.passes = e.disp.beginTask(e.ds.Name + " timed passes")
	e.passes.Stage("timed passes", int64(p.trials*settings))
	var pts [][]result.Point
	err := e.ds.CheckFiles()
	if err == nil {
		if gerr := mapped.Guard(func() { pts, err = e.timeRounds(ctx, sweeps) }); gerr != nil {
			err = gerr
		}
	}
	e.disp.endTask()
	if err != nil {
		return err
	}
	for i, sw := range sweeps {
		if err := e.finish(sw, pts[i]); err != nil {
			return err
		}
	}
	return nil
}
