package shard

import (
	"fmt"
	"sort"

	"github.com/annbench/annbench/runner/config"
)

// Group is one build group of a plan: one job, built once and swept.
type Group struct {
	// Job is the index of the job in the plan.
	Job int `json:"-"`
	// Name is "dataset/algorithm/index-params", unique within a plan.
	Name string `json:"name"`
	// Cost is the group's estimated (or measured) cost, in the unit of
	// the Cost function that assigned it (seconds for Estimate).
	Cost float64 `json:"cost"`
}

// Shard is one of Count parts of a plan.
type Shard struct {
	// Index is the 0-based shard number, Count the number of shards.
	Index int `json:"shard"`
	Count int `json:"shards"`
	// Groups lists the build groups of the shard in plan order.
	Groups []Group `json:"groups"`
	// Cost is the sum of the groups' costs.
	Cost float64 `json:"cost"`
}

// Label renders the shard as "i/n".
func (s Shard) Label() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// GroupName is how a job is named in shard listings and manifests.
func GroupName(j config.Job) string {
	return j.Dataset + "/" + j.Algorithm.Name + "/" + j.Index.Slug()
}

// MaxShards bounds the number of shards.
const MaxShards = 10000

// Assign splits the jobs of plan into n shards, each job whole in one
// shard, balancing the summed cost: jobs are taken most costly first (plan
// order breaks ties) and each goes to the shard with the least cost so far
// (the lowest index breaks ties). The result depends only on the plan and
// the costs, so every machine that expands the same config computes the
// same shards. Shards may be empty when n exceeds the number of jobs.
func Assign(plan *config.Plan, n int, cost Cost) ([]Shard, error) {
	if n < 1 || n > MaxShards {
		return nil, fmt.Errorf("want 1 to %d shards, got %d", MaxShards, n)
	}
	groups := make([]Group, len(plan.Jobs))
	for i, j := range plan.Jobs {
		groups[i] = Group{Job: i, Name: GroupName(j), Cost: cost(j)}
	}
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return groups[order[a]].Cost > groups[order[b]].Cost })
	shards := make([]Shard, n)
	for i := range shards {
		shards[i] = Shard{Index: i, Count: n, Groups: []Group{}}
	}
	for _, g := range order {
		best := 0
		for i := 1; i < n; i++ {
			if shards[i].Cost < shards[best].Cost {
				best = i
			}
		}
		shards[best].Groups = append(shards[best].Groups, groups[g])
		shards[best].Cost += groups[g].Cost
	}
	for i := range shards {
		sort.Slice(shards[i].Groups, func(a, b int) bool { return shards[i].Groups[a].Job < shards[i].Groups[b].Job })
	}
	return shards, nil
}

// Select returns the plan of shard s: the same config with only the
// shard's jobs, in plan order.
func Select(plan *config.Plan, s Shard) *config.Plan {
	out := &config.Plan{Config: plan.Config, Jobs: []config.Job{}}
	for _, g := range s.Groups {
		out.Jobs = append(out.Jobs, plan.Jobs[g.Job])
	}
	return out
}
