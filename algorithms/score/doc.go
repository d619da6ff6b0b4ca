// Package score is the one place annbench turns an index's answers into
// numbers: tie-aware recall@k and recall@1, the accounting of invalid
// output (duplicate, out-of-range and surplus ids), and kNN label accuracy
// (majority vote over the returned neighbours) beside the same figure for
// exact search. The runner, the conformance suite and every index's tests
// score through it.
//
// Distances are recomputed in float64 from the vectors themselves
// (Distance), never taken from the index or from a ground-truth file, so a
// score does not depend on which SIMD kernel ran or on how a publisher
// rounded its distances. Ground-truth ids only say which vectors are the
// true neighbours; the k-th of them sets the distance a returned id must
// reach to count (see Truth for how ties are judged).
//
// It imports only datasets/vector; never an index, the runner, report or
// the datasets package.
package score
