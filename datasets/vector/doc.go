// Package vector holds the core value types every other package shares:
// Matrix (row-major float32 vectors), IDMatrix (row-major int32 neighbour
// lists) and Metric (l2, ip, angular), and the one summation order of an
// exact distance (SquaredL2, Dot) at the precision the caller picks.
//
// It imports only the standard library, so the distance kernels and the
// indexes can use it without linking the dataset catalogue, downloads or
// file readers that live in the parent package datasets.
//
// It imports only the standard library (cmd/annbench TestPackageLayout
// checks).
package vector
