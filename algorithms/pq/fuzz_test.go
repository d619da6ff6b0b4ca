package pq_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/pq"
	"github.com/annbench/annbench/datasets"
)

// FuzzLoad feeds arbitrary bytes to Load: it must return an error or an
// index that searches without panicking, never panic itself.
func FuzzLoad(f *testing.F) {
	const dim = 8
	rng := rand.New(rand.NewPCG(1, 1))
	base := datasets.NewMatrix(300, dim)
	for i := range base.Data {
		base.Data[i] = float32(rng.NormFloat64())
	}
	for _, m := range datasets.Metrics {
		idx := newFuzzIndex(f, m)
		if err := idx.Build(context.Background(), base); err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if err := idx.(algorithms.Saver).Save(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(string(m), buf.Bytes())
		empty := newFuzzIndex(f, m)
		if err := empty.Build(context.Background(), datasets.Matrix{Dim: dim, Stride: dim}); err != nil {
			f.Fatal(err)
		}
		buf.Reset()
		if err := empty.(algorithms.Saver).Save(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(string(m), buf.Bytes())
	}
	q := base.Row(0)
	f.Fuzz(func(t *testing.T, metric string, data []byte) {
		m := datasets.Metric(metric)
		if !m.Valid() {
			return
		}
		idx := newFuzzIndex(t, m)
		if err := idx.(algorithms.Loader).Load(bytes.NewReader(data)); err != nil {
			return
		}
		qp, _ := pq.Algorithm.Params.Normalize(algorithms.QueryTime, nil)
		if qt, ok := idx.(algorithms.QueryTuner); ok {
			_ = qt.SetQuery(qp)
		}
		idx.Search(q, 5, nil)
	})
}

func newFuzzIndex(tb testing.TB, m datasets.Metric) algorithms.Index {
	tb.Helper()
	ip, err := pq.Algorithm.Params.Normalize(algorithms.IndexTime, map[string]any{"M": 4})
	if err != nil {
		tb.Fatal(err)
	}
	idx, err := pq.Algorithm.New(m, 8, ip)
	if err != nil {
		tb.Fatal(err)
	}
	return idx
}
