//go:build !amd64

package hnsw

// prefetch is a no-op where no prefetch instruction is wired up.
func prefetch(p *uint32, lines int) {}
