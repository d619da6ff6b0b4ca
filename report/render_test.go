package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func checkImage(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch filepath.Ext(path) {
	case ".png":
		if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("%s: not a PNG", path)
		}
		if len(data) < 10_000 {
			t.Errorf("%s: only %d bytes; a plot with axes, lines and legend is larger", path, len(data))
		}
	case ".svg":
		if !bytes.Contains(data, []byte("<svg")) || !bytes.HasSuffix(bytes.TrimSpace(data), []byte("</svg>")) {
			t.Errorf("%s: not a complete SVG", path)
		}
		if len(data) < 5_000 {
			t.Errorf("%s: only %d bytes", path, len(data))
		}
	}
}

func TestRender(t *testing.T) {
	dir := t.TempDir()
	step := filepath.Join(t.TempDir(), "step-summary.md")
	if err := os.WriteFile(step, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", step)
	var warn bytes.Buffer
	results := fixture(t, "base")
	if err := Render(dir, results, Options{Warn: &warn, Labels: true}); err != nil {
		t.Fatal(err)
	}
	for _, ds := range []string{"synthetic-2k-16", "tiny-angular"} {
		for _, f := range []string{"recall_qps.png", "recall_qps.svg", "build.png", "build.svg"} {
			checkImage(t, filepath.Join(dir, ds, f))
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := WriteSummary(&want, results, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(md, want.Bytes()) {
		t.Errorf("summary.md differs from WriteSummary")
	}
	stepData, err := os.ReadFile(step)
	if err != nil {
		t.Fatal(err)
	}
	if string(stepData) != "earlier step\n"+string(md) {
		t.Errorf("step summary was not appended to:\n%s", stepData)
	}

	html, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	h := string(html)
	if n := strings.Count(h, `<div class="chart" data-ds=`); n != 2 {
		t.Errorf("report.html holds %d charts, want 2 (one per dataset)", n)
	}
	if !strings.Contains(h, uplotJS) || !strings.Contains(h, reportJS) {
		t.Errorf("report.html does not embed uPlot and its script")
	}
	// Self-contained: nothing is fetched.
	if m := regexp.MustCompile(`(?i)(src\s*=|<link|url\(\s*['"]?https?:|@import)`).FindString(h); m != "" {
		t.Errorf("report.html refers to an external resource: %q", m)
	}
	for _, s := range []string{"synthetic-2k-16", "tiny-angular", "Test CPU @ 2.0GHz", "20,206", "M=16, ef_construction=200"} {
		if !strings.Contains(h, s) {
			t.Errorf("report.html lacks %q", s)
		}
	}
	if warn.Len() != 0 {
		t.Errorf("unexpected warnings:\n%s", warn.String())
	}
	// No temporary files left behind.
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if strings.Contains(filepath.Base(path), ".tmp") {
			t.Errorf("temporary file left: %s", path)
		}
		return nil
	})
}

func TestRenderDropsNonPositiveQPS(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir := t.TempDir()
	var warn bytes.Buffer
	if err := Render(dir, fixture(t, "zeroqps"), Options{Warn: &warn}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"dropping point ef=10 with QPS 0", "index size not reported"} {
		if !strings.Contains(warn.String(), s) {
			t.Errorf("warnings lack %q:\n%s", s, warn.String())
		}
	}
	checkImage(t, filepath.Join(dir, "ds", "recall_qps.png"))
}

func TestRenderNoUsablePoints(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	rs := fixture(t, "zeroqps")
	for i := range rs[0].Points {
		rs[0].Points[i].QPS = 0
	}
	rs[0].Build.Seconds = 0
	dir := t.TempDir()
	var warn bytes.Buffer
	if err := Render(dir, rs, Options{Warn: &warn}); err != nil {
		t.Fatalf("a dataset without drawable points must still render: %v", err)
	}
	checkImage(t, filepath.Join(dir, "ds", "recall_qps.svg"))
	if !strings.Contains(warn.String(), "build time 0 s left out") {
		t.Errorf("warnings lack the build-time drop:\n%s", warn.String())
	}
}

func TestRenderErrors(t *testing.T) {
	if err := Render(t.TempDir(), nil, Options{}); err == nil {
		t.Errorf("Render of no results succeeded")
	}
	// A file where the dataset directory should go.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tiny-angular"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	err := Render(dir, fixture(t, "base"), Options{Warn: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "tiny-angular") {
		t.Errorf("error %v, want one naming the blocked path", err)
	}
}

func TestRenderCompare(t *testing.T) {
	dir := t.TempDir()
	base, new := fixture(t, "base"), fixture(t, "new")
	c := mustCompare(t, base, new, CompareOptions{})
	paths, err := RenderCompare(dir, base, new, c, Options{Warn: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 5 {
		t.Fatalf("wrote %v, want compare.md and 2 datasets × PNG+SVG", paths)
	}
	for _, p := range paths[1:] {
		checkImage(t, p)
	}
	var want bytes.Buffer
	c.WriteTable(&want)
	if got, err := os.ReadFile(paths[0]); err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("%s does not hold the comparison table (%v)", paths[0], err)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "synthetic-2k-16", "compare.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("stroke-dasharray")) {
		t.Errorf("compare.svg has no dashed line for BASE")
	}
}

func TestLogTicker(t *testing.T) {
	tests := []struct {
		min, max float64
		labels   []string
	}{
		{800, 25000, []string{"1k", "2k", "5k", "10k", "20k"}},
		{5, 2e6, []string{"10", "100", "1k", "10k", "100k", "1M"}},
		{1, 10, []string{"1", "2", "5", "10"}},
		{0, 10, nil},
		{10, 5, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range (logTicker{}).Ticks(tt.min, tt.max) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if strings.Join(got, ",") != strings.Join(tt.labels, ",") {
			t.Errorf("Ticks(%v, %v) labels = %v, want %v", tt.min, tt.max, got, tt.labels)
		}
	}
}

func TestRecallTicks(t *testing.T) {
	tests := []struct {
		lo     float64
		labels string
	}{
		{0, "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1"},
		{0.75, "0.75,0.8,0.85,0.9,0.95,1"},
		{0.9, "0.9,0.91,0.92,0.93,0.94,0.95,0.96,0.97,0.98,0.99,1"},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range recallTicks(tt.lo) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if strings.Join(got, ",") != tt.labels {
			t.Errorf("recallTicks(%v) labels = %v, want %s", tt.lo, got, tt.labels)
		}
	}
}

// TestDashesSeparateRepeatedColours: past the palette's eight colours an
// algorithm reuses a colour, so its lines must be dashed.
func TestDashesSeparateRepeatedColours(t *testing.T) {
	for i := 0; i < len(okabeIto); i++ {
		if dashOf(i) != nil {
			t.Errorf("algorithm %d: dashed although its colour is unique", i)
		}
	}
	for i := len(okabeIto); i < 2*len(okabeIto); i++ {
		if colorOf(i) != colorOf(i-len(okabeIto)) {
			t.Fatalf("palette does not cycle at %d", i)
		}
		if len(dashOf(i)) == 0 {
			t.Errorf("algorithm %d shares colour with %d but is drawn solid", i, i-len(okabeIto))
		}
	}
}
