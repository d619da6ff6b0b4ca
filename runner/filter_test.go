package runner

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
	"github.com/annbench/annbench/runner/config"
)

func openSynthetic(t *testing.T, name string, queries int) *datasets.Dataset {
	t.Helper()
	ds, err := datasets.Open(context.Background(), name, datasets.Options{MaxQueries: queries})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ds.Close() })
	return ds
}

// bruteFiltered is an independent filtered exact search in float64: the
// k smallest distances among the rows allowed(i) accepts.
func bruteFiltered(ds *datasets.Dataset, qi, k int, allowed func(i int) bool) []float64 {
	q := ds.Query.Row(qi)
	var d []float64
	for i := 0; i < ds.Base.Rows; i++ {
		if allowed(i) {
			d = append(d, exact64(ds.Metric, q, ds.Base.Row(i)))
		}
	}
	sort.Float64s(d)
	return d[:min(k, len(d))]
}

func exact64(m vector.Metric, a, b []float32) float64 {
	var s float64
	for i := range a {
		if m == vector.L2 {
			x := float64(a[i]) - float64(b[i])
			s += x * x
		} else {
			s -= float64(a[i]) * float64(b[i])
		}
	}
	return s
}

// checkTruth compares a workload's ground truth with the independent
// search by distance (ids may differ between exact ties).
func checkTruth(t *testing.T, ds *datasets.Dataset, w *workload, k int, allowed func(qi, i int) bool) {
	t.Helper()
	for qi := 0; qi < ds.Query.Rows; qi++ {
		want := bruteFiltered(ds, qi, k, func(i int) bool { return allowed(qi, i) })
		row := w.truth.Row(qi)
		for j := 0; j < k; j++ {
			if j >= len(want) {
				if row[j] != -1 {
					t.Fatalf("query %d: truth[%d] = %d, want -1 padding (%d allowed rows)", qi, j, row[j], len(want))
				}
				continue
			}
			id := int(row[j])
			if id < 0 || !allowed(qi, id) {
				t.Fatalf("query %d: truth[%d] = %d is not allowed", qi, j, id)
			}
			got := exact64(ds.Metric, ds.Query.Row(qi), ds.Base.Row(id))
			if diff := got - want[j]; diff > 1e-3*max(1, want[j]) || diff < -1e-3*max(1, want[j]) {
				t.Fatalf("query %d: truth[%d] at distance %g, exact filtered search has %g", qi, j, got, want[j])
			}
		}
	}
}

func TestWorkloadLabel(t *testing.T) {
	ds := openSynthetic(t, "synthetic-3000-8", 40)
	w, err := newWorkload(context.Background(), config.FilterSpec{Kind: config.FilterLabel, Label: "query"}, ds, 10)
	if err != nil {
		t.Fatal(err)
	}
	if w.id() != "label=query" || !w.filtered() {
		t.Fatalf("id %q filtered %v", w.id(), w.filtered())
	}
	checkTruth(t, ds, w, 10, func(qi, i int) bool { return ds.BaseLabels[i] == ds.QueryLabels[qi] })
	if w.selectivity <= 0.01 || w.selectivity >= 0.5 {
		t.Errorf("selectivity %.3f for 10 classes", w.selectivity)
	}
	// Queries of one label share one set.
	for a := 0; a < ds.Query.Rows; a++ {
		for b := a + 1; b < ds.Query.Rows; b++ {
			if ds.QueryLabels[a] == ds.QueryLabels[b] && w.allow[a] != w.allow[b] {
				t.Fatalf("queries %d and %d have label %d but separate allow-sets", a, b, ds.QueryLabels[a])
			}
		}
	}
	ds.QueryLabels = nil
	if _, err := newWorkload(context.Background(), config.FilterSpec{Kind: config.FilterLabel, Label: "query"}, ds, 10); err == nil {
		t.Error("a label filter on queries without labels gave no error")
	}
}

