package shard

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// testPlan loads a config with several build groups across two datasets.
func testPlan(t *testing.T, overrides ...string) (*config.Config, *config.Plan) {
	t.Helper()
	dir := t.TempDir()
	name := filepath.Join(dir, "six.yaml")
	text := `datasets: [synthetic-2k-16, synthetic-3k-8]
trials: 1
algorithms:
  - name: flat
  - name: ivfflat
    index: [{nlist: 16}, {nlist: 32}]
    query: {nprobe: [1, 4]}
  - name: hnsw
    index: [{M: 8, ef_construction: 40}]
    query: {ef: [10, 40]}
output: out
cache: ''
`
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(name, overrides)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := cfg.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return cfg, plan
}

func names(s Shard) []string {
	var out []string
	for _, g := range s.Groups {
		out = append(out, g.Name)
	}
	return out
}

// TestAssignKeepsGroupsWholeAndBalances checks that every group lands in
// exactly one shard, in plan order, that the result is deterministic, and
// that the most costly groups are spread over the shards.
func TestAssignKeepsGroupsWholeAndBalances(t *testing.T) {
	cfg, plan := testPlan(t)
	if len(plan.Jobs) < 6 {
		t.Fatalf("test plan has %d groups, want at least 6", len(plan.Jobs))
	}
	shards, err := Assign(plan, 3, Estimate(cfg))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, s := range shards {
		if s.Count != 3 {
			t.Errorf("shard %d has count %d", s.Index, s.Count)
		}
		last := -1
		for _, g := range s.Groups {
			seen[g.Name]++
			if g.Job <= last {
				t.Errorf("shard %d not in plan order: %q", s.Index, names(s))
			}
			last = g.Job
		}
		sub := Select(plan, s)
		if len(sub.Jobs) != len(s.Groups) || sub.Config != plan.Config {
			t.Errorf("Select(shard %d) has %d jobs, want %d", s.Index, len(sub.Jobs), len(s.Groups))
		}
	}
	for _, j := range plan.Jobs {
		if seen[GroupName(j)] != 1 {
			t.Errorf("group %s is in %d shards", GroupName(j), seen[GroupName(j)])
		}
	}
	again, _ := Assign(plan, 3, Estimate(cfg))
	if !reflect.DeepEqual(shards, again) || PlanHash(shards) != PlanHash(again) {
		t.Errorf("assignment is not deterministic")
	}
	// The two hnsw groups cost most by the estimate; they go to different
	// shards, before anything else shares them.
	var hnswShards []int
	for _, s := range shards {
		for _, g := range s.Groups {
			if strings.Contains(g.Name, "/hnsw/") {
				hnswShards = append(hnswShards, s.Index)
			}
		}
	}
	if len(hnswShards) != 2 || hnswShards[0] == hnswShards[1] {
		t.Errorf("hnsw groups in shards %v, want two different shards", hnswShards)
	}
	// Balance: no shard exceeds the ideal by more than the largest group.
	var total, biggest, worst float64
	for _, j := range plan.Jobs {
		c := Estimate(cfg)(j)
		total += c
		biggest = max(biggest, c)
	}
	for _, s := range shards {
		worst = max(worst, s.Cost)
	}
	if worst > total/3+biggest {
		t.Errorf("largest shard %.4f, ideal %.4f, largest group %.4f", worst, total/3, biggest)
	}
	// More shards than groups leaves some empty, none lost.
	many, err := Assign(plan, 20, Estimate(cfg))
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, s := range many {
		count += len(s.Groups)
		if len(s.Groups) > 1 {
			t.Errorf("shard %d of 20 has %d groups", s.Index, len(s.Groups))
		}
	}
	if count != len(plan.Jobs) {
		t.Errorf("20 shards hold %d groups, want %d", count, len(plan.Jobs))
	}
	for _, n := range []int{0, -1, MaxShards + 1} {
		if _, err := Assign(plan, n, Estimate(cfg)); err == nil {
			t.Errorf("Assign(%d shards) succeeded", n)
		}
	}
}

