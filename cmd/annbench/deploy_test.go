package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/annbench/annbench/runner/config"
)

// TestDeployExamples keeps configs/deploy honest: every YAML file parses,
// the sweep they share loads and has at least six build groups, and the
// Kubernetes Job is an Indexed Job. (The GitHub Actions workflow is also
// checked with actionlint; see README.)
func TestDeployExamples(t *testing.T) {
	dir := filepath.Join("..", "..", "configs", "deploy")
	files, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	if len(files) < 4 {
		t.Fatalf("configs/deploy has %d YAML files: %q", len(files), files)
	}
	indexed := false
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc map[string]any
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if spec, ok := doc["spec"].(map[string]any); ok && spec["completionMode"] == "Indexed" {
				indexed = true
				if doc["kind"] != "Job" {
					t.Errorf("%s: Indexed %v, want a Job", f, doc["kind"])
				}
			}
		}
		if text := string(data); strings.Contains(text, "annbench run") && !strings.Contains(text, "--no-plots") {
			t.Errorf("%s runs shards with plots; merge renders them once", f)
		}
	}
	if !indexed {
		t.Errorf("no Indexed Job in %q", files)
	}
	cfg, err := config.Load(filepath.Join(dir, "sweep.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := cfg.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Jobs) < 6 {
		t.Errorf("sweep.yaml has %d build groups, want at least 6", len(plan.Jobs))
	}
}
