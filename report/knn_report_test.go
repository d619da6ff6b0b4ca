package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKNNAccuracyReport: with kNN accuracy on the points, summary.md gets
// its column, the CSV its two columns and --x knn-accuracy its figure;
// without labels the figure is skipped with a warning.
func TestKNNAccuracyReport(t *testing.T) {
	rs := filteredResults()[:1] // one unfiltered result of two points
	acc, exact := 0.84, 0.85
	for i := range rs[0].Points {
		rs[0].Points[i].KNNAccuracy, rs[0].Points[i].ExactKNNAccuracy = &acc, &exact
	}
	dir := t.TempDir()
	var warn bytes.Buffer
	if err := Render(dir, rs, Options{Warn: &warn, KNNAccuracy: true}); err != nil {
		t.Fatal(err)
	}
	checkImage(t, filepath.Join(dir, "ds", KNNQPSFile+".png"))
	md, err := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| kNN accuracy |") || !strings.Contains(string(md), "0.840 (exact 0.850)") {
		t.Errorf("summary.md lacks the kNN accuracy column:\n%s", md)
	}
	var csv bytes.Buffer
	if err := WriteCSV(&csv, rs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "knn_accuracy,exact_knn_accuracy") || !strings.Contains(csv.String(), ",0.84,0.85") {
		t.Errorf("CSV lacks the kNN accuracy columns:\n%s", csv.String())
	}
	rs[0].Points[0].KNNAccuracy, rs[0].Points[1].KNNAccuracy = nil, nil
	warn.Reset()
	if err := Render(t.TempDir(), rs, Options{Warn: &warn, KNNAccuracy: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(warn.String(), "no point carries a kNN accuracy") {
		t.Errorf("no warning for a dataset without labels: %q", warn.String())
	}
}