// TestEstimateScales checks the cost model's direction: more data, more
// query settings and a costlier algorithm cost more.
func TestEstimateScales(t *testing.T) {
	cfg, plan := testPlan(t)
	est := Estimate(cfg)
	byName := map[string]float64{}
	for _, j := range plan.Jobs {
		byName[GroupName(j)] = est(j)
	}
	small := byName["synthetic-3k-8/flat/default"]
	bigCfg, bigPlan := testPlan(t, "datasets=[synthetic-12k-8]")
	big := Estimate(bigCfg)(bigPlan.Jobs[0])
	if !(small > 0 && big > small) || bigPlan.Jobs[0].Algorithm.Name != "flat" {
		t.Errorf("flat on 3k×8 costs %v, on 12k×8 %v; want 0 < first < second", small, big)
	}
	if h, f := byName["synthetic-3k-8/hnsw/M=8_ef_construction=40_seed=1_threads=0"], small; h <= f {
		t.Errorf("hnsw %v not above flat %v", h, f)
	}
	_, more := testPlan(t, "algorithms.ivfflat.query.nprobe=[1,2,4,8]")
	for _, j := range more.Jobs {
		if j.Algorithm.Name == "ivfflat" && est(j) <= byName[GroupName(j)] {
			t.Errorf("%s: 4 settings cost %v, 2 settings %v", GroupName(j), est(j), byName[GroupName(j)])
		}
	}
}

