package config

import (
	"path/filepath"
	"strconv"
	"strings"
)

// The kinds of filter workload.
const (
	// FilterNone searches every base row.
	FilterNone = "none"
	// FilterLabel restricts each query to base rows with the query's own
	// label ({label: query}).
	FilterLabel = "label"
	// FilterRange restricts each query to a seeded random contiguous range
	// of the integer attribute (the dataset's attributes, else the row id)
	// covering Fraction of the base ({range: 0.01}).
	FilterRange = "range"
	// FilterIDs restricts every query to one fixed allow-list of base ids
	// read from a file ({ids: subset.npy}).
	FilterIDs = "ids"
)

// filterKinds lists the keys of a filter map in the order messages show
// them.
var filterKinds = []string{FilterLabel, FilterRange, FilterIDs}

// FilterSpec is one filter workload of Config.Filters, a separately
// measured setup.
type FilterSpec struct {
	// Kind is FilterNone, FilterLabel, FilterRange or FilterIDs.
	Kind string
	// Label is what a label filter matches; "query" (the query's own
	// label) is the only value.
	Label string
	// Fraction is the share of the base a range filter allows, in (0, 1].
	Fraction float64
	// IDs is the allow-list file of an ids filter.
	IDs string
	// IDsHash is the first 8 hex digits of the SHA-256 of the IDs file's
	// content, set by Load, so that editing the file changes the
	// workload's identity.
	IDsHash string
}

// ID is the workload's stable identity for result files and reports: ""
// for no filter, "label=query", "range=0.01" or "ids=<file stem>-<hash>".
func (f FilterSpec) ID() string {
	switch f.Kind {
	case FilterLabel:
		return "label=" + f.Label
	case FilterRange:
		return "range=" + strconv.FormatFloat(f.Fraction, 'g', -1, 64)
	case FilterIDs:
		stem := strings.TrimSuffix(filepath.Base(f.IDs), filepath.Ext(f.IDs))
		id := "ids=" + cleanStem(stem)
		if f.IDsHash != "" {
			id += "-" + f.IDsHash
		}
		return id
	}
	return ""
}

// cleanStem keeps the characters of s that are safe in a file name and
// readable, replacing others with '_'.
func cleanStem(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}

// Workloads returns the filter workloads to measure: c.Filters, or one
// unfiltered workload when none is configured.
func (c *Config) Workloads() []FilterSpec {
	if len(c.Filters) == 0 {
		return []FilterSpec{{Kind: FilterNone}}
	}
	return c.Filters
}
