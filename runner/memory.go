package runner

import (
	"runtime"
	"runtime/debug"
	"syscall"

	"github.com/annbench/annbench/algorithms/procstat"
)

// The scopes of Build.PeakRSS.
const (
	// rssBuild: the peak resident set of the process during this build
	// alone (the high-water mark was reset before it).
	rssBuild = "build"
	// rssProcess: the high-water mark since the process started, where it
	// cannot be reset; it includes every earlier index of the run.
	rssProcess = "process"
	// rssAdapter: the peak of the external adapter's own process.
	rssAdapter = "adapter"
)

// rssWindow measures the memory of one build: the garbage of earlier
// work is collected and returned to the system, the process's high-water
// mark is reset, and after the build the new mark is its peak.
type rssWindow struct {
	before int64 // resident set when the window opened
	reset  bool  // the mark was reset
}

// openRSSWindow starts measuring a build's memory.
func openRSSWindow() rssWindow {
	runtime.GC()
	debug.FreeOSMemory()
	w := rssWindow{reset: procstat.ResetPeak() == nil}
	_, w.before, _ = procstat.Read(0)
	return w
}

// peak returns the peak resident set since the window opened (or since
// the process started, where the mark could not be reset), the resident
// set when it opened, and the scope of the peak.
func (w rssWindow) peak() (peak, before int64, scope string) {
	if w.reset {
		if hwm, _, err := procstat.Read(0); err == nil && hwm > 0 {
			return hwm, w.before, rssBuild
		}
	}
	return maxRSS(), w.before, rssProcess
}

// maxRSS is the process's high-water mark from getrusage.
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss
	}
	return ru.Maxrss * 1024
}
