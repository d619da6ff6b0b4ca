"""The Python side of annbench's external-adapter protocol, version 1.

An adapter is a subclass of Adapter; serve() speaks the protocol for it on
stdin/stdout (one JSON object per line) and runs the timed passes, so a
library's adapter only says how to build, tune and search. PROTOCOL.md in
annbench's algorithms/external directory is the specification.

Shipped with annbench and written to its cache directory on first use; it
needs numpy and the library itself, nothing else.
"""
import json
import math
import os
import struct
import sys
import time

PROTOCOL = 1
MAX_REPEATS = 1 << 20
OVERFETCH = 2  # post-filtering fetches OVERFETCH·k/selectivity ids (as algorithms.PostFilter)


class AdapterError(Exception):
    """A failure reported to the harness as {"ok": false, "error": ...}."""


def missing_module(module, pip, apt):
    return AdapterError("Python module %s not found: pip install %s or apt-get install %s" % (module, pip, apt))


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def param(name, kind, stage, default, lo=None, hi=None, doc=""):
    """One parameter declaration as hello lists it."""
    p = {"name": name, "kind": kind, "stage": stage, "default": default, "doc": doc}
    if lo is not None:
        p["min"], p["max"] = lo, hi
    return p


class Adapter:
    """What a library adapter implements. Methods run outside the timed
    loops except search_one and search_batch."""

    name = ""
    version = "1"
    modes = ("single", "batch")
    metrics = ("l2", "ip", "angular")
    params = ()
    filters = True  # accepts allow files: post-filtering unless native_filter says otherwise
    n = 0  # base rows, set before build

    def library(self):
        return ""

    def build(self, base, metric, params, threads, train):
        raise NotImplementedError

    def set_query(self, params):
        pass

    def prepare(self, queries):
        """Returns what search_one receives per query (default: 1×d views)."""
        return [queries[i:i + 1] for i in range(len(queries))]

    def search_one(self, q, k):
        """Returns the ids of one query, nearest first (any int sequence)."""
        raise NotImplementedError

    def search_batch(self, queries, k, threads):
        """Returns an nq×k array of ids, -1 padding short rows."""
        raise NotImplementedError

    def native_filter(self, allow):
        """Returns one object per query for search_one_filtered and
        search_batch_filtered, made from allow (per query a (lo, hi) id
        range or an ascending int64 id array; identical arrays are one
        object), or None to be post-filtered. Runs before the timed loop,
        after set_query."""
        return None

    def search_one_filtered(self, q, k, f):
        raise NotImplementedError

    def search_batch_filtered(self, queries, k, threads, fs):
        raise NotImplementedError


def read_allow(np, path, nq):
    """Reads an allow file: per query a (lo, hi) range or an id array."""
    data = np.fromfile(path, dtype="<i4")
    out, seen, pos = [], {}, 0
    for i in range(nq):
        if pos + 2 > len(data):
            raise AdapterError("%s: ends before query %d of %d" % (path, i, nq))
        tag, a = int(data[pos]), int(data[pos + 1])
        if tag == 0:
            if pos + 3 > len(data):
                raise AdapterError("%s: query %d: truncated range" % (path, i))
            out.append((a, int(data[pos + 2])))
            pos += 3
        elif tag == 1:
            if a < 0 or pos + 2 + a > len(data):
                raise AdapterError("%s: query %d: %d ids do not fit the file" % (path, i, a))
            ids = data[pos + 2:pos + 2 + a].astype(np.int64)
            out.append(seen.setdefault(ids.tobytes(), ids))
            pos += 2 + a
        else:
            raise AdapterError("%s: query %d: unknown tag %d (want 0 = range, 1 = id list)" % (path, i, tag))
    if pos != len(data):
        raise AdapterError("%s: %d int32 values after the last query" % (path, len(data) - pos))
    return out


def allowed_count(a):
    return max(0, a[1] - a[0]) if isinstance(a, tuple) else len(a)


def keep_allowed(np, ids, a, k):
    """The first k ids of a result that a allows."""
    r = np.asarray(ids).ravel()
    if isinstance(a, tuple):
        return r[(r >= a[0]) & (r < a[1])][:k]
    if len(a) == 0:
        return r[:0]
    p = np.minimum(np.searchsorted(a, r), len(a) - 1)
    return r[a[p] == r][:k]


