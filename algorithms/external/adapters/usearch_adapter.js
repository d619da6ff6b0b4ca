// annbench adapter for usearch (https://github.com/unum-cloud/usearch),
// through its npm package. Speaks annbench's external-adapter protocol,
// version 1 (PROTOCOL.md in annbench's algorithms/external directory).
// Usage (by annbench): node usearch_adapter.js usearch
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const PROTOCOL = 1;
const OUT = 1; // the protocol fd; console.log is sent to stderr below
console.log = console.error;

class AdapterError extends Error {}

function loadUsearch() {
  for (const paths of [undefined, [process.cwd()]]) {
    let where;
    try { where = require.resolve('usearch', paths ? { paths } : undefined); } catch (e) { if (e.code !== 'MODULE_NOT_FOUND') throw e; continue; }
    state.usearchPath = where;
    return require(where);
  }
  throw new AdapterError('Node package usearch not found: npm install usearch (in the working directory, ' +
    'or set NODE_PATH to the node_modules directory that holds it)');
}

const PARAMS = [
  { name: 'connectivity', kind: 'int', stage: 'index', default: 16, min: 2, max: 1024, doc: 'neighbours per node (HNSW M)' },
  { name: 'expansion_add', kind: 'int', stage: 'index', default: 128, min: 1, max: 1 << 20, doc: 'candidate list size when inserting (ef_construction)' },
  { name: 'expansion_search', kind: 'int', stage: 'query', default: 64, min: 1, max: 1 << 20, doc: 'candidate list size at query time (ef)' },
];

function readFbin(p) {
  const buf = fs.readFileSync(p);
  if (buf.length < 8) throw new AdapterError(p + ': shorter than an fbin header');
  const n = buf.readInt32LE(0), d = buf.readInt32LE(4);
  if (n < 0 || d <= 0 || buf.length !== 8 + 4 * n * d) throw new AdapterError(`${p}: header says ${n}×${d}, file has ${buf.length} bytes`);
  const data = new Float32Array(n * d);
  new Uint8Array(data.buffer).set(buf.subarray(8));
  return { n, d, data };
}

const state = { usearch: null, index: null, cfg: null, saved: null, ef: null, queries: null, qpath: null, n: 0 };

function makeIndex(ef) {
  const c = state.cfg;
  return new state.usearch.Index({ dimensions: c.d, metric: c.metric, connectivity: c.connectivity,
    expansion_add: c.expansion_add, expansion_search: ef });
}

