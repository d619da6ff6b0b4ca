// Package datasets opens the vector datasets annbench runs on: the named
// catalogue (catalogue_table.go, catalogue_download.go; `annbench list`
// prints it: TEXMEX siftsmall, sift1m, gist1m and deep1m, Fashion-MNIST and
// its angular variant, the ann-benchmarks HDF5 files, and 1M/10M prefixes of
// big-ann-benchmarks BIGANN and DEEP), built-in synthetic data, and a user's
// own data from files (FileSpec, OpenFiles), with readers and writers for
// the file formats ANN benchmarks are published in and content fingerprints.
//
// # Finding data
//
// Open(ctx, name, Options) looks for a catalogue entry's files under
// <DataDir>/<entry dir> (DataDir defaults to $ANNBENCH_DATA, else ./data)
// and then in the entry's system directories, such as
// /usr/share/datasets/fashion-mnist where Debian's dataset-fashion-mnist
// package installs the images. A missing file is an error that says which
// file, where it was looked for, and to run `annbench download NAME` or set
// ANNBENCH_DATA.
//
// Names of the form synthetic-[ip-|angular-]<n>-<d> (n with an optional k or
// m suffix, e.g. synthetic-20k-64) need no files: they are generated from a
// seeded clustered Gaussian mixture, identically on every run and machine.
//
// # Formats
//
// fvecs/ivecs/bvecs (TEXMEX), fbin/ibin/u8bin/i8bin (big-ann-benchmarks),
// IDX (MNIST, raw or gzip), HDF5 (ann-benchmarks, read by datasets/hdf5) and
// .npy (NumPy). Files of at least MmapThreshold bytes are
// memory-mapped read-only; float32 and int32 data is then used in place
// (an fvecs Matrix has Stride d+1 to skip the record headers), so the
// Dataset must be closed and its matrices not written to. Byte-valued
// formats are converted to float32 once. Every parser works on a byte slice
// or an io.Reader, reports malformed input as an error wrapping ErrFormat
// that says what is wrong, and is fuzz-tested.
//
// # Fingerprints
//
// Dataset.Fingerprint is a SHA-256 over the metric and the full content and
// shape of the base, queries, training split, labels and attributes, as the
// indexes see them; IndexFingerprint covers only what an index depends on
// (metric, base, training split). Hashes of file-backed parts are cached
// under <CacheDir>/fingerprints/ keyed by the files' paths, sizes and
// modification times; synthetic data is identified by its generator version,
// name and shape without hashing.
//
// # Memory-mapped files
//
// A mapped file truncated while in use would crash the process with SIGBUS.
// Code that reads dataset matrices runs under mapped.Guard, which turns such
// a fault into a *mapped.FaultError naming the file, and Dataset.CheckFiles
// reports a truncated file between phases.
//
// # Ground truth
//
// Shipped ground truth is loaded when present, nothing else: computing,
// caching (keyed by Fingerprint) and spot-checking it against exact search
// is algorithms/groundtruth's job. datasets never writes beside the data.
//
// It imports datasets/vector, datasets/atomicfile, datasets/fetch,
// datasets/hdf5, datasets/mapped and golang.org/x/sys/unix; never
// algorithms, runner, report or cmd.
package datasets
