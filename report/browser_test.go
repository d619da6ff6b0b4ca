package report

import (
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// selfTest is injected into a copy of report.html by TestReportInBrowser.
// It records script errors from the start, and once the page has loaded
// checks the first chart: that its canvas has painted pixels, that a
// synthetic mouse move over a point shows that point's tooltip, that
// clicking an algorithm hides its points, that the x axis switches to
// recall@1, and that clicking a table heading sorts the table. It writes
// its findings as JSON into <pre id="selftest">, which chromium
// --dump-dom prints.
const selfTest = `<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
window.addEventListener("load", function () {
  var out = { charts: 0, painted: 0, tooltip: "", want: [], hidden: false, axisR1: false, axisKNN: false, knnTooltip: "", sorted: false, errors: window.__errors };
  function done() {
    var pre = document.createElement("pre");
    pre.id = "selftest";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  try {
    var cs = window.annbenchCharts || [];
    out.charts = cs.length;
    var c = cs[0], u = c.u;
    var cv = u.ctx.canvas, px = u.ctx.getImageData(0, 0, cv.width, cv.height).data;
    for (var i = 3; i < px.length; i += 4) if (px[i] > 0) out.painted++;
    var p = c.pts.filter(function (q) { return q.s.alg == "hnsw"; })[1];
    out.want = [p.s.alg, p.p.q, "recall@10 " + p.p.recall.toFixed(4)];
    var r = u.over.getBoundingClientRect();
    var ev = { clientX: r.left + u.valToPos(p.x, "x"), clientY: r.top + u.valToPos(p.y, "y"), bubbles: true };
    u.over.dispatchEvent(new MouseEvent("mouseenter", ev));
    u.over.dispatchEvent(new MouseEvent("mousemove", ev));
    var tip = c.plotEl.querySelector(".tip");
    if (tip && tip.style.display != "none") out.tooltip = tip.textContent;

    var btn = Array.prototype.filter.call(c.root.querySelectorAll("button.alg"), function (b) { return b.textContent == "hnsw"; })[0];
    btn.click();
    out.hidden = btn.getAttribute("aria-pressed") == "false" && c.pts.length > 0 &&
      c.pts.every(function (q) { return q.s.alg != "hnsw"; });
    btn.click();

    var sel = c.root.querySelector('select[data-ctl="x"]');
    sel.value = "r1";
    sel.dispatchEvent(new Event("change"));
    out.axisR1 = c.pts.length > 0 && c.pts.every(function (q) { return q.x == q.p.r1; });
    // The first dataset has kNN accuracy (the test adds it), the second none.
    var knn = c.root.querySelector('select[data-ctl="x"] option[value="knn"]');
    var none = cs[1].root.querySelector('select[data-ctl="x"] option[value="knn"]');
    if (knn && !none) {
      sel.value = "knn";
      sel.dispatchEvent(new Event("change"));
      out.axisKNN = c.pts.length > 0 && c.pts.every(function (q) { return q.x == q.p.knn; });
    }

    var table = document.querySelectorAll("table.sortable")[0];
    var th = table.querySelectorAll("thead th")[1];
    th.click();
    th.click(); // descending
    var vals = Array.prototype.map.call(table.tBodies[0].rows, function (row) { return row.cells[1].textContent; });
    out.sorted = th.getAttribute("aria-sort") == "descending" && vals.length > 1 && vals[0] == "20,206";
  } catch (e) {
    out.errors.push("self-test: " + e);
  }
  // The chart redrawn for the kNN axis lays itself out after this task:
  // hover one of its points in the next.
  setTimeout(function () {
    try {
      var c = window.annbenchCharts[0], u = c.u, q = c.pts[0];
      var r = u.over.getBoundingClientRect();
      var ev = { clientX: r.left + u.valToPos(q.x, "x"), clientY: r.top + u.valToPos(q.y, "y"), bubbles: true };
      u.over.dispatchEvent(new MouseEvent("mouseenter", ev));
      u.over.dispatchEvent(new MouseEvent("mousemove", ev));
      var tip = c.plotEl.querySelector(".tip");
      out.knnTooltip = tip && tip.style.display != "none" ? tip.textContent : "";
    } catch (e) {
      out.errors.push("self-test (kNN axis): " + e);
    }
    done();
  }, 100);
});
</script>`

// chromium returns the path of a Chromium binary, or "".
func chromium() string {
	if p := os.Getenv("ANNBENCH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// headless runs Chromium headless on url with extra flags and returns its
// standard output.
func headless(t *testing.T, bin string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1250,1000", "--virtual-time-budget=5000"}, extra...)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, stderr.String())
	}
	return out
}

// TestReportInBrowser opens report.html in headless Chromium and checks
// that the chart rendered and reacts: a tooltip on hover, hiding an
// algorithm, switching the x axis, sorting a table.
func TestReportInBrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		if os.Getenv("ANNBENCH_BROWSER_TEST") == "required" {
			t.Fatal("no chromium in PATH and ANNBENCH_BROWSER_TEST=required")
		}
		t.Skip("no chromium in PATH (apt-get install chromium, or set ANNBENCH_CHROMIUM); report.html not tested in a browser")
	}
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir := t.TempDir()
	results := fixture(t, "base")
	// Labels for the first dataset: every point gets a kNN accuracy
	// (recall/2 + 0.5) and the exact one, so the x axis can switch to it.
	for i := range results {
		if results[i].Dataset != "synthetic-2k-16" {
			continue
		}
		for j := range results[i].Points {
			p := &results[i].Points[j]
			acc, exact := p.Recall/2+0.5, 0.991
			p.KNNAccuracy, p.ExactKNNAccuracy = &acc, &exact
		}
	}
	if err := Render(dir, results, Options{Warn: &strings.Builder{}}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	test := strings.Replace(string(page), "<head>", "<head>\n"+selfTest, 1)
	path := filepath.Join(dir, "selftest.html")
	if err := os.WriteFile(path, []byte(test), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := headless(t, bin, "--dump-dom", "file://"+path)
	m := regexp.MustCompile(`(?s)<pre id="selftest">(.*?)</pre>`).FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the self-test did not report; page as dumped:\n%.3000s", dom)
	}
	var got struct {
		Charts, Painted int
		Tooltip         string
		Want            []string
		Hidden, AxisR1  bool
		AxisKNN         bool
		KNNTooltip      string
		Sorted          bool
		Errors          []string
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &got); err != nil {
		t.Fatalf("self-test output %q: %v", m[1], err)
	}
	if len(got.Errors) > 0 {
		t.Errorf("script errors: %q", got.Errors)
	}
	if got.Charts != 2 {
		t.Errorf("%d charts drawn, want 2", got.Charts)
	}
	if got.Painted < 1000 {
		t.Errorf("chart canvas has %d painted pixels; it did not render", got.Painted)
	}
	if got.Tooltip == "" {
		t.Errorf("no tooltip after hovering a point")
	}
	for _, w := range got.Want {
		if !strings.Contains(got.Tooltip, w) {
			t.Errorf("tooltip %q lacks %q", got.Tooltip, w)
		}
	}
	for _, w := range []string{"M=16, ef_construction=200", "QPS ", "latency p50", "build 900.0 ms", "size 527.3 KiB"} {
		if !strings.Contains(got.Tooltip, w) {
			t.Errorf("tooltip %q lacks %q", got.Tooltip, w)
		}
	}
	if !got.Hidden {
		t.Errorf("clicking the hnsw button did not hide its points")
	}
	if !got.AxisR1 {
		t.Errorf("switching the x axis to recall@1 did not move the points")
	}
	if !got.AxisKNN {
		t.Errorf("the x axis does not switch to kNN accuracy where the data has it (or offers it where it has none)")
	}
	if !strings.Contains(got.KNNTooltip, "kNN accuracy 0.") || !strings.Contains(got.KNNTooltip, "(exact 0.9910)") {
		t.Errorf("tooltip on the kNN axis %q lacks the kNN accuracy and the exact one", got.KNNTooltip)
	}
	if !got.Sorted {
		t.Errorf("clicking a heading twice did not sort the table by it, descending")
	}
}
