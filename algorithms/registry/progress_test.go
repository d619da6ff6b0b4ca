package registry_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/registry"
	"github.com/annbench/annbench/datasets/vector"
)

// recorder is a Progress that keeps every stage with the units reported.
type recorder struct {
	mu     sync.Mutex
	stages []stage
	early  int64 // units reported before any stage
}

type stage struct {
	name        string
	total, done int64
}

func (r *recorder) Stage(name string, total int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stages = append(r.stages, stage{name: name, total: total})
}

func (r *recorder) Done(n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.stages) == 0 {
		r.early += n
		return
	}
	r.stages[len(r.stages)-1].done += n
}

// TestBuildProgress builds every index that reports progress and checks
// what it reported: at least one stage, no stage past its total, and the
// last stage (vectors inserted, assigned or encoded) complete, so a bar
// reaches 100 % exactly when Build returns.
func TestBuildProgress(t *testing.T) {
	want := map[string]bool{"hnsw": true, "ivfflat": true, "ivfpq": true, "pq": true, "scann": true}
	rng := rand.New(rand.NewPCG(3, 4))
	const n, dim = 2001, 16 // not a multiple of any reporting step
	base := vector.NewMatrix(n, dim)
	for i := range base.Data {
		base.Data[i] = float32(rng.NormFloat64())
	}
	for _, a := range registry.All {
		idx, err := newDefault(a, dim)
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		pr, ok := idx.(algorithms.ProgressReporter)
		if !ok {
			if want[a.Name] {
				t.Errorf("%s does not implement algorithms.ProgressReporter", a.Name)
			}
			continue
		}
		rec := &recorder{}
		pr.SetProgress(rec)
		if err := idx.Build(context.Background(), base); err != nil {
			t.Fatalf("%s: build: %v", a.Name, err)
		}
		if len(rec.stages) == 0 {
			t.Errorf("%s reported no stage", a.Name)
			continue
		}
		if rec.early != 0 {
			t.Errorf("%s reported %d units before its first stage", a.Name, rec.early)
		}
		for _, s := range rec.stages {
			if s.total > 0 && s.done > s.total {
				t.Errorf("%s: stage %q reported %d of %d", a.Name, s.name, s.done, s.total)
			}
		}
		last := rec.stages[len(rec.stages)-1]
		if last.total != n || last.done != n {
			t.Errorf("%s: last stage %q at %d of %d, want %d of %d: %s", a.Name, last.name, last.done, last.total, n, n, fmt.Sprint(rec.stages))
		}
	}
}

func newDefault(a algorithms.Algorithm, dim int) (algorithms.Index, error) {
	p, err := a.Params.Normalize(algorithms.IndexTime, map[string]any{})
	if err != nil {
		return nil, err
	}
	if a.Name == "ivfflat" || a.Name == "ivfpq" {
		p["nlist"] = 16
	}
	if a.Name == "scann" {
		p["num_leaves"] = 16
	}
	return a.New(vector.L2, dim, p)
}
