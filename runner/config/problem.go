package config

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Problem is one thing wrong with a configuration, located in a file (by
// line) or in a command-line override.
type Problem struct {
	// File is the file the problem is in ("" for overrides and for
	// configurations built in code).
	File string
	// Line is the 1-based line in File, or 0 when unknown.
	Line int
	// Override is the offending command-line override, e.g. "trials=x".
	Override string
	// InOverride is set when the problem is in an override (which may be
	// the empty string).
	InOverride bool
	// Path is the key path, e.g. "algorithms.hnsw.query.ef" or
	// "algorithms[1].index[0]".
	Path string
	// Msg says what is wrong and what was expected.
	Msg string
}

// String renders the problem as "file:line: path: message" or
// "override 'key=value': path: message".
func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.InOverride || p.Override != "":
		fmt.Fprintf(&b, "override '%s': ", p.Override)
	case p.File != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", p.File, p.Line)
	case p.File != "":
		fmt.Fprintf(&b, "%s: ", p.File)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error lists every problem found in a configuration, its overrides
// and the parameter files it refers to.
type Error struct {
	// Problems holds the problems in file order, then override order.
	Problems []Problem
}

// Error prints one problem per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// ConfigError reports true: the command line maps errors with this method
// to exit status 2.
func (e *Error) ConfigError() bool { return true }

var _ interface{ ConfigError() bool } = (*Error)(nil)

// site is where a value came from: a file line or an override, and the
// key path to show.
type site struct {
	file       string
	line       int
	override   string
	inOverride bool
	path       string
}

// at returns s with its path replaced.
func (s site) at(path string) site {
	s.path = path
	return s
}

// problem makes a Problem at s.
func (s site) problem(format string, args ...any) Problem {
	return Problem{File: s.file, Line: s.line, Override: s.override, InOverride: s.inOverride || s.override != "",
		Path: s.path, Msg: fmt.Sprintf(format, args...)}
}

// problems collects Problems, dropping exact repeats (the same defaults
// file can be resolved for several datasets).
type problems struct {
	list []Problem
	seen map[Problem]bool
	// overrides gives the position of each override for ordering.
	overrides map[string]int
}

func (ps *problems) add(p Problem) {
	if ps.seen == nil {
		ps.seen = map[Problem]bool{}
	}
	if ps.seen[p] {
		return
	}
	ps.seen[p] = true
	ps.list = append(ps.list, p)
}

func (ps *problems) addAll(list []Problem) {
	for _, p := range list {
		ps.add(p)
	}
}

// err returns nil or a *Error with the problems sorted: the main
// file first (by line), then other files, then overrides in command-line
// order, then problems without a location; discovery order breaks ties.
func (ps *problems) err(mainFile string) error {
	if len(ps.list) == 0 {
		return nil
	}
	out := append([]Problem(nil), ps.list...)
	group := func(p Problem) int {
		switch {
		case p.InOverride || p.Override != "":
			return 2
		case p.File == mainFile && p.File != "":
			return 0
		case p.File != "":
			return 1
		}
		return 3
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		ga, gb := group(a), group(b)
		if ga != gb {
			return ga < gb
		}
		switch ga {
		case 0, 1:
			if a.File != b.File {
				return a.File < b.File
			}
			// Problems without a line (a missing key) come after
			// those with one.
			la, lb := a.Line, b.Line
			if la == 0 {
				la = math.MaxInt
			}
			if lb == 0 {
				lb = math.MaxInt
			}
			return la < lb
		case 2:
			return ps.overrides[a.Override] < ps.overrides[b.Override]
		}
		return false
	})
	if len(out) > maxProblems {
		n := len(out) - maxProblems
		out = append(out[:maxProblems:maxProblems], Problem{File: mainFile, Msg: fmt.Sprintf("... and %d more problems", n)})
	}
	return &Error{Problems: out}
}

// maxProblems caps the problems reported for one config; a file that
// repeats one mistake through YAML aliases could otherwise produce an
// unreadable flood.
const maxProblems = 100
