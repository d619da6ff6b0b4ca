package hnsw

// prefetch asks the CPU to start loading lines cache lines from p, so the
// vectors of the neighbours about to be measured arrive while earlier
// distances are computed. lines must be positive.
//
//go:noescape
func prefetch(p *uint32, lines int)
