// Package procstat reads the memory figures of a process from Linux's
// /proc: the resident set (VmRSS) and its high-water mark (VmHWM), and
// resets that mark so the peak of one phase (an index build) is not the
// peak of everything the process did before. Elsewhere every figure is
// zero and ResetPeak reports that it cannot reset.
//
// It imports only the standard library.
package procstat

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Read returns VmHWM and VmRSS of process pid in bytes (pid 0: this
// process).
func Read(pid int) (hwm, rss int64, err error) {
	b, err := os.ReadFile(statusPath(pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read process memory: %w", err)
	}
	hwm, rss = Parse(b)
	return hwm, rss, nil
}

// Parse extracts VmHWM and VmRSS (given in kB) from the text of
// /proc/<pid>/status, in bytes; a missing or malformed line gives 0.
func Parse(b []byte) (hwm, rss int64) {
	for _, line := range bytes.Split(b, []byte("\n")) {
		key, val, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		var dst *int64
		switch string(key) {
		case "VmHWM":
			dst = &hwm
		case "VmRSS":
			dst = &rss
		default:
			continue
		}
		f := strings.Fields(string(val))
		if len(f) == 2 && f[1] == "kB" {
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil && n >= 0 && n < 1<<53 {
				*dst = n * 1024
			}
		}
	}
	return hwm, rss
}

// ResetPeak sets this process's VmHWM to its current VmRSS (writing 5 to
// /proc/self/clear_refs, Linux 4.0 and later), so a later Read reports the
// peak since now.
func ResetPeak() error {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return fmt.Errorf("reset peak memory: %w", err)
	}
	return nil
}

func statusPath(pid int) string {
	if pid == 0 {
		return "/proc/self/status"
	}
	return "/proc/" + strconv.Itoa(pid) + "/status"
}
