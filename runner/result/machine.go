package result

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// ID is the key of m in Result.Machines: "m-" and 12 hex digits of a
// SHA-256 over every field, so two machines that differ in anything
// (host, CPU, cores, kernels, Go version, GOMAXPROCS) are kept apart and
// one that repeats keeps its entry.
func (m Machine) ID() string {
	h := sha256.New()
	fmt.Fprintf(h, "%q %d %d %q %q %q %q %q", m.CPU, m.Cores, m.GOMAXPROCS, m.GoVersion, m.OS, m.Arch, m.Kernels, m.Hostname)
	return "m-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// Class is what decides whether timings from two machines are comparable:
// CPU model, core count, distance kernels and target. Host name, Go
// version and GOMAXPROCS are not part of it.
func (m Machine) Class() string {
	return fmt.Sprintf("%s, %d cores, %s kernels, %s/%s", m.CPU, m.Cores, m.Kernels, m.OS, m.Arch)
}

// AddMachine records m in r.Machines and returns its ID, for
// Point.Machine.
func (r *Result) AddMachine(m Machine) string {
	id := m.ID()
	if r.Machines == nil {
		r.Machines = map[string]Machine{}
	}
	r.Machines[id] = m
	return id
}

// MachineOf returns the machine point p was measured on, and whether the
// file describes it.
func (r *Result) MachineOf(p *Point) (Machine, bool) {
	m, ok := r.Machines[p.Machine]
	return m, ok
}
