// Package groundtruth is the one place annbench's exact ground truth is
// computed, cached, looked up and checked:
//
//   - Compute finds the exact k nearest base vectors of every query with
//     the blocked flat search (algorithms/flat) and returns the distances as
//     ground-truth files publish them.
//   - Filtered finds the exact k nearest among the rows a filter allows,
//     for filtered workloads.
//   - Cache stores computed lists under a cache directory, keyed by the
//     dataset's name, a fingerprint of the vectors' content, the numbers of
//     queries and base vectors, and k, so editing any vector invalidates
//     them.
//   - SpotCheck compares ground truth read from a file against exact search
//     on a seeded sample of queries, so a wrong or misaligned file is an
//     error instead of inflated recall.
//   - Prepare applies that policy to an opened dataset for a run: shipped
//     lists deep enough are spot-checked and used, otherwise cached lists,
//     otherwise they are computed and cached.
//
// It imports datasets (file formats) and flat (the exact search); the runner
// and the groundtruth command call it, nothing to its left does.
//
// It imports algorithms/flat (the exact search), algorithms/score and
// datasets; never an approximate index, runner, report or cmd.
package groundtruth