func TestWorkloadRangeAttributes(t *testing.T) {
	ds := openSynthetic(t, "synthetic-4000-8", 30)
	spec := config.FilterSpec{Kind: config.FilterRange, Fraction: 0.05}
	w, err := newWorkload(context.Background(), spec, ds, 10)
	if err != nil {
		t.Fatal(err)
	}
	if w.selectivity < 0.049 || w.selectivity > 0.052 {
		t.Errorf("selectivity %.4f, want 0.05", w.selectivity)
	}
	// Each set is exactly the rows whose attribute lies between its own
	// smallest and largest value.
	for qi, a := range w.allow {
		lo, hi := int64(1<<62), int64(-1)
		a.Each(func(id int32) {
			lo, hi = min(lo, ds.Attributes[id]), max(hi, ds.Attributes[id])
		})
		for i, v := range ds.Attributes {
			if in := v >= lo && v <= hi; in != a.Contains(int32(i)) {
				t.Fatalf("query %d: row %d (attribute %d) allowed=%v, range [%d,%d]", qi, i, v, a.Contains(int32(i)), lo, hi)
			}
		}
	}
	checkTruth(t, ds, w, 10, func(qi, i int) bool { return w.allow[qi].Contains(int32(i)) })
	again, err := newWorkload(context.Background(), spec, ds, 10)
	if err != nil {
		t.Fatal(err)
	}
	for qi := range w.allow {
		if !w.allow[qi].Equal(again.allow[qi]) {
			t.Fatalf("query %d: a second build drew another range", qi)
		}
	}
}

func TestWorkloadRangeRowIDAndShort(t *testing.T) {
	ds := openSynthetic(t, "synthetic-2000-8", 20)
	ds.Attributes = nil
	w, err := newWorkload(context.Background(), config.FilterSpec{Kind: config.FilterRange, Fraction: 0.002}, ds, 10)
	if err != nil {
		t.Fatal(err)
	}
	for qi, a := range w.allow {
		lo, hi, ok := a.Range()
		if !ok || hi-lo != 4 {
			t.Fatalf("query %d: allow-set %d..%d (range %v), want 4 consecutive ids", qi, lo, hi, ok)
		}
	}
	if w.short != ds.Query.Rows {
		t.Errorf("short = %d, want all %d queries (4 allowed rows < k=10)", w.short, ds.Query.Rows)
	}
	checkTruth(t, ds, w, 10, func(qi, i int) bool { return w.allow[qi].Contains(int32(i)) })
}

// writeNpyInt64 writes a 1-D little-endian int64 .npy file.
func writeNpyInt64(t *testing.T, path string, vals []int64) {
	t.Helper()
	header := fmt.Sprintf("{'descr': '<i8', 'fortran_order': False, 'shape': (%d,), }", len(vals))
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	b = append(b, header...)
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWorkloadIDs(t *testing.T) {
	ds := openSynthetic(t, "synthetic-2000-8", 20)
	dir := t.TempDir()
	path := filepath.Join(dir, "subset.npy")
	var ids []int64
	for i := int64(100); i < 200; i++ { // 5 %
		ids = append(ids, i*7%2000)
	}
	writeNpyInt64(t, path, ids)
	w, err := newWorkload(context.Background(), config.FilterSpec{Kind: config.FilterIDs, IDs: path}, ds, 10)
	if err != nil {
		t.Fatal(err)
	}
	if w.selectivity != 0.05 || w.allow[0] != w.allow[19] {
		t.Errorf("selectivity %g, shared set %v", w.selectivity, w.allow[0] == w.allow[19])
	}
	checkTruth(t, ds, w, 10, func(_, i int) bool { return w.allow[0].Contains(int32(i)) })

	bad := filepath.Join(dir, "bad.npy")
	writeNpyInt64(t, bad, []int64{1, 2, 2000})
	_, err = newWorkload(context.Background(), config.FilterSpec{Kind: config.FilterIDs, IDs: bad}, ds, 10)
	if err == nil || !strings.Contains(err.Error(), "bad.npy") || !strings.Contains(err.Error(), "2000") {
		t.Errorf("an id outside the base: error %v, want one naming the file and the id", err)
	}
	empty := filepath.Join(dir, "empty.npy")
	writeNpyInt64(t, empty, nil)
	if _, err := newWorkload(context.Background(), config.FilterSpec{Kind: config.FilterIDs, IDs: empty}, ds, 10); err == nil {
		t.Error("an empty allow-list gave no error")
	}
}