const ops = {
  hello(req) {
    if (req.protocol !== PROTOCOL) throw new AdapterError(`protocol ${req.protocol} not supported (this adapter speaks ${PROTOCOL})`);
    state.usearch = loadUsearch();
    let version = '';
    try {
      let dir = path.dirname(state.usearchPath);
      for (let i = 0; i < 6 && !version; i++, dir = path.dirname(dir)) {
        const pj = path.join(dir, 'package.json');
        if (fs.existsSync(pj)) { const j = JSON.parse(fs.readFileSync(pj, 'utf8')); if (j.name === 'usearch') version = j.version; }
      }
    } catch (e) { }
    return { protocol: PROTOCOL, name: 'usearch', version: '1', library: ('usearch ' + version).trim(),
      capabilities: { modes: ['single', 'batch'], metrics: ['l2', 'ip', 'angular'], filter: true }, params: PARAMS };
  },
  build(req) {
    if (!state.usearch) throw new AdapterError('hello must come first');
    const base = readFbin(req.base), p = req.params || {};
    if (base.d !== req.dim) throw new AdapterError(`base has dimension ${base.d}, build asked for ${req.dim}`);
    state.cfg = { d: base.d, metric: { l2: 'l2sq', ip: 'ip', angular: 'cos' }[req.metric],
      connectivity: p.connectivity, expansion_add: p.expansion_add };
    const t0 = process.hrtime.bigint();
    const idx = makeIndex(64);
    const keys = new BigUint64Array(base.n);
    for (let i = 0; i < base.n; i++) keys[i] = BigInt(i);
    idx.add(keys, base.data, Math.max(1, req.threads | 0));
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    // expansion_search is fixed when an Index is made: keep the graph in a
    // file and reload it under each query setting.
    state.saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'annbench-usearch-')), 'index.usearch');
    idx.save(state.saved);
    state.index = idx; state.ef = 64; state.n = base.n;
    return { build_seconds: secs };
  },
  set_query(req) {
    if (!state.index) throw new AdapterError('build must come first');
    const ef = (req.params || {}).expansion_search;
    if (ef !== undefined && ef !== state.ef) {
      const idx = makeIndex(ef);
      idx.load(state.saved);
      state.index = idx; state.ef = ef;
    }
    return {};
  },
  search(req) {
    if (!state.index) throw new AdapterError('build must come first');
    if (state.qpath !== req.queries) { state.queries = readFbin(req.queries); state.qpath = req.queries; }
    const q = state.queries, k = req.k, mode = req.mode, threads = Math.max(1, req.threads | 0);
    const warmup = req.warmup | 0, passes = req.passes | 0;
    let repeats = Math.max(1, req.repeats | 0);
    if (k <= 0 || passes <= 0) throw new AdapterError('k and passes must be positive');
    if (mode !== 'single' && mode !== 'batch') throw new AdapterError(`mode ${mode} not supported (supported: single, batch)`);
    const idx = state.index, nq = q.n, d = q.d;
    const rows = []; for (let i = 0; i < nq; i++) rows.push(q.data.subarray(i * d, (i + 1) * d));
    const results = new Array(nq);
    let batchRes = null;
    // Filtered: post-filter inside the timed loop, fetching 2·k/selectivity.
    const allow = req.allow ? readAllow(req.allow, nq) : null;
    const n = Math.max(state.n, 1);
    const fetch = allow ? allow.map(a => { const c = allowedCount(a); return c > 0 ? Math.min(n, Math.ceil(2 * k * n / c)) : Math.min(n, k); }) : null;
    const kmax = fetch ? Math.max(...fetch) : k;
    const clock = process.hrtime.bigint;
    const run = (reps, lat, j) => {
      const t0 = clock();
      if (mode === 'single') {
        let prev = t0;
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < nq; i++) {
            if (allow) {
              const r = idx.search(rows[i], fetch[i], 1);
              results[i] = keepAllowed(r.keys, r.keys.length, allow[i], k);
            } else results[i] = idx.search(rows[i], k, 1).keys;
            const now = clock();
            if (lat) lat[j++] = Number(now - prev);
            prev = now;
          }
        }
        return Number(prev - t0);
      }
      for (let r = 0; r < reps; r++) {
        batchRes = idx.search(q.data, kmax, threads);
        if (allow) {
          for (let i = 0; i < nq; i++) {
            results[i] = keepAllowed(batchRes.keys.subarray(i * kmax, (i + 1) * kmax), Number(batchRes.counts[i]), allow[i], k);
          }
        }
      }
      return Number(clock() - t0);
    };
    // Warm-up, then calibration as testing.B grows b.N (see annbench_adapter.py).
    const start = clock();
    let last = 0;
    for (let w = 0; w < Math.max(warmup, 1); w++) last = run(repeats, null, 0);
    const target = (req.min_pass_seconds || 0) * 1e9, MAX = 1 << 20;
    while (last < target && repeats < MAX) {
      const per = Math.max(last / repeats, 1);
      repeats = Math.min(Math.max(Math.floor(1.2 * target / per) + 1, repeats + 1), 100 * repeats, MAX);
      last = run(repeats, null, 0);
    }
    const warm = Number(clock() - start);
    const lat = mode === 'single' ? new Float64Array(passes * repeats * nq) : null;
    const passNs = [], cpuUs = [];
    for (let p = 0; p < passes; p++) {
      const c0 = process.cpuUsage();
      passNs.push(run(repeats, lat, p * repeats * nq));
      const c = process.cpuUsage(c0);
      cpuUs.push(c.user + c.system);
    }
    const out = Buffer.alloc(8 + 4 * nq * k);
    out.writeInt32LE(nq, 0); out.writeInt32LE(k, 4);
    for (let i = 0; i < nq; i++) {
      let keys, count;
      if (mode === 'single' || allow) { keys = results[i]; count = keys.length; } else {
        keys = batchRes.keys.subarray(i * k, (i + 1) * k); count = Number(batchRes.counts[i]);
      }
      for (let j = 0; j < k; j++) {
        let v = -1;
        if (j < count) { const key = BigInt(keys[j]); v = key <= 2147483647n ? Number(key) : -2; }
        out.writeInt32LE(v, 8 + 4 * (i * k + j));
      }
    }
    fs.writeFileSync(req.ids_out, out);
    let nlat = 0;
    if (lat && req.latencies_out) { fs.writeFileSync(req.latencies_out, Buffer.from(lat.buffer)); nlat = lat.length; }
    const resp = { pass_seconds: passNs.map(x => x / 1e9), pass_cpu_seconds: cpuUs.map(x => x / 1e6), warmup_seconds: warm / 1e9, repeats, latencies: nlat };
    if (allow) resp.filter = 'post';
    return resp;
  },
};

