#!/usr/bin/python3
"""Writes the tiny HDF5 fixtures used by the annbench HDF5 reader tests.

Run from this directory with /usr/bin/python3 (needs python3-h5py and numpy):

    /usr/bin/python3 make_fixtures.py

Every file follows the layout ann-benchmarks writes: datasets train, test,
neighbors, distances and root attributes type, distance, dimension and
point_type. Ground truth is exact (brute force), so an exact search over
train reproduces neighbors. Data is seeded, so reruns give the same values
(the files may still differ in bytes across h5py/HDF5 versions).
"""
import hashlib
import json

import h5py
import numpy as np


def ground_truth(train, test, metric, count):
    t = train.astype(np.float64)
    q = test.astype(np.float64)
    if metric == "euclidean":
        d = np.sqrt(np.maximum(((q[:, None, :] - t[None, :, :]) ** 2).sum(-1), 0))
    elif metric == "angular":
        tn = t / np.linalg.norm(t, axis=1, keepdims=True)
        qn = q / np.linalg.norm(q, axis=1, keepdims=True)
        d = 1 - qn @ tn.T
    elif metric == "dot":
        d = -(q @ t.T)
    else:
        raise ValueError(metric)
    idx = np.argsort(d, axis=1, kind="stable")[:, :count]
    return idx, np.take_along_axis(d, idx, axis=1)


def attrs(f, metric, dim):
    # As ann-benchmarks' write_output: Python str values become
    # variable-length UTF-8 strings, ints become int64 scalars.
    f.attrs["type"] = "dense"
    f.attrs["distance"] = metric
    f.attrs["dimension"] = dim
    f.attrs["point_type"] = "float"


def default_layout(rng):
    """ann-benchmarks' default: h5py defaults, contiguous datasets,
    superblock v0, v1 object headers, symbol-table groups."""
    train = rng.standard_normal((300, 12)).astype(np.float32)
    test = rng.standard_normal((20, 12)).astype(np.float32)
    idx, dist = ground_truth(train, test, "euclidean", 10)
    with h5py.File("ann-default.hdf5", "w") as f:
        attrs(f, "euclidean", 12)
        f.create_dataset("train", data=train)
        f.create_dataset("test", data=test)
        n = f.create_dataset("neighbors", (len(test), 10), dtype=int)
        n[:] = idx
        d = f.create_dataset("distances", (len(test), 10), dtype=float)
        d[:] = dist


def chunked_gzip(rng):
    """Chunked storage with gzip and shuffle (v1 B-tree chunk index), float64
    train, int32 neighbors, edge chunks that do not divide the shape, a
    fletcher32 checksum on one dataset, a fixed-length string attribute and
    a nested group."""
    train = rng.standard_normal((100, 10))
    test = rng.standard_normal((15, 10))
    idx, dist = ground_truth(train, test, "angular", 10)
    with h5py.File("ann-chunked-gzip.hdf5", "w") as f:
        f.attrs["type"] = "dense"
        f.attrs["distance"] = np.bytes_(b"angular")  # fixed-length string
        f.attrs["dimension"] = np.int32(10)
        f.attrs["point_type"] = "float"
        f.create_dataset("train", data=train, chunks=(64, 4), compression="gzip",
                         compression_opts=6, shuffle=True)
        f.create_dataset("test", data=test.astype(np.float32), chunks=(4, 10),
                         compression="gzip", fletcher32=True)
        f.create_dataset("neighbors", data=idx.astype(np.int32), chunks=(8, 10),
                         compression="gzip", shuffle=True)
        f.create_dataset("distances", data=dist.astype(np.float32), chunks=True,
                         compression="gzip")
        g = f.create_group("extra")
        g.create_dataset("labels", data=np.arange(15, dtype=np.int64).reshape(15, 1))
        g.attrs["note"] = "nested group"


