package ivfpq_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/conformance"
	"github.com/annbench/annbench/algorithms/ivfpq"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/datasets/vector"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Case{
		Algorithm:  ivfpq.Algorithm,
		Index:      algorithms.Params{"nlist": 32, "M": 8},
		SmallIndex: algorithms.Params{"nlist": 4, "M": 8},
		Query:      algorithms.Params{"nprobe": 8, "rerank": 100},
		MinRecall:  0.9,
	})
}

// clustered returns n points around 20 centres; the centres depend only
// on dim, the points on seed, so two calls share one distribution.
func clustered(seed uint64, n, dim int) vector.Matrix {
	crng := rand.New(rand.NewPCG(uint64(dim), 5))
	centers := vector.NewMatrix(20, dim)
	for i := range centers.Data {
		centers.Data[i] = float32(crng.NormFloat64() * 3)
	}
	rng := rand.New(rand.NewPCG(seed, 6))
	m := vector.NewMatrix(n, dim)
	for i := 0; i < n; i++ {
		c := centers.Row(rng.IntN(20))
		for j := range m.Row(i) {
			m.Row(i)[j] = c[j] + float32(rng.NormFloat64())
		}
	}
	return m
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  ivfpq.Config
	}{
		{"M does not divide dim", ivfpq.Config{Config: pq.Config{M: 5}}},
		{"nbits 4", ivfpq.Config{Config: pq.Config{M: 4, NBits: 4}}},
	} {
		if _, err := ivfpq.New(vector.L2, 16, tc.cfg); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := ivfpq.New("cosine-ish", 16, ivfpq.Config{}); err == nil {
		t.Errorf("unknown metric: no error")
	}
}

func TestRerankNeedsVectors(t *testing.T) {
	idx, err := ivfpq.New(vector.L2, 16, ivfpq.Config{NList: 4, Config: pq.Config{M: 4, StoreVectors: false}})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.SetQuery(algorithms.Params{"nprobe": 2, "rerank": 10}); err == nil {
		t.Errorf("rerank without stored vectors: no error")
	}
	if err := idx.SetQuery(algorithms.Params{"nprobe": 0}); err == nil {
		t.Errorf("nprobe 0: no error")
	}
}

func TestTrainingData(t *testing.T) {
	base := clustered(1, 3000, 16)
	learn := clustered(2, 2000, 16)
	idx, err := ivfpq.New(vector.L2, 16, ivfpq.Config{NList: 16, Config: pq.Config{M: 8, StoreVectors: true}})
	if err != nil {
		t.Fatal(err)
	}
	idx.SetTrainingData(vector.NewMatrix(10, 8))
	if err := idx.Build(context.Background(), base); err == nil {
		t.Errorf("training data of dimension 8 for a 16-dimensional index: no error")
	}
	idx.SetTrainingData(learn)
	if err := idx.Build(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	if err := idx.SetQuery(algorithms.Params{"nprobe": 16, "rerank": 20}); err != nil {
		t.Fatal(err)
	}
	// With every list probed and exact rerank, the nearest neighbour of a
	// base vector is itself.
	for i := 0; i < 50; i++ {
		ids := idx.Search(base.Row(i), 1, nil)
		if len(ids) != 1 || ids[0] != int32(i) {
			t.Fatalf("query = base row %d: got %v", i, ids)
		}
	}
}

func TestLoadRejectsOtherShape(t *testing.T) {
	base := clustered(1, 500, 16)
	idx, err := ivfpq.New(vector.L2, 16, ivfpq.Config{NList: 4, Config: pq.Config{M: 8}})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Build(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := idx.Save(&buf); err != nil {
		t.Fatal(err)
	}
	for name, other := range map[string]func() (*ivfpq.Index, error){
		"M": func() (*ivfpq.Index, error) {
			return ivfpq.New(vector.L2, 16, ivfpq.Config{NList: 4, Config: pq.Config{M: 4}})
		},
		"metric": func() (*ivfpq.Index, error) {
			return ivfpq.New(vector.IP, 16, ivfpq.Config{NList: 4, Config: pq.Config{M: 8}})
		},
		"dim": func() (*ivfpq.Index, error) {
			return ivfpq.New(vector.L2, 32, ivfpq.Config{NList: 4, Config: pq.Config{M: 8}})
		},
	} {
		x, err := other()
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Load(bytes.NewReader(buf.Bytes())); err == nil {
			t.Errorf("loading into an index with another %s: no error", name)
		}
	}
	bad := append([]byte(nil), buf.Bytes()...)
	bad[8] = 99 // version
	if err := idx.Load(bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("unknown version: got %v, want a version error", err)
	}
}