// readAllow reads an allow file (PROTOCOL.md): per query {lo, hi} or {ids}.
function readAllow(p, nq) {
  const buf = fs.readFileSync(p);
  if (buf.length % 4) throw new AdapterError(`${p}: size ${buf.length} is not a multiple of 4`);
  const v = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const out = []; let pos = 0;
  for (let i = 0; i < nq; i++) {
    if (pos + 2 > v.length) throw new AdapterError(`${p}: ends before query ${i} of ${nq}`);
    const tag = v[pos], a = v[pos + 1];
    if (tag === 0) {
      if (pos + 3 > v.length) throw new AdapterError(`${p}: query ${i}: truncated range`);
      out.push({ lo: a, hi: v[pos + 2] }); pos += 3;
    } else if (tag === 1) {
      if (a < 0 || pos + 2 + a > v.length) throw new AdapterError(`${p}: query ${i}: ${a} ids do not fit the file`);
      out.push({ ids: v.subarray(pos + 2, pos + 2 + a) }); pos += 2 + a;
    } else throw new AdapterError(`${p}: query ${i}: unknown tag ${tag} (want 0 = range, 1 = id list)`);
  }
  if (pos !== v.length) throw new AdapterError(`${p}: ${v.length - pos} int32 values after the last query`);
  return out;
}

function allowedCount(a) { return a.ids ? a.ids.length : Math.max(0, a.hi - a.lo); }

// keepAllowed returns the first k of count keys that a allows.
function keepAllowed(keys, count, a, k) {
  const out = [];
  for (let j = 0; j < count && out.length < k; j++) {
    const id = Number(keys[j]);
    let ok;
    if (a.ids) {
      let lo = 0, hi = a.ids.length;
      while (lo < hi) { const m = (lo + hi) >> 1; if (a.ids[m] < id) lo = m + 1; else hi = m; }
      ok = lo < a.ids.length && a.ids[lo] === id;
    } else ok = id >= a.lo && id < a.hi;
    if (ok) out.push(id);
  }
  return out;
}

function answer(obj) { fs.writeSync(OUT, JSON.stringify(obj) + '\n'); }

function cleanup() {
  if (state.saved) { try { fs.rmSync(path.dirname(state.saved), { recursive: true, force: true }); } catch (e) { } }
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (line) => {
  line = line.trim();
  if (!line) return;
  let req;
  try {
    req = JSON.parse(line);
    if (req.op === 'close') { answer({ ok: true }); cleanup(); process.exit(0); }
    const fn = ops[req.op];
    if (!fn) throw new AdapterError(`unknown op ${JSON.stringify(req.op)}`);
    const resp = fn(req); resp.ok = true; answer(resp);
  } catch (e) {
    if (!(e instanceof AdapterError)) console.error(e && e.stack || String(e));
    answer({ ok: false, error: e instanceof AdapterError ? e.message : `${e && e.name}: ${e && e.message}` });
  }
});
rl.on('close', () => { cleanup(); process.exit(0); });
