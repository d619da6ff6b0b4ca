// annbench report.html: interactive charts drawn with uPlot from the JSON
// data embedded in the page, and sortable tables. No network access.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("annbench-data").textContent);

  // Axis choices. Each returns the value of a point p of series s, or null
  // when the point has none.
  var X = {
    recall: { label: function (ds) { return "recall@" + ds.k; }, get: function (p) { return p.recall; } },
    r1: { label: function () { return "recall@1"; }, get: function (p) { return p.r1; } },
    knn: { label: function () { return "kNN accuracy"; }, get: function (p) { return p.knn == null ? null : p.knn; } }
  };
  var Y = {
    qps: { label: "queries per second", better: 1, get: function (p) { return p.qps; } },
    build: { label: "build time, s", better: -1, get: function (p, s) { return s.build_s; } },
    size: { label: "index size, MiB", better: -1, get: function (p, s) { return s.bytes > 0 ? s.bytes / 1048576 : null; } }
  };

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function num(v, digits) {
    if (v == null || !isFinite(v)) return "n/a";
    if (Math.abs(v) >= 100) return Math.round(v).toLocaleString("en-US");
    return v.toFixed(digits == null ? (Math.abs(v) >= 10 ? 1 : 2) : digits);
  }
  function seconds(s) {
    if (!(s > 0)) return "n/a";
    if (s >= 100) return s.toFixed(0) + " s";
    if (s >= 1) return s.toFixed(2) + " s";
    if (s >= 0.001) return (s * 1e3).toFixed(1) + " ms";
    return (s * 1e6).toFixed(0) + " µs";
  }
  function bytes(n) {
    if (!(n > 0)) return "n/a";
    var units = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i == 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
  }
  function micros(us) {
    if (!(us > 0)) return null;
    return us >= 1000 ? (us / 1000).toFixed(2) + " ms" : us.toFixed(0) + " µs";
  }

  // tooltipHTML describes one point.
  function tooltipHTML(ds, s, p) {
    var rows = [];
    rows.push("<b>" + esc(s.alg) + "</b> " + esc(s.index));
    rows.push("query: " + esc(p.q));
    var r = "recall@" + esc(ds.k) + " " + p.recall.toFixed(4) + " · recall@1 " + p.r1.toFixed(4);
    if (p.knn != null) {
      r += " · kNN accuracy " + p.knn.toFixed(4);
      if (p.exact_knn != null) r += " (exact " + p.exact_knn.toFixed(4) + ")";
    }
    rows.push(r);
    var q = "QPS " + num(p.qps);
    if (p.hi > p.lo) {
      q += " (" + num(p.lo) + " – " + num(p.hi);
      q += p.conf > 0 ? ", " + (100 * p.conf).toFixed(0) + "% interval of the median" : ", range of the passes";
      q += ")";
    }
    if (p.passes) q += ", " + p.passes + " passes";
    rows.push(q);
    var lat = [];
    [["p50", p.p50], ["p95", p.p95], ["p99", p.p99]].forEach(function (l) {
      var m = micros(l[1]);
      if (m) lat.push(l[0] + " " + m);
    });
    if (lat.length) rows.push("latency " + lat.join(" · "));
    rows.push("build " + seconds(s.build_s) + (s.cached ? " (cached)" : "") + " · size " + bytes(s.bytes));
    if (p.invalid) rows.push("<span class=\"warn\">" + p.invalid + " invalid ids</span>");
    return rows.join("<br>");
  }

  // defaultXMin mirrors the static plots: recalls crowd near 1, so the
  // axis starts a little below the lowest value, rounded down to 0.05.
  function defaultXMin(values) {
    var lo = Math.min.apply(null, values);
    if (!(lo < 1)) return 0;
    return Math.max(0, Math.floor((lo - 0.01) * 20) / 20);
  }

  // frontier returns the points of pts (each {x, y}) no other point beats
  // in both coordinates; better is 1 when a larger y is better.
  function frontier(pts, better) {
    var sorted = pts.slice().sort(function (a, b) { return b.x - a.x || better * (b.y - a.y); });
    var out = [], best = null;
    sorted.forEach(function (p) {
      if (best == null || better * (p.y - best) > 0) { out.push(p); best = p.y; }
    });
    return out;
  }

  function Chart(root, ds) {
    this.root = root;
    this.ds = ds;
    this.plotEl = root.querySelector(".plot");
    this.state = { x: "recall", y: "qps", log: true, xmin: null, xmax: null, hidden: {} };
    this.u = null;
    var self = this;
    var hasKNN = ds.series.some(function (s) {
      return s.lines.some(function (l) { return l.some(function (p) { return p.knn != null; }); });
    });
    if (!hasKNN) {
      var o = root.querySelector('select[data-ctl="x"] option[value="knn"]');
      if (o) o.remove();
    }
    root.querySelectorAll("[data-ctl]").forEach(function (el) {
      var ctl = el.getAttribute("data-ctl");
      var ev = el.tagName == "BUTTON" ? "click" : "change";
      el.addEventListener(ev, function () {
        if (ctl == "x" || ctl == "y") { self.state[ctl] = el.value; self.state.xmin = self.state.xmax = null; }
        if (ctl == "log") self.state.log = el.checked;
        if (ctl == "xmin") { var v = parseFloat(el.value); self.state.xmin = isFinite(v) ? v : null; self.state.xmax = null; }
        if (ctl == "reset") self.state.xmin = self.state.xmax = null;
        self.draw();
      });
    });
    var algBox = root.querySelector(".algs");
    var seen = {};
    ds.series.forEach(function (s) {
      if (seen[s.alg]) return;
      seen[s.alg] = true;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "alg";
      b.setAttribute("aria-pressed", "true");
      b.title = "show or hide " + s.alg;
      b.innerHTML = '<span class="sw" style="background:' + esc(s.color) + '"></span>' + esc(s.alg);
      b.addEventListener("click", function () {
        self.state.hidden[s.alg] = !self.state.hidden[s.alg];
        b.setAttribute("aria-pressed", self.state.hidden[s.alg] ? "false" : "true");
        self.draw();
      });
      algBox.appendChild(b);
    });
    window.addEventListener("resize", function () {
      if (self.u) self.u.setSize({ width: self.width(), height: 480 });
    });
    this.draw();
  }

  Chart.prototype.width = function () { return Math.max(320, this.plotEl.clientWidth || 900); };

  // build lays the points out for uPlot's aligned data: one x slot per
  // point, sorted by x; every line and frontier is a series with values
  // only at its own slots, drawn with spanGaps.
  Chart.prototype.build = function () {
    var ds = this.ds, st = this.state, xa = X[st.x], ya = Y[st.y];
    var pts = [];
    var lines = [];
    ds.series.forEach(function (s) {
      if (st.hidden[s.alg]) return;
      s.lines.forEach(function (line) {
        var li = lines.length;
        lines.push({ s: s });
        line.forEach(function (p) {
          var x = xa.get(p, s), y = ya.get(p, s);
          if (x == null || y == null || !isFinite(x) || !isFinite(y)) return;
          if (st.log && !(y > 0)) return;
          pts.push({ x: x, y: y, line: li, s: s, p: p });
        });
      });
    });
    pts.sort(function (a, b) { return a.x - b.x; });
    pts.forEach(function (p, i) { p.slot = i; });
    var xs = pts.map(function (p) { return p.x; });
    var cols = [xs];
    var series = [{}];
    var owner = [];
    lines.forEach(function (l, li) {
      var col = new Array(pts.length).fill(null);
      pts.forEach(function (p) { if (p.line == li) col[p.slot] = p.y; });
      cols.push(col);
      series.push({
        label: l.s.label, stroke: l.s.color + "99", width: 1, spanGaps: true,
        dash: l.s.dash ? [6, 2, 1, 2] : undefined,
        points: { show: true, size: 6, stroke: l.s.color, fill: l.s.color + "66" }
      });
      owner.push(l.s);
    });
    // One bold Pareto frontier per algorithm (for the QPS axis: fastest at
    // each accuracy; for build time and size: cheapest).
    var algs = [];
    pts.forEach(function (p) { if (algs.indexOf(p.s.alg) < 0) algs.push(p.s.alg); });
    algs.forEach(function (alg) {
      var mine = pts.filter(function (p) { return p.s.alg == alg; });
      var f = frontier(mine, ya.better);
      if (f.length < 2) return;
      var col = new Array(pts.length).fill(null);
      f.forEach(function (p) { col[p.slot] = p.y; });
      cols.push(col);
      series.push({
        label: alg + " Pareto frontier", stroke: mine[0].s.color, width: 2.5, spanGaps: true,
        dash: mine[0].s.dash ? [6, 2, 1, 2] : undefined, points: { show: false }
      });
    });
    return { pts: pts, cols: cols, series: series };
  };

  Chart.prototype.draw = function () {
    var self = this, ds = this.ds, st = this.state;
    var b = this.build();
    this.pts = b.pts;
    if (this.u) { this.u.destroy(); this.u = null; }
    this.plotEl.textContent = "";
    if (!b.pts.length) {
      this.plotEl.textContent = "No points to show with these settings.";
      return;
    }
    var xs = b.cols[0];
    var lo = st.xmin != null ? st.xmin : (st.x == "recall" || st.x == "r1" || st.x == "knn" ? defaultXMin(xs) : xs[0]);
    var hi = st.xmax != null ? st.xmax : Math.max(xs[xs.length - 1], lo + 1e-3);
    if (hi >= 0.999 && hi <= 1) hi = 1.002;
    var tip = document.createElement("div");
    tip.className = "tip";
    tip.style.display = "none";
    var dot = document.createElement("div");
    dot.className = "dot";
    dot.style.display = "none";
    this.tip = tip;
    var opts = {
      width: this.width(),
      height: 480,
      legend: { show: false },
      cursor: { x: false, y: false, points: { show: false }, drag: { x: true, y: false, setScale: true } },
      scales: {
        x: { time: false, range: function (u, dmin, dmax) { return self.ready ? [dmin, dmax] : [lo, hi]; } },
        y: st.log ? { distr: 3, log: 10 } : { distr: 1 }
      },
      axes: [
        { label: X[st.x].label(ds), values: function (u, v) { return v.map(function (x) { return +x.toFixed(4); }); } },
        { label: Y[st.y].label + (st.log ? " (log scale)" : ""), size: 70,
          values: function (u, v) { return v.map(function (y) { return y == null ? "" : num(y); }); } }
      ],
      series: b.series,
      hooks: {
        ready: [function () { self.ready = true; }],
        setScale: [function (u, key) {
          if (key == "x" && self.ready) { st.xmin = u.scales.x.min; st.xmax = u.scales.x.max; }
        }],
        setCursor: [function (u) { self.hover(u, tip, dot); }]
      }
    };
    this.ready = false;
    this.u = new uPlot(opts, b.cols, this.plotEl);
    this.u.over.appendChild(dot);
    this.u.over.appendChild(tip);
    this.u.over.addEventListener("dblclick", function () { st.xmin = st.xmax = null; self.draw(); });
    this.u.over.addEventListener("mouseleave", function () { tip.style.display = "none"; dot.style.display = "none"; });
  };

  // hover shows the tooltip of the point nearest the cursor, within 24 px.
  Chart.prototype.hover = function (u, tip, dot) {
    var cx = u.cursor.left, cy = u.cursor.top;
    var best = null, bestD = 24 * 24;
    if (cx != null && cx >= 0) {
      this.pts.forEach(function (p) {
        var px = u.valToPos(p.x, "x"), py = u.valToPos(p.y, "y");
        var d = (px - cx) * (px - cx) + (py - cy) * (py - cy);
        if (d < bestD) { bestD = d; best = { p: p, px: px, py: py }; }
      });
    }
    if (!best) { tip.style.display = "none"; dot.style.display = "none"; return; }
    tip.innerHTML = tooltipHTML(this.ds, best.p.s, best.p.p);
    tip.style.display = "block";
    var w = u.over.clientWidth, tw = tip.offsetWidth, th = tip.offsetHeight;
    var left = best.px + 12, top = best.py + 12;
    if (left + tw > w) left = Math.max(0, best.px - tw - 12);
    if (top + th > u.over.clientHeight) top = Math.max(0, best.py - th - 12);
    tip.style.left = left + "px";
    tip.style.top = top + "px";
    dot.style.display = "block";
    dot.style.left = best.px - 5 + "px";
    dot.style.top = best.py - 5 + "px";
    dot.style.borderColor = best.p.s.color;
  };

  var charts = [];
  document.querySelectorAll(".chart[data-ds]").forEach(function (el) {
    var ds = data.datasets[+el.getAttribute("data-ds")];
    if (ds) charts.push(new Chart(el, ds));
  });
  // For the browser test and for anyone poking at the page from the console.
  window.annbenchCharts = charts;

  // Sortable tables: click a heading to sort by it, again to reverse.
  // Cells with data-v sort by that number.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.tabIndex = 0;
      var sort = function () {
        var asc = th.getAttribute("aria-sort") != "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (r) {
          var c = r.cells[col];
          if (!c) return "";
          var v = c.getAttribute("data-v");
          return v != null && v !== "" ? parseFloat(v) : c.textContent.trim();
        };
        rows.sort(function (a, b) {
          var ka = key(a), kb = key(b), c;
          if (typeof ka == "number" && typeof kb == "number") c = ka - kb;
          else if (typeof ka == "number") c = -1;
          else if (typeof kb == "number") c = 1;
          else c = ka.localeCompare(kb, "en", { numeric: true });
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key == "Enter" || e.key == " ") { e.preventDefault(); sort(); } });
    });
  });
})();
