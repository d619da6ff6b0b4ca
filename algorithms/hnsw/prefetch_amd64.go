package hnsw

// prefetchRows prefetches the first lines cache lines of the node record
// at base + ids[i]*strideb bytes for every i < n, in one call. n and lines
// must be positive; the addresses need not be valid.
//
//go:noescape
func prefetchRows(base *uint32, strideb int, ids *uint32, n, lines int)