def latest(rng):
    """libver='latest': superblock v3, v2 object headers, link messages,
    layout message v4 with single-chunk and fixed-array (paged too) chunk
    indexes, an extensible-array chunk index, dense link and attribute
    storage."""
    train = rng.standard_normal((100, 6)).astype(np.float32)
    test = rng.standard_normal((12, 6)).astype(np.float32)
    idx, dist = ground_truth(train, test, "dot", 10)
    with h5py.File("ann-latest.hdf5", "w", libver="latest") as f:
        attrs(f, "dot", 6)
        f.create_dataset("train", data=train)
        f.create_dataset("test", data=test, chunks=test.shape, compression="gzip")
        f.create_dataset("neighbors", data=idx, chunks=(5, 4), compression="gzip",
                         shuffle=True)
        f.create_dataset("distances", data=dist, chunks=(4, 10))
        g = f.create_group("extra")
        g.create_dataset("labels", data=np.arange(12, dtype=np.int32).reshape(12, 1),
                         chunks=(3, 1))
        # More than 1024 chunks: the fixed-array index is split into pages.
        g.create_dataset("paged", data=(np.arange(1030) % 120).astype(np.int8), chunks=(1,))
        # Resizable (maxshape None in the first dimension): an
        # extensible-array chunk index; 250 chunks reach its secondary
        # blocks.
        g.create_dataset("resizable", data=np.arange(1000, dtype=np.int32).reshape(250, 4),
                         maxshape=(None, 4), chunks=(1, 4))
        # The same, filtered: entries carry chunk sizes and filter masks.
        g.create_dataset("resizable-gzip", data=np.arange(30, dtype=np.int32).reshape(10, 3),
                         maxshape=(None, 3), chunks=(2, 3), compression="gzip")
        # Two unlimited dimensions: a version 2 B-tree chunk index, plain
        # and filtered.
        g.create_dataset("grow2d", data=np.arange(40, dtype=np.int32).reshape(10, 4),
                         maxshape=(None, None), chunks=(2, 2))
        g.create_dataset("grow2d-gzip", data=np.arange(24, dtype=np.int32).reshape(6, 4),
                         maxshape=(None, None), chunks=(2, 3), compression="gzip")
        # More than 8 links and 8 attributes: dense storage (fractal heap
        # plus a v2 B-tree name index) instead of header messages.
        dense = f.create_group("dense")
        for i in range(10):
            dense.create_dataset("d%02d" % i, data=np.full((1, 2), i, dtype=np.int32))
            dense.attrs["a%02d" % i] = "value %d" % i
        # 48 more hard links (to d00, so no new objects): the link heap
        # outgrows its first direct block (root indirect block) and the
        # name index splits (a v2 B-tree of depth 1).
        for i in range(48):
            dense["l%02d" % i] = dense["d00"]


def expected(names):
    """Records, for the Go tests, every dataset's shape, type and the
    sha256 of its elements in little-endian row-major order, and the
    root attributes."""
    out = {}
    for fn in names:
        entry = {"datasets": {}, "attrs": {}}
        with h5py.File(fn, "r") as f:
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    a = obj[()]
                    le = a.astype(a.dtype.newbyteorder("<"))
                    entry["datasets"][name] = {
                        "shape": list(a.shape),
                        "dtype": a.dtype.str.lstrip("<>|="),
                        "sha256": hashlib.sha256(le.tobytes()).hexdigest(),
                    }
            f.visititems(visit)
            for k, v in f.attrs.items():
                if isinstance(v, bytes):
                    v = v.decode()
                elif isinstance(v, np.generic):
                    v = v.item()
                entry["attrs"][k] = v
        out[fn] = entry
    with open("expected.json", "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    rng = np.random.default_rng(20261121)
    default_layout(rng)
    chunked_gzip(rng)
    latest(rng)
    expected(["ann-default.hdf5", "ann-chunked-gzip.hdf5", "ann-latest.hdf5"])
