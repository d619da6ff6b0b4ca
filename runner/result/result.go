// Package result owns annbench's result files: the schema (Result and the
// types it holds), reading, decoding and validating them, and writing them
// atomically. The runner writes result files, and report and cmd/annbench
// read them; all three share this package so that reading results never
// links an index or a downloader. It imports only the standard library and
// datasets/atomicfile, and must never import runner, algorithms or
// report.
//
// It imports only the standard library and datasets/atomicfile
// (cmd/annbench TestPackageLayout checks), so report can read results
// without linking the runner.
package result

import "time"

// Schema identifies the result file format; it changes when a field's
// meaning changes. Version 2 added the measurement identity (dataset
// fingerprint, filter), per-point provenance (trials, version, commit,
// machine, time) and the machines table.
const Schema = "annbench/result/v2"

// SchemaV1 is the previous format. Decode still reads it, upgrading it in
// memory (see Decode); nothing writes it.
const SchemaV1 = "annbench/result/v1"

// Result is the content of one result file: the points of one
// measurement setup (its Identity), one point per query-parameter
// setting.
type Result struct {
	// Schema is always the Schema constant.
	Schema string `json:"schema"`
	// Dataset is the name of the dataset (catalogue or config).
	Dataset string `json:"dataset"`
	// DatasetFingerprint is the content fingerprint of the dataset's
	// files ("sha256:..."), "" when unknown (files of schema v1).
	DatasetFingerprint string `json:"dataset_fingerprint,omitempty"`
	// Metric is the dataset's metric.
	Metric string `json:"metric"`
	// Algorithm is the registry name of the algorithm.
	Algorithm string `json:"algorithm"`
	// IndexParams holds the normalized index-time parameters.
	IndexParams map[string]any `json:"index_params"`
	// IndexDefaults holds the registered defaults of the algorithm's
	// index parameters when it was measured, so reports can name only the
	// parameters a user changed without linking the algorithms.
	IndexDefaults map[string]any `json:"index_defaults,omitempty"`
	// K is the number of neighbours requested and scored.
	K int `json:"k"`
	// Mode is single, batch or parallel.
	Mode string `json:"mode"`
	// Threads is the number of search goroutines (1 in single mode).
	Threads int `json:"threads"`
	// Queries is the number of queries in one pass.
	Queries int `json:"queries"`
	// Filter describes the filter workload; nil when every base row was
	// searched.
	Filter *Filter `json:"filter,omitempty"`
	// Holdout records the base rows held out as queries (own data with
	// holdout); nil otherwise. The dataset fingerprint covers it too.
	Holdout *Holdout `json:"holdout,omitempty"`
	// Build describes how the index was made, as of the latest run that
	// obtained it.
	Build Build `json:"build"`
	// Points holds one entry per query-parameter setting. Each point
	// carries its own provenance (trials, version, machine, time), so a
	// resumed run never relabels points measured earlier.
	Points []Point `json:"points"`
	// Machines describes every machine a point of this file was measured
	// on, keyed by Machine.ID.
	Machines map[string]Machine `json:"machines"`
	// Started and Finished bound the runs that wrote this file: the first
	// start and the last write.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
}

// Holdout says which base rows of an own-data dataset became its queries.
type Holdout struct {
	// Count is the number of held-out rows, Seed the seed that chose them.
	Count int    `json:"count"`
	Seed  uint64 `json:"seed"`
	// RowsSHA256 is the hex sha256 of the held-out rows' indexes in the
	// base file, in query order, as little-endian int64s.
	RowsSHA256 string `json:"rows_sha256"`
}

