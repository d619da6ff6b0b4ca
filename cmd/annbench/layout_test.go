package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// module is the import path every package of this repository starts with.
const module = "github.com/annbench/annbench"

// layoutRules are the import boundaries of the package map (README
// "Layout"): the SIMD kernels link no network code, the result schema and
// the vector types stay small, and report reads result files without
// linking an index, the downloader or the runner.
var layoutRules = []struct {
	pkg    string
	why    string
	denied func(dep string) bool
}{
	{"./algorithms/distance", "the kernels must link no network code", func(dep string) bool {
		return dep == "net" || strings.HasPrefix(dep, "net/") ||
			strings.Contains(dep, "ftp") || strings.Contains(dep, "mpb")
	}},
	{"./datasets/vector", "the vector types import only the standard library", func(dep string) bool {
		return !standard(dep) && dep != module+"/datasets/vector"
	}},
	{"./runner/result", "the result schema imports only the standard library and datasets/atomicfile", func(dep string) bool {
		return !standard(dep) && dep != module+"/runner/result" && dep != module+"/datasets/atomicfile"
	}},
	{"./report", "report links no index, no downloader and no runner (only runner/result and runner/stats)", func(dep string) bool {
		switch {
		case strings.HasPrefix(dep, module+"/algorithms/"), dep == module+"/algorithms":
			return true
		case dep == module+"/datasets/fetch" || strings.HasPrefix(dep, module+"/datasets/fetch/"):
			return true
		case dep == module+"/runner" || strings.HasPrefix(dep, module+"/runner/"):
			return dep != module+"/runner/result" && dep != module+"/runner/stats"
		}
		return false
	}},
}

// standard reports whether an import path belongs to the standard library
// (its first element has no dot).
func standard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// TestPackageLayout fails when a package links what the package map says
// it must not, running `go list -deps` on it.
func TestPackageLayout(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := exec.LookPath(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to run go list with")
		}
	}
	for _, rule := range layoutRules {
		t.Run(strings.TrimPrefix(rule.pkg, "./"), func(t *testing.T) {
			cmd := exec.Command(goTool, "list", "-deps", rule.pkg)
			cmd.Dir = filepath.Join("..", "..")
			out, err := cmd.Output()
			if err != nil {
				msg := ""
				if ee, ok := err.(*exec.ExitError); ok {
					msg = string(ee.Stderr)
				}
				t.Fatalf("go list -deps %s: %v\n%s", rule.pkg, err, msg)
			}
			deps := strings.Fields(string(out))
			if len(deps) == 0 {
				t.Fatalf("go list -deps %s listed nothing", rule.pkg)
			}
			for _, dep := range deps {
				if rule.denied(dep) {
					t.Errorf("%s imports %s (directly or not): %s", rule.pkg, dep, rule.why)
				}
			}
		})
	}
}

// TestPackageLayoutRules checks that each rule catches what it is there
// to catch, so a rule that can no longer fail is noticed.
func TestPackageLayoutRules(t *testing.T) {
	bad := map[string]string{
		"./algorithms/distance": "net/http",
		"./datasets/vector":     "golang.org/x/sys/cpu",
		"./runner/result":       module + "/datasets",
		"./report":              module + "/algorithms/hnsw",
	}
	for _, rule := range layoutRules {
		if dep := bad[rule.pkg]; !rule.denied(dep) {
			t.Errorf("rule for %s lets %s through", rule.pkg, dep)
		}
	}
	for _, dep := range []string{module + "/runner", module + "/datasets/fetch", module + "/algorithms"} {
		if !layoutRules[3].denied(dep) {
			t.Errorf("report rule lets %s through", dep)
		}
	}
	for _, dep := range []string{module + "/runner/result", module + "/runner/stats", "fmt"} {
		if layoutRules[3].denied(dep) {
			t.Errorf("report rule refuses %s", dep)
		}
	}
}
