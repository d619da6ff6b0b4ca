package shard

import (
	"fmt"
	"strconv"
	"strings"
)

// Selection says which shard a worker runs and where that came from.
type Selection struct {
	// Index is the 0-based shard, Count the number of shards.
	Index, Count int
	// From says where the selection came from, for the run log, e.g.
	// "--shard 1/3" or "SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_COUNT=3".
	From string
}

// Label renders the selection as "i/n".
func (s Selection) Label() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Parse reads a shard written "i/n" (0-based i).
func Parse(s string) (Selection, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Selection{}, fmt.Errorf("shard %q: want i/n, e.g. 0/3 for the first of three shards", s)
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if err1 != nil || err2 != nil {
		return Selection{}, fmt.Errorf("shard %q: want two integers i/n, e.g. 0/3", s)
	}
	return check(Selection{Index: i, Count: n, From: "--shard " + s})
}

func check(s Selection) (Selection, error) {
	switch {
	case s.Count < 1 || s.Count > MaxShards:
		return Selection{}, fmt.Errorf("%s: want 1 to %d shards, got %d", s.From, MaxShards, s.Count)
	case s.Index < 0 || s.Index >= s.Count:
		return Selection{}, fmt.Errorf("%s: shard %d does not exist; shards of %d are numbered 0 to %d", s.From, s.Index, s.Count, s.Count-1)
	}
	return s, nil
}

// The environment variables FromEnv reads.
const (
	EnvShards     = "ANNBENCH_SHARDS"
	EnvK8sIndex   = "JOB_COMPLETION_INDEX"
	EnvSlurmID    = "SLURM_ARRAY_TASK_ID"
	EnvSlurmCount = "SLURM_ARRAY_TASK_COUNT"
	EnvSlurmMin   = "SLURM_ARRAY_TASK_MIN"
	EnvAWSIndex   = "AWS_BATCH_JOB_ARRAY_INDEX"
	EnvAWSSize    = "AWS_BATCH_JOB_ARRAY_SIZE"
)

// FromEnv finds the shard of this worker in a batch engine's environment,
// first match wins:
//
//   - Kubernetes Indexed Job: JOB_COMPLETION_INDEX, with the count from
//     shards (the --shards flag) or ANNBENCH_SHARDS;
//   - Slurm job array: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT
//     (less SLURM_ARRAY_TASK_MIN when set, so --array=1-3 works too);
//   - AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX and
//     AWS_BATCH_JOB_ARRAY_SIZE.
//
// It reports false when none is set. shards, when positive, must agree
// with the count the engine gives.
func FromEnv(getenv func(string) string, shards int) (Selection, bool, error) {
	num := func(name string) (int, error) {
		v := strings.TrimSpace(getenv(name))
		x, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("%s=%q: want an integer", name, v)
		}
		return x, nil
	}
	count := func(from string, engine int) (int, error) {
		if shards > 0 && engine > 0 && shards != engine {
			return 0, fmt.Errorf("%s: --shards %d disagrees with the engine's %d tasks", from, shards, engine)
		}
		if engine > 0 {
			return engine, nil
		}
		if shards > 0 {
			return shards, nil
		}
		if getenv(EnvShards) == "" {
			return 0, fmt.Errorf("%s: the number of shards is not known; pass --shards N or set %s", from, EnvShards)
		}
		return num(EnvShards)
	}
	// array reads an array job's task index and task count from idVar and
	// countVar (hint ends the error when the count is missing), less the
	// first index from minVar when that is set.
	array := func(idVar, countVar, minVar, hint string) (Selection, bool, error) {
		id, err := num(idVar)
		if err != nil {
			return Selection{}, false, err
		}
		from := fmt.Sprintf("%s=%d", idVar, id)
		if getenv(countVar) == "" {
			return Selection{}, false, fmt.Errorf("%s is set but %s is not%s", idVar, countVar, hint)
		}
		c, err := num(countVar)
		if err != nil {
			return Selection{}, false, err
		}
		from += fmt.Sprintf(", %s=%d", countVar, c)
		if minVar != "" && getenv(minVar) != "" {
			lo, err := num(minVar)
			if err != nil {
				return Selection{}, false, err
			}
			id -= lo
			from += fmt.Sprintf(", %s=%d", minVar, lo)
		}
		n, err := count(from, c)
		if err != nil {
			return Selection{}, false, err
		}
		s, err := check(Selection{Index: id, Count: n, From: from})
		return s, err == nil, err
	}
	switch {
	case getenv(EnvK8sIndex) != "":
		i, err := num(EnvK8sIndex)
		if err != nil {
			return Selection{}, false, err
		}
		from := fmt.Sprintf("%s=%d", EnvK8sIndex, i)
		n, err := count(from, 0)
		if err != nil {
			return Selection{}, false, err
		}
		if shards <= 0 {
			from += fmt.Sprintf(", %s=%d", EnvShards, n)
		} else {
			from += fmt.Sprintf(", --shards %d", n)
		}
		s, err := check(Selection{Index: i, Count: n, From: from})
		return s, err == nil, err
	case getenv(EnvSlurmID) != "":
		return array(EnvSlurmID, EnvSlurmCount, EnvSlurmMin, "; run as an array job (sbatch --array=0-N)")
	case getenv(EnvAWSIndex) != "":
		return array(EnvAWSIndex, EnvAWSSize, "", "")
	}
	return Selection{}, false, nil
}
