package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/annbench/annbench/datasets/atomicfile"
	"github.com/annbench/annbench/runner/result"
)

// ManifestSchema identifies shard manifest files.
const ManifestSchema = "annbench/shard/v1"

// Manifest is what one shard's run records in its output directory, as
// shard-<i>-of-<n>.json beside the dataset directories: which shard of
// which plan it ran, on which machine, and whether it finished. Merge
// reads it to find missing, repeated and foreign shards.
type Manifest struct {
	// Schema is always ManifestSchema.
	Schema string `json:"schema"`
	// Shard is the 0-based shard, Shards the number of shards.
	Shard  int `json:"shard"`
	Shards int `json:"shards"`
	// Plan is PlanHash of the assignment the shard was cut from; shards
	// of one run share it.
	Plan string `json:"plan"`
	// Config is the config file the plan came from ("" for the embedded
	// quickstart), for people.
	Config string `json:"config"`
	// From says how the shard was chosen (flag or environment).
	From string `json:"from"`
	// Groups names the build groups of the shard.
	Groups []string `json:"groups"`
	// Machine is where the shard ran.
	Machine result.Machine `json:"machine"`
	// Started and Finished bound the run; Complete is set when every
	// group of the shard was run without error.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Complete bool      `json:"complete"`
}

// ManifestName is the file name of the manifest of shard i of n.
func ManifestName(i, n int) string { return fmt.Sprintf("shard-%d-of-%d.json", i, n) }

var manifestName = regexp.MustCompile(`^shard-(\d+)-of-(\d+)\.json$`)

// PlanHash is a short digest of an assignment: every shard's groups in
// order. Workers that expanded the same config with the same costs get
// the same hash.
func PlanHash(shards []Shard) string {
	h := sha256.New()
	for _, s := range shards {
		fmt.Fprintf(h, "shard %d/%d\n", s.Index, s.Count)
		for _, g := range s.Groups {
			fmt.Fprintf(h, "%s\n", g.Name)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// NewManifest describes shard s of the assignment shards, chosen as from
// says, about to run on machine m.
func NewManifest(shards []Shard, s Shard, config, from string, m result.Machine) *Manifest {
	names := make([]string, len(s.Groups))
	for i, g := range s.Groups {
		names[i] = g.Name
	}
	return &Manifest{Schema: ManifestSchema, Shard: s.Index, Shards: s.Count, Plan: PlanHash(shards), Config: config,
		From: from, Groups: names, Machine: m, Started: time.Now().UTC()}
}

// Write stores the manifest in dir, replacing the file atomically.
func (m *Manifest) Write(dir string) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode shard manifest: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write shard manifest: %w", err)
	}
	path := filepath.Join(dir, ManifestName(m.Shard, m.Shards))
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write shard manifest %s: %w", path, err)
	}
	return nil
}

// Found is a manifest read from a directory.
type Found struct {
	Manifest
	// Path is the manifest file.
	Path string
}

// ReadManifests returns the shard manifests directly in dir.
func ReadManifests(dir string) ([]Found, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read shard directory: %w", err)
	}
	var out []Found
	for _, e := range entries {
		m := manifestName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, err := readManifest(path)
		if err != nil {
			return nil, err
		}
		i, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		if f.Shard != i || f.Shards != n {
			return nil, fmt.Errorf("shard manifest %s: says shard %d/%d, its name %d/%d", path, f.Shard, f.Shards, i, n)
		}
		out = append(out, Found{Manifest: *f, Path: path})
	}
	return out, nil
}

func readManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("shard manifest %s: %w", path, err)
		}
		return nil, fmt.Errorf("read shard manifest: %w", err)
	}
	return decodeManifest(path, data)
}

// decodeManifest parses and checks the manifest file path holds.
func decodeManifest(path string, data []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("shard manifest %s: %w", path, err)
	}
	if m.Schema != ManifestSchema {
		return nil, fmt.Errorf("shard manifest %s: schema %q, want %q", path, m.Schema, ManifestSchema)
	}
	if m.Shards < 1 || m.Shard < 0 || m.Shard >= m.Shards {
		return nil, fmt.Errorf("shard manifest %s: shard %d/%d is not a shard", path, m.Shard, m.Shards)
	}
	return &m, nil
}
