package hnsw

import (
	"fmt"
	"math"
	"sync"
	"unsafe"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/algorithms/distance"
	"github.com/annbench/annbench/datasets/vector"
)

// Index is an HNSW graph over a private copy of the base vectors.
//
// Storage is flat. Node i owns the record nodes[i*stride:(i+1)*stride]:
// its vector (dim float32s, stored as their bits), then its layer-0
// neighbour list (a count and M0 ids), padded to whole 64-byte lines. As
// in hnswlib, a node's links sit next to its vector, so expanding a node
// whose distance was just measured finds its list already in cache. A node
// on layers 1..L owns L consecutive lists of M+1 uint32s in upper,
// starting at upperOff[i].
type Index struct {
	cfg    Config
	metric vector.Metric
	l2     bool
	dim    int
	m, m0  int
	mult   float64
	ef     int
	// pfLines is how many cache lines of a vector to prefetch: all of
	// it, up to maxPrefetchLines.
	pfLines int

	n        int
	stride   int
	nodes    []uint32
	levels   []uint8
	upperOff []uint32
	upper    []uint32
	entry    uint32
	maxLevel int

	algorithms.DistanceCounter // Search's distances; Build's are not counted
	pool                       sync.Pool
	algorithms.BuildProgress   // vectors inserted
}

var _ algorithms.Tunable = (*Index)(nil)

// New returns an empty HNSW index for dim-dimensional vectors compared
// with metric. Angular vectors must arrive normalized.
func New(metric vector.Metric, dim int, cfg Config) (*Index, error) {
	if err := algorithms.CheckShape(metric, dim); err != nil {
		return nil, fmt.Errorf("hnsw: %w", err)
	}
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	x := &Index{cfg: cfg, metric: metric, l2: metric == vector.L2, dim: dim, ef: DefaultEf}
	x.setM(cfg.M)
	x.pfLines = min((dim*4+63)/64, maxPrefetchLines)
	x.stride = (dim + x.m0 + 1 + 15) &^ 15
	x.pool.New = func() any { return new(scratch) }
	return x, nil
}

func (x *Index) setM(m int) {
	x.m, x.m0 = m, 2*m
	x.mult = 1 / math.Log(float64(m))
}

// dist is the metric's distance; smaller is nearer.
func (x *Index) dist(a, b []float32) float32 {
	if x.l2 {
		return distance.L2Sq(a, b)
	}
	return -distance.Dot(a, b)
}

// distances writes to out[i] the distance from q to node ids[i]. It
// measures three nodes at a time (distance.L2SqGather), so their vectors'
// cache misses overlap.
func (x *Index) distances(q []float32, ids []uint32, out []float32) {
	data := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(x.nodes))), len(x.nodes))
	if x.l2 {
		distance.L2SqGather(q, data, x.stride, ids, out)
		return
	}
	distance.DotGather(q, data, x.stride, ids, out)
	for i := range ids {
		out[i] = -out[i]
	}
}

// vec returns the stored vector of node id.
func (x *Index) vec(id uint32) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(&x.nodes[int(id)*x.stride])), x.dim)
}

// list returns the neighbour slot of node id on level: element 0 is the
// count, the rest hold ids.
func (x *Index) list(id uint32, level int) []uint32 {
	if level == 0 {
		o := int(id)*x.stride + x.dim
		return x.nodes[o : o+x.m0+1 : o+x.m0+1]
	}
	o := int(x.upperOff[id]) + (level-1)*(x.m+1)
	return x.upper[o : o+x.m+1 : o+x.m+1]
}

// layer0 returns the layer-0 neighbours of node id from nodes laid out as
// Index.nodes is (records of stride uint32s: the vector's dim, then the
// count and the ids); the search loops pass their local copies of the
// fields.
func layer0(nodes []uint32, stride, dim int, id uint32) []uint32 {
	o := int(id)*stride + dim
	return nodes[o+1 : o+1+int(nodes[o])]
}

// SetQuery applies the query-time parameter ef.
func (x *Index) SetQuery(p algorithms.Params) error {
	ef := p.Int("ef", DefaultEf)
	if ef < 1 {
		return fmt.Errorf("hnsw: ef must be positive, got %d", ef)
	}
	x.ef = ef
	return nil
}

// SizeBytes returns the bytes held by the vectors and the graph.
func (x *Index) SizeBytes() int64 {
	return int64(len(x.nodes))*4 + int64(len(x.upper))*4 +
		int64(len(x.upperOff))*4 + int64(len(x.levels))
}

// Len returns the number of indexed vectors.
func (x *Index) Len() int { return x.n }

// maxPrefetchLines caps the prefetch per vector: beyond about this many
// lines the hardware's own streaming prefetcher has taken over.
const maxPrefetchLines = 8

// scratch is the per-goroutine working memory of a search or an insertion.
type scratch struct {
	vis    visited
	cand   minHeap
	top    maxHeap
	sorted []item
	sel    []item
	shrink []item
	sel2   []item
	ids    []uint32
	dists  []float32
	// levelSel holds an inserted node's chosen neighbours per level
	// until it is linked back.
	levelSel [maxLevels][]item
}

// begin readies s for a best-first search over n nodes from ep, at
// distance epD: a fresh visited set with ep marked, ep the only candidate
// and s.top empty. It returns the visited tags and the tag that marks a
// node seen.
func (s *scratch) begin(n int, ep uint32, epD float32) ([]uint16, uint16) {
	s.vis.next(n)
	tags, tag := s.vis.tags, s.vis.epoch
	tags[ep] = tag
	s.cand.reset()
	s.top.reset()
	s.cand.push(epD, ep)
	return tags, tag
}

// idBuf returns a buffer for the unvisited neighbours of one node.
func (s *scratch) idBuf(n int) []uint32 {
	if len(s.ids) < n {
		s.ids = make([]uint32, n)
	}
	return s.ids[:n]
}

// distBuf returns a buffer for the distances of one node's unvisited
// neighbours.
func (s *scratch) distBuf(n int) []float32 {
	if len(s.dists) < n {
		s.dists = make([]float32, n)
	}
	return s.dists[:n]
}