// Build describes the index construction of a result.
type Build struct {
	// Seconds is the wall time of the index's Build. When Cached is true
	// it is the original build's time, kept with the cached index.
	Seconds float64 `json:"seconds"`
	// Cached is true when the index was loaded from the cache;
	// LoadSeconds then holds the time of the load.
	Cached bool `json:"cached,omitempty"`
	// LoadSeconds is the wall time of loading a cached index.
	LoadSeconds float64 `json:"load_seconds,omitempty"`
	// IndexBytes is what the index reports through Sizer, or 0.
	IndexBytes int64 `json:"index_bytes"`
	// PeakRSS is the peak resident set size during the build, in bytes:
	// of the whole process, but with the high-water mark reset before the
	// build (PeakRSSScope "build"), so it holds the data, this index and
	// its build scratch, not an earlier, larger index (nor the indexes
	// held in memory for interleaved timing, whose resident memory is
	// left out of PeakRSS and RSSBefore); "process" where the
	// mark cannot be reset (since the process started); "adapter" for an
	// external adapter's own process.
	PeakRSS int64 `json:"peak_rss"`
	// RSSBefore is the process's resident set just before the build
	// (after a garbage collection): PeakRSS − RSSBefore is what the build
	// added at its peak.
	RSSBefore int64 `json:"rss_before,omitempty"`
	// PeakRSSScope says what PeakRSS covers: build, process or adapter.
	PeakRSSScope string `json:"peak_rss_scope,omitempty"`
	// DistanceCount is the number of distance computations of the build,
	// when the index counts them.
	DistanceCount int64 `json:"distance_count,omitempty"`
	// Storage is how the index chose to store its data, when it says
	// (algorithms.StorageDescriber): e.g. "uint8" for ivfflat's byte
	// copy of byte-valued vectors, "float32" otherwise.
	Storage string `json:"storage,omitempty"`
}

// Point is the measurement of one query-parameter setting.
type Point struct {
	// QueryParams holds the normalized query-time parameters.
	QueryParams map[string]any `json:"query_params"`
	// Recall is the tie-aware recall@k averaged over queries.
	Recall float64 `json:"recall"`
	// RecallAt1 is the fraction of queries whose first result is a true
	// nearest neighbour (a tie with it counts).
	RecallAt1 float64 `json:"recall_at_1"`
	// KNNAccuracy, for datasets with class labels, is the kNN
	// classification accuracy of the returned neighbours: the share of
	// queries whose label wins the majority vote of their k returned ids
	// (a tie going to the nearer neighbour's label).
	KNNAccuracy *float64 `json:"knn_accuracy,omitempty"`
	// ExactKNNAccuracy is the same figure for the exact neighbours, what
	// the approximation is measured against.
	ExactKNNAccuracy *float64 `json:"exact_knn_accuracy,omitempty"`
	// QPS is queries per second of the median timed pass.
	QPS float64 `json:"qps"`
	// QPSMin and QPSMax are the slowest and fastest passes.
	QPSMin float64 `json:"qps_min"`
	QPSMax float64 `json:"qps_max"`
	// CV is the coefficient of variation (stddev/mean) of the passes' QPS.
	CV float64 `json:"cv"`
	// PassQPS lists every timed pass, for later statistics: queries
	// answered in the pass divided by its wall time.
	PassQPS []float64 `json:"pass_qps"`
	// PassRepeats is, per timed pass, how many times the query set was
	// run in it (a pass repeats the queries until it lasts at least the
	// configured minimum). Absent in files from before it was recorded.
	PassRepeats []int `json:"pass_repeats,omitempty"`
	// PassSeconds is the wall time of each timed pass.
	PassSeconds []float64 `json:"pass_seconds,omitempty"`
	// PassCPUSeconds is the CPU time the whole process used during each
	// timed pass (all threads, the garbage collector's included); well
	// below PassSeconds × threads, it says other processes took the CPU.
	PassCPUSeconds []float64 `json:"pass_cpu_seconds,omitempty"`
	// QPSCI is a distribution-free confidence interval of the median pass
	// QPS, absent when there are too few passes for its confidence.
	QPSCI *Interval `json:"qps_ci,omitempty"`
	// LatencyUS holds per-query latency percentiles in microseconds
	// (single mode only; in batch mode every query shares the pass time).
	LatencyUS Latency `json:"latency_us"`
	// DistanceCount is distance computations per query, when counted.
	DistanceCount float64 `json:"distance_count,omitempty"`
	// Invalid counts adapter output problems; they never raise recall.
	Invalid Invalid `json:"invalid"`
	// Trials is the number of timed passes behind this point.
	Trials int `json:"trials"`
	// Version and Commit identify the annbench build that measured the
	// point (Commit is the VCS revision, when known).
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
	// Machine is the ID of the entry in Result.Machines the point was
	// measured on.
	Machine string `json:"machine"`
	// MeasuredAt is when the point's measurement finished (UTC).
	MeasuredAt time.Time `json:"measured_at"`
	// External describes the adapter process that measured the point, for
	// library adapters (faiss, hnswlib, usearch, a user's own); absent for
	// annbench's own indexes.
	External *External `json:"external,omitempty"`
}

