//go:build !amd64

package hnsw

// prefetchRows is a no-op where no prefetch instruction is wired up.
func prefetchRows(base *uint32, strideb int, ids *uint32, n, lines int) {}
