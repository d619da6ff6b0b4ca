package runner

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"time"

	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/runner/result"
)

// Version is the annbench version recorded with every point; cmd/annbench
// sets it.
var Version = "devel"

// CurrentMachine describes this computer and the Go toolchain of this
// binary.
func CurrentMachine() result.Machine {
	m := result.Machine{
		CPU:        cpuModel(),
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		Kernels:    distance.Implementation,
	}
	m.Hostname, _ = os.Hostname()
	return m
}

// Commit returns the VCS revision this binary was built from, "" when
// the build did not record one.
func Commit() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return ""
}

// stamp records on p how and where it was measured: trials passes, by
// this build, on the machine with ID machine, finishing now.
func stamp(p *result.Point, trials int, machine string) {
	p.Trials, p.Version, p.Commit, p.Machine, p.MeasuredAt = trials, Version, Commit(), machine, time.Now().UTC()
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
