package hnsw

// prefetch asks the CPU to start loading lines cache lines from p, so the
// vectors of the neighbours about to be measured arrive while earlier
// distances are computed. lines must be positive.
//
//go:noescape
func prefetch(p *uint32, lines int)

// prefetchRows prefetches the first lines cache lines of the node record
// at base + ids[i]*strideb bytes for every i < n, in one call. n and lines
// must be positive; the addresses need not be valid.
//
//go:noescape
func prefetchRows(base *uint32, strideb int, ids *uint32, n, lines int)