def read_fbin(np, path):
    with open(path, "rb") as f:
        header = f.read(8)
    if len(header) != 8:
        raise AdapterError("%s: shorter than an fbin header" % path)
    n, d = struct.unpack("<ii", header)
    if n < 0 or d <= 0 or os.path.getsize(path) != 8 + 4 * n * d:
        raise AdapterError("%s: header says %d×%d, file has %d bytes" % (path, n, d, os.path.getsize(path)))
    return np.fromfile(path, dtype="<f4", offset=8, count=n * d).reshape(n, d)


def write_ids(np, path, rows, k):
    """Writes results (a list of id sequences or an nq×k array) as .ibin."""
    out = np.full((len(rows), k), -1, dtype=np.int64)
    for i, r in enumerate(rows):
        r = np.asarray(r, dtype=np.int64).ravel()[:k]
        out[i, :len(r)] = r
    out[(out < -1) | (out > 2**31 - 1)] = -2  # not representable: out of range for the scorer
    with open(path, "wb") as f:
        f.write(struct.pack("<ii", len(rows), k))
        f.write(out.astype("<i4").tobytes())


def _passes(ad, req, queries, np, allow=None):
    k, mode = int(req["k"]), req["mode"]
    threads = max(1, int(req.get("threads", 1)))
    warmup, passes = int(req.get("warmup", 1)), int(req["passes"])
    repeats = max(1, int(req.get("repeats", 1)))
    min_pass = float(req.get("min_pass_seconds", 0) or 0)
    if k <= 0 or passes <= 0:
        raise AdapterError("k and passes must be positive")
    if mode not in ad.modes:
        raise AdapterError("mode %s not supported (supported: %s)" % (mode, ", ".join(ad.modes)))
    clock = time.perf_counter_ns
    nq = len(queries)
    results = [None] * nq
    native = ad.native_filter(allow) if allow is not None else None
    if allow is not None and native is None:
        n = max(ad.n, 1)
        fetch = [min(n, math.ceil(OVERFETCH * k * n / c)) if c > 0 else min(n, k) for c in map(allowed_count, allow)]
    if mode == "single":
        rows = ad.prepare(queries)
        if native is not None:
            onef = ad.search_one_filtered

            def one(q, kk, i):
                return onef(q, kk, native[i])
        elif allow is not None:
            def one(q, kk, i):
                return keep_allowed(np, ad.search_one(q, fetch[i]), allow[i], kk)
        else:
            def one(q, kk, i):
                return ad.search_one(q, kk)

        def run(reps, lat, j):
            t0 = clock()
            prev = t0
            for _ in range(reps):
                for i in range(nq):
                    results[i] = one(rows[i], k, i)
                    now = clock()
                    if lat is not None:
                        lat[j] = now - prev
                        j += 1
                    prev = now
            return prev - t0
    else:
        if native is not None:
            def batch(qs, kk, th):
                return ad.search_batch_filtered(qs, kk, th, native)
        elif allow is not None:
            kmax = max(fetch)

            def batch(qs, kk, th):
                res = ad.search_batch(qs, kmax, th)
                return [keep_allowed(np, res[i], allow[i], kk) for i in range(nq)]
        else:
            batch = ad.search_batch

        def run(reps, lat, j):
            t0 = clock()
            for _ in range(reps):
                res = batch(queries, k, threads)
            elapsed = clock() - t0
            results[:] = list(res)
            return elapsed

    # Warm-up, then calibration as testing.B grows b.N: predict the repeats
    # that make a pass last min_pass from the last run (20 % to spare, at
    # most 100-fold a step) until a run of that many lasts long enough.
    start = clock()
    last = 0
    for _ in range(max(warmup, 1)):
        last = run(repeats, None, 0)
    target = min_pass * 1e9
    while last < target and repeats < MAX_REPEATS:
        per = max(last / repeats, 1)
        repeats = min(max(int(1.2 * target / per) + 1, repeats + 1), 100 * repeats, MAX_REPEATS)
        last = run(repeats, None, 0)
    warm_ns = clock() - start
    lat = [0] * (passes * repeats * nq) if mode == "single" else None
    pass_ns, cpu_ns = [], []
    cpu = time.process_time_ns
    for p in range(passes):
        c0 = cpu()
        pass_ns.append(run(repeats, lat, p * repeats * nq))
        cpu_ns.append(cpu() - c0)
    how = None if allow is None else ("native" if native is not None else "post")
    return results, pass_ns, cpu_ns, warm_ns, repeats, lat, how