// External describes a point measured by an external adapter, which timed
// its passes itself.
type External struct {
	// Adapter and Version are the adapter's own name and version.
	Adapter string `json:"adapter"`
	Version string `json:"version,omitempty"`
	// Library names the library and its version, e.g. "faiss 1.7.3".
	Library string `json:"library,omitempty"`
	// RoundTripSeconds is the harness's own wall time of the request that
	// ran the warm-up and timed passes.
	RoundTripSeconds float64 `json:"round_trip_seconds"`
	// Implausible explains why the self-reported pass times do not fit the
	// round trip; empty when they do.
	Implausible string `json:"implausible,omitempty"`
	// Filter says how the adapter served a filtered workload: "native"
	// (the library's filtered search) or "post" (over-fetch, then drop
	// disallowed ids, inside the timed loop); empty without a filter.
	Filter string `json:"filter,omitempty"`
}

// Filter describes the filter workload of a result: each query searched
// only the base rows its filter allows, and was scored against the exact
// neighbours among them.
type Filter struct {
	// ID is the workload's identity: "label=query", "range=0.01",
	// "ids=<file stem>-<content hash>".
	ID string `json:"id"`
	// Kind is label, range or ids.
	Kind string `json:"kind"`
	// Selectivity is the mean share of the base a query was allowed.
	Selectivity float64 `json:"selectivity"`
	// ShortQueries counts queries with fewer than k allowed rows; each is
	// scored over the rows it has.
	ShortQueries int `json:"short_queries"`
	// PostFilter is true when the index has no filtered search of its own
	// and was searched for more ids, of which the allowed ones were kept.
	PostFilter bool `json:"post_filter,omitempty"`
}

// Interval is a confidence interval.
type Interval struct {
	// Lo and Hi bound the interval.
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	// Confidence is its coverage probability, e.g. 0.96875.
	Confidence float64 `json:"confidence"`
}

// Latency holds latency percentiles in microseconds.
type Latency struct {
	// P50, P95 and P99 are the 50th, 95th and 99th percentiles.
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// Invalid counts malformed results returned by an adapter in the scored
// pass.
type Invalid struct {
	// Duplicates is the number of repeated ids within one query's result.
	Duplicates int `json:"duplicates"`
	// OutOfRange is the number of ids outside [0, base rows).
	OutOfRange int `json:"out_of_range"`
	// TooMany is the number of queries that returned more than k ids.
	TooMany int `json:"too_many"`
	// Disallowed is the number of ids a filtered search returned although
	// the query's filter excludes them.
	Disallowed int `json:"disallowed,omitempty"`
}

// Machine describes the computer and toolchain a point was measured on.
// Its ID keys Result.Machines.
type Machine struct {
	// CPU is the processor model name; Cores the logical CPU count.
	CPU   string `json:"cpu"`
	Cores int    `json:"cores"`
	// GOMAXPROCS is the Go scheduler's thread limit during the run.
	GOMAXPROCS int `json:"gomaxprocs"`
	// GoVersion is the Go release the binary was built with.
	GoVersion string `json:"go_version"`
	// OS and Arch are the Go target of the binary.
	OS   string `json:"os"`
	Arch string `json:"arch"`
	// Kernels names the distance kernels in use (e.g. avx2).
	Kernels string `json:"kernels"`
	// Hostname is the computer's host name, when known.
	Hostname string `json:"hostname,omitempty"`
}
