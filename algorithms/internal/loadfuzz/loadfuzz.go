// Package loadfuzz is test support that fuzzes an adapter's Load: seeded
// with the adapter's own saved files, arbitrary bytes must give an error
// or an index that searches without panicking, never a panic in Load.
// Every input is tried as it is and with its checksum recomputed
// (binfmt.Reseal), so that damaged structure gets past the checksum to the
// decoder's own checks.
//
// Test support: it imports algorithms, algorithms/binfmt and
// datasets/vector, never an index package.
package loadfuzz

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

// dim is the dimension of the fuzzed indexes.
const dim = 8

// Run fuzzes Load of algorithm a, made with index-time parameters p (which
// should keep a small index valid for 300 vectors of dimension 8). The
// corpus is seeded, for every metric, with a saved built index and a saved
// empty one. Each input is a metric name and the file bytes; an input that
// loads is searched with default query parameters. a's index must be a
// Saver and a Loader.
func Run(f *testing.F, a algorithms.Algorithm, p algorithms.Params) {
	f.Helper()
	rng := rand.New(rand.NewPCG(1, 1))
	base := vector.NewMatrix(300, dim)
	for i := range base.Data {
		base.Data[i] = float32(rng.NormFloat64())
	}
	for _, m := range vector.Metrics {
		for _, data := range []vector.Matrix{base, {Dim: dim, Stride: dim}} {
			idx := newIndex(f, a, p, m)
			if err := idx.Build(context.Background(), data); err != nil {
				f.Fatal(err)
			}
			var buf bytes.Buffer
			if err := idx.(algorithms.Saver).Save(&buf); err != nil {
				f.Fatal(err)
			}
			f.Add(string(m), buf.Bytes())
		}
	}
	q := base.Row(0)
	f.Fuzz(func(t *testing.T, metric string, data []byte) {
		m := vector.Metric(metric)
		if !m.Valid() {
			return
		}
		for _, d := range [][]byte{data, binfmt.Reseal(data)} {
			idx := newIndex(t, a, p, m)
			if err := idx.(algorithms.Loader).Load(bytes.NewReader(d)); err != nil {
				continue
			}
			qp, _ := a.Params.Normalize(algorithms.QueryTime, nil)
			if qt, ok := idx.(algorithms.QueryTuner); ok {
				_ = qt.SetQuery(qp)
			}
			idx.Search(q, 5, nil)
			idx.Search(q, 400, nil)
		}
	})
}

// newIndex makes an unbuilt index of a for metric m.
func newIndex(tb testing.TB, a algorithms.Algorithm, p algorithms.Params, m vector.Metric) algorithms.Index {
	tb.Helper()
	ip, err := a.Params.Normalize(algorithms.IndexTime, p)
	if err != nil {
		tb.Fatal(err)
	}
	idx, err := a.New(m, dim, ip)
	if err != nil {
		tb.Fatal(err)
	}
	return idx
}