def serve(adapters):
    """Runs the protocol loop. adapters maps algorithm names to factories;
    the harness passes the name as the first command-line argument."""
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # libraries that print to stdout must not corrupt the protocol
    sys.stdout = sys.stderr
    algorithm = sys.argv[1] if len(sys.argv) > 1 else ""
    state = {"ad": None, "np": None, "queries": None, "qpath": None}

    def answer(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    def hello(req):
        if req.get("protocol") != PROTOCOL:
            raise AdapterError("protocol %r not supported (this adapter speaks %d)" % (req.get("protocol"), PROTOCOL))
        name = req.get("algorithm") or algorithm
        if name not in adapters and len(adapters) == 1:
            name = next(iter(adapters))  # a user's adapter, named in the config
        if name not in adapters:
            raise AdapterError("unknown algorithm %r (valid: %s)" % (name, ", ".join(sorted(adapters))))
        try:
            import numpy
        except ImportError:
            raise missing_module("numpy", "numpy", "python3-numpy")
        state["np"] = numpy
        ad = adapters[name]()
        state["ad"] = ad
        return {"protocol": PROTOCOL, "name": ad.name, "version": ad.version, "library": ad.library(),
                "capabilities": {"modes": list(ad.modes), "metrics": list(ad.metrics), "filter": bool(ad.filters)},
                "params": list(ad.params)}

    def need():
        if state["ad"] is None:
            raise AdapterError("hello must come first")
        return state["ad"], state["np"]

    def build(req):
        ad, np = need()
        base = read_fbin(np, req["base"])
        train = read_fbin(np, req["train"]) if req.get("train") else None
        if base.shape[1] != int(req["dim"]):
            raise AdapterError("base has dimension %d, build asked for %d" % (base.shape[1], req["dim"]))
        ad.n = base.shape[0]
        t0 = time.perf_counter()
        ad.build(base, req["metric"], req.get("params") or {}, max(1, int(req.get("threads", 1))), train)
        secs = time.perf_counter() - t0
        del base, train
        import gc
        gc.collect()
        return {"build_seconds": secs}

    def set_query(req):
        ad, _ = need()
        ad.set_query(req.get("params") or {})
        return {}

    def search(req):
        ad, np = need()
        if state["qpath"] != req["queries"]:
            state["queries"], state["qpath"] = read_fbin(np, req["queries"]), req["queries"]
        queries = state["queries"]
        allow = None
        if req.get("allow"):
            if not ad.filters:
                raise AdapterError("this adapter does not filter (capability filter is false)")
            allow = read_allow(np, req["allow"], len(queries))
        results, pass_ns, cpu_ns, warm_ns, repeats, lat, how = _passes(ad, req, queries, np, allow)
        write_ids(np, req["ids_out"], results, int(req["k"]))
        n = 0
        if lat is not None and req.get("latencies_out"):
            with open(req["latencies_out"], "wb") as f:
                f.write(struct.pack("<%dd" % len(lat), *lat))
            n = len(lat)
        resp = {"pass_seconds": [x / 1e9 for x in pass_ns], "pass_cpu_seconds": [x / 1e9 for x in cpu_ns],
                "warmup_seconds": warm_ns / 1e9,
                "repeats": repeats, "latencies": n}
        if how:
            resp["filter"] = how
        return resp

    ops = {"hello": hello, "build": build, "set_query": set_query, "search": search}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "close":
                answer({"ok": True})
                return 0
            if op not in ops:
                raise AdapterError("unknown op %r" % op)
            resp = ops[op](req)
            resp["ok"] = True
            answer(resp)
        except AdapterError as e:
            answer({"ok": False, "error": str(e)})
        except Exception as e:  # a library error: report it, keep serving
            log("%s: %s: %s" % (algorithm, type(e).__name__, e))
            answer({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
    return 0
