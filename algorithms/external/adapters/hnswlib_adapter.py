"""annbench adapter for hnswlib (https://github.com/nmslib/hnswlib).
Usage (by annbench): python3 hnswlib_adapter.py hnswlib"""
import sys

from annbench_adapter import Adapter, AdapterError, missing_module, param, serve


class HNSWLib(Adapter):
    name = "hnswlib"
    params = (param("M", "int", "index", 16, 2, 1024, "neighbours per node on the upper layers (2M on layer 0)"),
              param("ef_construction", "int", "index", 200, 1, 1 << 20, "candidate list size when inserting"),
              param("seed", "int", "index", 100, 0, 2**31 - 1, "random seed of the level assignment"),
              param("ef", "int", "query", 10, 1, 1 << 20, "candidate list size at query time (at least k is used)"))

    def __init__(self):
        try:
            import hnswlib
        except ImportError:
            raise missing_module("hnswlib", "hnswlib", "python3-hnswlib")
        self.lib = hnswlib
        self.index = None

    def library(self):
        return ("hnswlib " + str(getattr(self.lib, "__version__", ""))).strip()

    def build(self, base, metric, params, threads, train):
        space = {"l2": "l2", "ip": "ip", "angular": "cosine"}[metric]
        n, d = base.shape
        p = self.lib.Index(space=space, dim=d)
        p.init_index(max_elements=max(n, 1), ef_construction=int(params["ef_construction"]), M=int(params["M"]),
                     random_seed=int(params["seed"]))
        p.set_num_threads(threads)
        p.add_items(base)
        self.index = p

    def set_query(self, params):
        if "ef" in params:
            self.index.set_ef(int(params["ef"]))

    def search_one(self, q, k):
        return self.index.knn_query(q, k=k)[0][0]

    def search_batch(self, queries, k, threads):
        try:
            return self.index.knn_query(queries, k=k, num_threads=threads)[0]
        except RuntimeError as e:
            raise AdapterError("hnswlib: %s" % e)


if __name__ == "__main__":
    sys.exit(serve({"hnswlib": HNSWLib}))
