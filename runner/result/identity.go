package result

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// Identity is what makes two measurements the same setup: results of
// different identities are different experiments, live in different
// files and are never merged, resumed into or compared with one another.
// Trials, the machine and the annbench version are not part of it: they
// are recorded per point.
type Identity struct {
	// Dataset is the dataset name; DatasetFingerprint its content
	// fingerprint ("" when unknown).
	Dataset            string `json:"dataset"`
	DatasetFingerprint string `json:"dataset_fingerprint"`
	// Algorithm and IndexParams name the index.
	Algorithm   string         `json:"algorithm"`
	IndexParams map[string]any `json:"index_params"`
	// K, Mode, Threads and Queries describe how it was searched.
	K       int    `json:"k"`
	Mode    string `json:"mode"`
	Threads int    `json:"threads"`
	Queries int    `json:"queries"`
	// Filter is the filter workload's ID (Result.Filter.ID), "" for
	// unfiltered search.
	Filter string `json:"filter"`
}

// Identity returns the setup r measured.
func (r *Result) Identity() Identity {
	id := Identity{Dataset: r.Dataset, DatasetFingerprint: r.DatasetFingerprint, Algorithm: r.Algorithm,
		IndexParams: r.IndexParams, K: r.K, Mode: r.Mode, Threads: r.Threads, Queries: r.Queries}
	if r.Filter != nil {
		id.Filter = r.Filter.ID
	}
	return id
}

// Key is the canonical form of id: equal for equal setups, whichever way
// their parameters were typed (an int from a config and the float64 read
// back from a file give the same key).
func (id Identity) Key() string {
	id.IndexParams = normalizeJSON(id.IndexParams)
	b, err := json.Marshal(id) // map keys are sorted; fields in order
	if err != nil {
		// Only unencodable parameter values get here; fall back to their
		// printed form, which is still deterministic.
		return fmt.Sprintf("%q %q %q %s %d %q %d %d %q", id.Dataset, id.DatasetFingerprint, id.Algorithm,
			ParamKey(id.IndexParams), id.K, id.Mode, id.Threads, id.Queries, id.Filter)
	}
	return string(b)
}

// Hash is a short hex digest of Key, the part of a file name that tells
// setups apart when their readable parts do not.
func (id Identity) Hash() string {
	sum := sha256.Sum256([]byte(id.Key()))
	return hex.EncodeToString(sum[:])[:hashLen]
}

const (
	// hashLen is the number of hex digits of Hash in a file name.
	hashLen = 10
	// maxSlug bounds the readable parameter part of a file name; the hash
	// covers whatever is cut.
	maxSlug = 80
	// maxFilterSlug bounds the filter part of a file name.
	maxFilterSlug = 24
)

// Setup renders the search setup of id for people: "k=10 single
// threads=1 queries=100", with the filter when there is one.
func (id Identity) Setup() string {
	s := fmt.Sprintf("k=%d %s threads=%d queries=%d", id.K, id.Mode, id.Threads, id.Queries)
	if id.Filter != "" {
		s += " filter=" + id.Filter
	}
	return s
}

// FileName is the base name of the result file of id:
// <index-params>.<setup>.<hash>.json, for example
// "M=16_ef_construction=200.k10-single-t1-q100.3f9a0c1b2d.json". The
// readable parts are reduced to [A-Za-z0-9=_.-] and shortened; the hash
// of Key keeps every identity's name distinct.
func (id Identity) FileName() string {
	slug := clip(fileSafe(ParamJoin(id.IndexParams, "_", "default")), maxSlug)
	return slug + "." + id.SetupSlug() + "." + id.Hash() + ".json"
}

// SetupSlug renders the search setup of id as a file-name part:
// "k10-single-t1-q100", with "-f<filter>" when there is a filter.
func (id Identity) SetupSlug() string {
	setup := fmt.Sprintf("k%d-%s-t%d-q%d", id.K, fileSafe(id.Mode), id.Threads, id.Queries)
	if id.Filter != "" {
		setup += "-f" + clip(fileSafe(id.Filter), maxFilterSlug)
	}
	return setup
}

// Path returns where the result file of id lives under dir:
// <dir>/<dataset>/<algorithm>/<FileName>. The dataset and algorithm names
// must be safe single path elements (see CheckName), so the path never
// leaves dir.
func (id Identity) Path(dir string) (string, error) {
	if err := CheckName("dataset", id.Dataset); err != nil {
		return "", err
	}
	if err := CheckName("algorithm", id.Algorithm); err != nil {
		return "", err
	}
	return filepath.Join(dir, id.Dataset, id.Algorithm, id.FileName()), nil
}

// maxName bounds dataset and algorithm names.
const maxName = 100

// CheckName reports whether name can name a dataset or algorithm
// directory of a result tree: 1 to 100 characters of [A-Za-z0-9._+=-],
// not starting with a dot (so never "." or ".." and never hidden). what
// ("dataset", "algorithm") names the field in the error.
func CheckName(what, name string) error {
	if name == "" {
		return fmt.Errorf("%s name is empty", what)
	}
	if len(name) > maxName {
		return fmt.Errorf("%s name %.20q... is %d bytes long, at most %d allowed", what, name, len(name), maxName)
	}
	if name[0] == '.' {
		return fmt.Errorf("%s name %q starts with a dot; names must not be hidden, \".\" or \"..\"", what, name)
	}
	for _, c := range name {
		if !nameRune(c) {
			return fmt.Errorf("%s name %q contains %q; allowed are letters, digits and . _ + = -", what, name, c)
		}
	}
	return nil
}

func nameRune(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '+' || c == '=' || c == '-'
}

// fileSafe replaces every character outside [A-Za-z0-9=_.-] by '-'.
func fileSafe(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '=' || c == '_' || c == '.' || c == '-' {
			return c
		}
		return '-'
	}, s)
}

// clip shortens an ASCII string to at most n bytes.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
