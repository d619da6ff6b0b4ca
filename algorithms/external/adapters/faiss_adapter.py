"""annbench adapter for faiss (https://github.com/facebookresearch/faiss):
faiss-flat, faiss-ivfflat, faiss-ivfpq, faiss-ivfpqfs and faiss-hnsw.
Usage (by annbench): python3 faiss_adapter.py ALGORITHM"""
import sys

from annbench_adapter import Adapter, AdapterError, missing_module, param, serve

NLIST = param("nlist", "int", "index", 100, 1, 1 << 24, "number of inverted lists (k-means clusters)")
NPROBE = param("nprobe", "int", "query", 1, 1, 1 << 24, "inverted lists scanned per query")


def import_faiss():
    try:
        import faiss
    except ImportError:
        raise missing_module("faiss", "faiss-cpu", "python3-faiss")
    return faiss


class Faiss(Adapter):
    kind = ""

    def __init__(self):
        self.faiss = import_faiss()
        import numpy
        self.np = numpy
        self.index = None
        self.ivf = None

    def library(self):
        return "faiss " + getattr(self.faiss, "__version__", "?")

    def metric(self, metric):
        if metric == "ip":
            return self.faiss.METRIC_INNER_PRODUCT
        return self.faiss.METRIC_L2  # angular vectors arrive normalized

    def build(self, base, metric, params, threads, train):
        f = self.faiss
        f.omp_set_num_threads(threads)
        self.threads = threads
        d = base.shape[1]
        self.index = self.make(d, self.metric(metric), params)
        if not self.index.is_trained:
            self.index.train(train if train is not None else base)
        self.index.add(base)

    def set_query(self, params):
        if "nprobe" in params:
            self.ivf.nprobe = int(params["nprobe"])

    def search_one(self, q, k):
        return self.index.search(q, k)[1][0]

    def search_batch(self, queries, k, threads):
        if threads != self.threads:
            self.faiss.omp_set_num_threads(threads)
            self.threads = threads
        return self.index.search(queries, k)[1]

    def search_params(self, sel):
        """faiss SearchParameters carrying selector sel and the current
        query parameters, or None when this faiss or index has none (then
        the base class post-filters)."""
        if not hasattr(self.faiss, "SearchParameters"):
            return None
        return self.faiss.SearchParameters(sel=sel)

    def native_filter(self, allow):
        f = self.faiss
        if not (hasattr(f, "IDSelectorRange") and hasattr(f, "IDSelectorBatch")):
            return None
        made, out, groups = {}, [], {}
        self.selectors = []  # keeps the selectors alive while the parameters point to them
        for i, a in enumerate(allow):
            key = a if isinstance(a, tuple) else id(a)
            p = made.get(key)
            if p is None:
                if isinstance(a, tuple):
                    sel = f.IDSelectorRange(a[0], max(a[0], a[1]))
                else:
                    sel = f.IDSelectorBatch(len(a), f.swig_ptr(a))
                p = self.search_params(sel)
                if p is None:
                    return None
                self.selectors.append((a, sel))
                made[key] = p
            out.append(p)
            groups.setdefault(key, (p, []))[1].append(i)
        # batch mode: one call per distinct allow-set
        self.groups = [(p, self.np.asarray(ix)) for p, ix in groups.values()]
        return out

    def search_one_filtered(self, q, k, p):
        return self.index.search(q, k, params=p)[1][0]

    def search_batch_filtered(self, queries, k, threads, ps):
        if threads != self.threads:
            self.faiss.omp_set_num_threads(threads)
            self.threads = threads
        out = self.np.empty((len(queries), k), dtype=self.np.int64)
        for p, ix in self.groups:
            out[ix] = self.index.search(queries[ix], k, params=p)[1]
        return out


class Flat(Faiss):
    name = "faiss-flat"

    def make(self, d, metric, params):
        return self.faiss.IndexFlat(d, metric)


class IVFFlat(Faiss):
    name = "faiss-ivfflat"
    params = (NLIST, NPROBE)

    def make(self, d, metric, params):
        self.quantizer = self.faiss.IndexFlat(d, metric)
        self.ivf = self.faiss.IndexIVFFlat(self.quantizer, d, int(params["nlist"]), metric)
        return self.ivf

    def search_params(self, sel):
        return ivf_params(self, sel)


def ivf_params(ad, sel):
    if not hasattr(ad.faiss, "SearchParametersIVF"):
        return None
    return ad.faiss.SearchParametersIVF(sel=sel, nprobe=ad.ivf.nprobe)


def check_m(d, m):
    if d % m:
        raise AdapterError("M=%d does not divide the dimension %d" % (m, d))


class IVFPQ(Faiss):
    name = "faiss-ivfpq"
    params = (NLIST,
              param("M", "int", "index", 16, 1, 65536, "sub-quantizers (bytes per code at nbits=8); must divide the dimension"),
              param("nbits", "int", "index", 8, 1, 16, "bits per sub-quantizer code"),
              NPROBE)

    def make(self, d, metric, params):
        m = int(params["M"])
        check_m(d, m)
        self.quantizer = self.faiss.IndexFlat(d, metric)
        self.ivf = self.faiss.IndexIVFPQ(self.quantizer, d, int(params["nlist"]), m, int(params["nbits"]), metric)
        return self.ivf

    def search_params(self, sel):
        return ivf_params(self, sel)


class IVFPQFastScan(Faiss):
    name = "faiss-ivfpqfs"
    params = (NLIST,
              param("M", "int", "index", 16, 1, 65536, "4-bit sub-quantizers (SIMD fast scan); must divide the dimension"),
              NPROBE,
              param("reorder", "int", "query", 4, 1, 1 << 16,
                    "IndexRefineFlat k_factor: re-rank reorder×k fast-scan candidates with exact distances"))

    def make(self, d, metric, params):
        m = int(params["M"])
        check_m(d, m)
        self.quantizer = self.faiss.IndexFlat(d, metric)
        self.ivf = self.faiss.IndexIVFPQFastScan(self.quantizer, d, int(params["nlist"]), m, 4, metric)
        self.refine = self.faiss.IndexRefineFlat(self.ivf)
        return self.refine

    def search_params(self, sel):
        return None  # IndexRefineFlat over fast scan takes no selector in faiss 1.7: post-filter

    def set_query(self, params):
        Faiss.set_query(self, params)
        if "reorder" in params:
            self.refine.k_factor = float(params["reorder"])


class HNSW(Faiss):
    name = "faiss-hnsw"
    params = (param("M", "int", "index", 16, 2, 1024, "neighbours per node on the upper layers (2M on layer 0)"),
              param("ef_construction", "int", "index", 200, 1, 1 << 20, "candidate list size when inserting"),
              param("ef", "int", "query", 10, 1, 1 << 20, "candidate list size at query time (efSearch)"))

    def make(self, d, metric, params):
        h = self.faiss.IndexHNSWFlat(d, int(params["M"]), metric)
        h.hnsw.efConstruction = int(params["ef_construction"])
        self.hnsw = h
        return h

    def set_query(self, params):
        if "ef" in params:
            self.hnsw.hnsw.efSearch = int(params["ef"])

    def search_params(self, sel):
        if not hasattr(self.faiss, "SearchParametersHNSW"):
            return None
        return self.faiss.SearchParametersHNSW(sel=sel, efSearch=self.hnsw.hnsw.efSearch)


if __name__ == "__main__":
    sys.exit(serve({a.name: a for a in (Flat, IVFFlat, IVFPQ, IVFPQFastScan, HNSW)}))
