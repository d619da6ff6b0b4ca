package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/vector"
)

// withUserAdapter replaces starting a user's adapter with a fake that
// declares one index and one query parameter, or fails for command
// "missing".
func withUserAdapter(t *testing.T) *[]*AdapterConfig {
	t.Helper()
	old := userAdapter
	t.Cleanup(func() { userAdapter = old })
	var seen []*AdapterConfig
	userAdapter = func(name string, ac *AdapterConfig) (algorithms.Algorithm, error) {
		seen = append(seen, ac)
		if ac.Command[0] == "missing" {
			return algorithms.Algorithm{}, errors.New(name + ": start adapter missing: executable file not found in $PATH")
		}
		return algorithms.Algorithm{Name: name, Metrics: vector.Metrics, Params: algorithms.Spec{
			{Name: "width", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 4, Min: 1, Max: 64},
			{Name: "depth", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: 1, Min: 1, Max: 9},
		}}, nil
	}
	return &seen
}

func loadText(t *testing.T, text string) (*Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(path, nil)
}

func TestUserAdapter(t *testing.T) {
	withFakes(t, nil)
	seen := withUserAdapter(t)
	c, err := loadText(t, `datasets: [synthetic-1k-8]
output: out
algorithms:
  - name: mylib
    adapter: {command: [python3, my_adapter.py], timeouts: {build: 2h, search: 90s}}
    index: [{width: 8}]
    query: {depth: [1, 2]}
`)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := c.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Jobs) != 1 || plan.Jobs[0].Algorithm.Name != "mylib" || plan.Jobs[0].Index.Int("width", 0) != 8 || len(plan.Jobs[0].Queries) != 2 {
		t.Fatalf("jobs %+v", plan.Jobs)
	}
	ac := (*seen)[0]
	if strings.Join(ac.Command, " ") != "python3 my_adapter.py" || ac.Timeouts["build"].Hours() != 2 || ac.Timeouts["search"].Seconds() != 90 {
		t.Fatalf("adapter config %+v", ac)
	}
}

func TestUserAdapterErrors(t *testing.T) {
	withFakes(t, nil)
	withUserAdapter(t)
	for _, c := range []struct{ entry, want string }{
		{`{name: mylib, adapter: {command: []}}`, "algorithms.mylib.adapter.command: want the adapter's command line as a non-empty list"},
		{`{name: mylib, adapter: {command: python3}}`, `algorithms.mylib.adapter.command: want the command line as a list such as [python3, my_adapter.py], got string "python3"`},
		{`{name: mylib, adapter: {comand: [x]}}`, `algorithms.mylib.adapter.comand: unknown key (did you mean "command"?)`},
		{`{name: mylib, adapter: {command: [x], timeouts: {build: soon}}}`, `algorithms.mylib.adapter.timeouts.build: want a positive duration such as 90s or 2h, got string "soon"`},
		{`{name: mylib, adapter: {command: [x], timeouts: {biuld: 1h}}}`, `algorithms.mylib.adapter.timeouts.biuld: unknown key`},
		{`{name: flat, adapter: {command: [x]}}`, `"flat" is a built-in algorithm; give your adapter a name of its own`},
		{`{name: mylib, adapter: {command: [missing]}}`, "algorithms.mylib.adapter: mylib: start adapter missing"},
		{`{name: mylib, adapter: {command: [x]}, index: [{width: 100}]}`, "algorithms.mylib.index[0].width: 100 is outside [1, 64]"},
	} {
		_, err := loadText(t, "datasets: [synthetic-1k-8]\noutput: out\nalgorithms:\n  - "+c.entry+"\n")
		if err == nil {
			t.Errorf("%s: accepted", c.entry)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.entry, err, c.want)
		}
	}
}