// TestFromEnv checks that every engine's environment selects the same
// shard as --shard 1/3, and the errors.
func TestFromEnv(t *testing.T) {
	flag, err := Parse("1/3")
	if err != nil {
		t.Fatal(err)
	}
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tt := range []struct {
		name   string
		getenv func(string) string
		shards int
		from   string
	}{
		{"kubernetes with ANNBENCH_SHARDS", env(EnvK8sIndex, "1", EnvShards, "3"), 0, "JOB_COMPLETION_INDEX=1, ANNBENCH_SHARDS=3"},
		{"kubernetes with --shards", env(EnvK8sIndex, "1"), 3, "JOB_COMPLETION_INDEX=1, --shards 3"},
		{"slurm", env(EnvSlurmID, "1", EnvSlurmCount, "3"), 0, "SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_COUNT=3"},
		{"slurm from 1", env(EnvSlurmID, "2", EnvSlurmCount, "3", EnvSlurmMin, "1"), 0, "SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_COUNT=3, SLURM_ARRAY_TASK_MIN=1"},
		{"aws batch", env(EnvAWSIndex, "1", EnvAWSSize, "3"), 0, "AWS_BATCH_JOB_ARRAY_INDEX=1, AWS_BATCH_JOB_ARRAY_SIZE=3"},
	} {
		s, ok, err := FromEnv(tt.getenv, tt.shards)
		if err != nil || !ok {
			t.Errorf("%s: %v, %v", tt.name, ok, err)
			continue
		}
		if s.Index != flag.Index || s.Count != flag.Count || s.From != tt.from {
			t.Errorf("%s: got %+v, want %s from %q", tt.name, s, flag.Label(), tt.from)
		}
	}
	if _, ok, err := FromEnv(env(), 0); ok || err != nil {
		t.Errorf("empty environment: %v, %v", ok, err)
	}
	for _, tt := range []struct {
		getenv func(string) string
		shards int
		want   string
	}{
		{env(EnvK8sIndex, "1"), 0, "pass --shards N or set ANNBENCH_SHARDS"},
		{env(EnvK8sIndex, "x", EnvShards, "3"), 0, `JOB_COMPLETION_INDEX="x": want an integer`},
		{env(EnvK8sIndex, "3", EnvShards, "3"), 0, "shard 3 does not exist; shards of 3 are numbered 0 to 2"},
		{env(EnvSlurmID, "1"), 0, "SLURM_ARRAY_TASK_COUNT is not"},
		{env(EnvSlurmID, "1", EnvSlurmCount, "3"), 4, "--shards 4 disagrees with the engine's 3 tasks"},
		{env(EnvAWSIndex, "0"), 0, "AWS_BATCH_JOB_ARRAY_SIZE is not"},
	} {
		if _, _, err := FromEnv(tt.getenv, tt.shards); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
	for _, bad := range []string{"1", "a/3", "3/3", "-1/3", "0/0", fmt.Sprintf("0/%d", MaxShards+1)} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

// TestManifestRoundTrip writes and reads a manifest and rejects bad ones.
func TestManifestRoundTrip(t *testing.T) {
	cfg, plan := testPlan(t)
	shards, _ := Assign(plan, 3, Estimate(cfg))
	dir := t.TempDir()
	m := NewManifest(shards, shards[1], "six.yaml", "--shard 1/3", testMachine("cpu"))
	m.Complete = true
	if err := m.Write(dir); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifests(dir)
	if err != nil || len(got) != 1 {
		t.Fatalf("ReadManifests: %v, %d", err, len(got))
	}
	if got[0].Shard != 1 || got[0].Shards != 3 || got[0].Plan != PlanHash(shards) || !got[0].Complete ||
		!reflect.DeepEqual(got[0].Groups, names(shards[1])) || got[0].Path != filepath.Join(dir, "shard-1-of-3.json") {
		t.Errorf("read back %+v", got[0])
	}
	for name, text := range map[string]string{
		"shard-0-of-2.json": `{"schema": "annbench/shard/v1", "shard": 1, "shards": 2}`,
		"shard-1-of-2.json": `{"schema": "other", "shard": 1, "shards": 2}`,
		"shard-2-of-2.json": `{"schema": "annbench/shard/v1", "shard": 2, "shards": 2}`,
		"shard-3-of-4.json": `{`,
	} {
		bad := t.TempDir()
		if err := os.WriteFile(filepath.Join(bad, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadManifests(bad); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s %s: error %v, want one naming the file", name, text, err)
		}
	}
}

func testMachine(cpu string) result.Machine {
	return result.Machine{CPU: cpu, Cores: 2, Kernels: "avx2", OS: "linux", Arch: "amd64"}
}

// TestMeasuredCosts checks that a previous run's result files give the
// jobs they cover their measured seconds, the rest the estimate, and that
// a directory without results is an error.
func TestMeasuredCosts(t *testing.T) {
	cfg, plan := testPlan(t)
	job := plan.Jobs[1] // an ivfflat group
	dir := t.TempDir()
	r := &result.Result{Schema: result.Schema, Dataset: job.Dataset, Algorithm: job.Algorithm.Name, IndexParams: map[string]any(job.Index),
		K: 10, Mode: "single", Threads: 1, Queries: 100, Build: result.Build{Seconds: 2.5},
		Points: []result.Point{{QueryParams: map[string]any{"nprobe": 1}, PassQPS: []float64{100, 50}}, {QueryParams: map[string]any{"nprobe": 4}, PassQPS: []float64{400, 400}, PassSeconds: []float64{0.25, 0.25}}}}
	path, err := r.Identity().Path(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := result.Write(path, r); err != nil {
		t.Fatal(err)
	}
	cost, err := Measured(cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	// 2.5 s build + 100/100 + 100/50 s of passes + 0.5 s.
	if got := cost(job); got != 6 {
		t.Errorf("measured cost %v, want 6", got)
	}
	est := Estimate(cfg)
	for _, j := range plan.Jobs {
		if GroupName(j) != GroupName(job) && cost(j) != est(j) {
			t.Errorf("%s: cost %v, want the estimate %v", GroupName(j), cost(j), est(j))
		}
	}
	if _, err := Measured(cfg, t.TempDir()); err == nil || !strings.Contains(err.Error(), "no result files") {
		t.Errorf("empty directory: %v", err)
	}
}
