package datasets

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/annbench/annbench/datasets/vector"
)

// syntheticNaming explains the names of built-in datasets in error messages.
const syntheticNaming = "synthetic-[ip-|angular-]<n>-<d> (e.g. synthetic-20k-64, synthetic-ip-100k-32, synthetic-angular-1m-96; n takes a k or m suffix)"

// syntheticExamples are the built-in datasets Catalogue lists.
var syntheticExamples = []string{
	"synthetic-20k-64", "synthetic-ip-20k-64", "synthetic-angular-20k-64", "synthetic-1m-96",
}

// maxSyntheticElements caps n·d of a generated dataset (8 GiB of float32).
const maxSyntheticElements = 1 << 31

// The mixture's shape. Each cluster is a low-dimensional Gaussian blob (an
// intrinsic dimension like that of real descriptors) embedded at a random
// orientation around its centre, plus a little isotropic noise in every
// dimension. Clusters differ in size and spread and overlap in part, so
// that nearest neighbours often cross cluster boundaries.
const (
	synthLatentDim   = 12    // intrinsic dimension of a cluster
	synthNoise       = 0.05  // isotropic noise, per dimension
	synthChunk       = 1024  // rows per random stream
	synthMaxQueries  = 1000  // queries are min(1000, n/10)
	synthMaxTrain    = 100e3 // training split is min(n, 100k)
	synthNormSpread  = 0.8   // log-normal sigma of base norms for ip
	synthSpreadMin   = 0.35  // cluster spread range, relative to centre scale
	synthSpreadRange = 0.5
	synthClasses     = 10 // labels: the cluster index modulo this
)

// syntheticGeneratorVersion identifies the generator's output in
// fingerprints (which never hash synthetic data, see fingerprint.go). Bump
// it whenever a change to this file changes any generated value;
// TestSyntheticGeneratorPinned fails until you do.
const syntheticGeneratorVersion = 2

// syntheticSpec is a parsed synthetic dataset name.
type syntheticSpec struct {
	name   string // canonical
	metric vector.Metric
	n, d   int
}

// syntheticEntry parses a synthetic dataset name into an Entry.
func syntheticEntry(name string) (Entry, error) {
	s, err := parseSynthetic(name)
	if err != nil {
		return Entry{}, err
	}
	note := "built-in clustered Gaussian mixture (seeded, deterministic, no files)"
	if s.metric == vector.IP {
		note += "; base vector norms vary widely (log-normal) for maximum inner product search"
	}
	return Entry{
		Name: s.name, Dim: s.d, Metric: s.metric, BaseCount: s.n, QueryCount: s.queries(),
		Format: FormatSynthetic, Note: note, synth: &s,
	}, nil
}

// parseSynthetic reads synthetic-[ip-|angular-|l2-]<n>-<d>.
func parseSynthetic(name string) (syntheticSpec, error) {
	bad := func(why string) (syntheticSpec, error) {
		return syntheticSpec{}, fmt.Errorf("bad synthetic dataset name: %s (want %s)", why, syntheticNaming)
	}
	rest, ok := strings.CutPrefix(name, "synthetic-")
	if !ok {
		return bad("missing synthetic- prefix")
	}
	parts := strings.Split(rest, "-")
	s := syntheticSpec{metric: vector.L2}
	if len(parts) == 3 {
		m, err := vector.ParseMetric(parts[0])
		if err != nil {
			return bad(fmt.Sprintf("unknown metric %q", parts[0]))
		}
		s.metric = m
		parts = parts[1:]
	}
	if len(parts) != 2 {
		return bad(fmt.Sprintf("%q does not have the form <n>-<d>", rest))
	}
	n, err := parseCount(parts[0])
	if err != nil {
		return bad(fmt.Sprintf("vector count %q: %v", parts[0], err))
	}
	d, err := strconv.Atoi(parts[1])
	if err != nil {
		return bad(fmt.Sprintf("dimension %q is not a number", parts[1]))
	}
	switch {
	case n < 10:
		return bad(fmt.Sprintf("vector count %d is below 10", n))
	case d < 1 || d > MaxDim:
		return bad(fmt.Sprintf("dimension %d is outside 1..%d", d, MaxDim))
	case int64(n)*int64(d) > maxSyntheticElements:
		return bad(fmt.Sprintf("%d×%d exceeds %d elements", n, d, maxSyntheticElements))
	}
	s.n, s.d = n, d
	s.name = "synthetic-"
	if s.metric != vector.L2 {
		s.name += string(s.metric) + "-"
	}
	s.name += formatCount(n) + "-" + strconv.Itoa(d)
	return s, nil
}

// parseCount reads a count with an optional k (×1000) or m (×1e6) suffix.
func parseCount(s string) (int, error) {
	mult := 1
	switch {
	case strings.HasSuffix(s, "k"), strings.HasSuffix(s, "K"):
		mult, s = 1000, s[:len(s)-1]
	case strings.HasSuffix(s, "m"), strings.HasSuffix(s, "M"):
		mult, s = 1000000, s[:len(s)-1]
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("not a count")
	}
	if v > math.MaxInt32/mult {
		return 0, fmt.Errorf("too large")
	}
	return v * mult, nil
}

// formatCount is the canonical spelling of n (1000000 → 1m, 20000 → 20k).
func formatCount(n int) string {
	switch {
	case n%1000000 == 0:
		return strconv.Itoa(n/1000000) + "m"
	case n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

func (s syntheticSpec) queries() int { return min(synthMaxQueries, max(1, s.n/10)) }

func (s syntheticSpec) train() int { return min(s.n, synthMaxTrain) }

// mixture holds the cluster parameters of a synthetic dataset.
type mixture struct {
	d, latent int
	centers   [][]float64
	bases     [][]float64 // per cluster, d×latent row-major, spread included
	cum       []float64   // cumulative cluster weights, last = 1
}

// seed derives the dataset's fixed seed from its canonical name.
func (s syntheticSpec) seed() uint64 {
	h := fnv.New64a()
	h.Write([]byte(s.name))
	return h.Sum64()
}

// newMixture draws the cluster parameters; the cluster count grows as
// √n/2 (between 4 and 2048).
func (s syntheticSpec) newMixture() *mixture {
	rng := rand.New(rand.NewPCG(s.seed(), 0))
	k := min(2048, max(4, int(math.Sqrt(float64(s.n))/2)))
	mx := &mixture{d: s.d, latent: min(s.d, synthLatentDim)}
	var total float64
	for c := 0; c < k; c++ {
		center := make([]float64, s.d)
		for j := range center {
			center[j] = rng.NormFloat64()
		}
		spread := synthSpreadMin + synthSpreadRange*rng.Float64()
		scale := spread / math.Sqrt(float64(mx.latent)) // per-dimension std = spread
		basis := make([]float64, s.d*mx.latent)
		for j := range basis {
			basis[j] = scale * rng.NormFloat64()
		}
		w := math.Exp(0.7 * rng.NormFloat64())
		total += w
		mx.centers = append(mx.centers, center)
		mx.bases = append(mx.bases, basis)
		mx.cum = append(mx.cum, total)
	}
	for i := range mx.cum {
		mx.cum[i] /= total
	}
	mx.cum[k-1] = 1
	return mx
}

// sample writes one vector of the mixture into dst and returns the index
// of the cluster it was drawn from.
func (mx *mixture) sample(rng *rand.Rand, z []float64, dst []float32) int {
	u := rng.Float64()
	c := sort.SearchFloat64s(mx.cum, u)
	if c >= len(mx.cum) {
		c = len(mx.cum) - 1
	}
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	center, basis := mx.centers[c], mx.bases[c]
	for j := range dst {
		x := center[j]
		row := basis[j*mx.latent : (j+1)*mx.latent]
		for i, b := range row {
			// The explicit conversion forbids fused multiply-add, keeping
			// the result bit-identical on every architecture.
			x += float64(b * z[i])
		}
		x += float64(synthNoise * rng.NormFloat64())
		dst[j] = float32(x)
	}
	return c
}

// fill draws rows [0, m.Rows) of stream part in parallel; row r always
// comes from the random stream of its chunk, so the result does not depend
// on the number of workers. scaleNorms applies the ip norm spread. labels,
// when not nil, receives each row's class: its cluster modulo synthClasses,
// so classes follow the geometry as real labels do.
func (s syntheticSpec) fill(ctx context.Context, mx *mixture, m vector.Matrix, part uint64, scaleNorms bool, labels []int32) error {
	chunks := (m.Rows + synthChunk - 1) / synthChunk
	workers := min(runtime.GOMAXPROCS(0), chunks)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	seed := s.seed()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			z := make([]float64, mx.latent)
			for {
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c >= chunks || ctx.Err() != nil {
					return
				}
				rng := rand.New(rand.NewPCG(seed, part<<40|uint64(c)+1))
				for r := c * synthChunk; r < min(m.Rows, (c+1)*synthChunk); r++ {
					row := m.Row(r)
					c := mx.sample(rng, z, row)
					if labels != nil {
						labels[r] = int32(c % synthClasses)
					}
					if scaleNorms {
						f := float32(math.Exp(synthNormSpread * rng.NormFloat64()))
						for j := range row {
							row[j] *= f
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// Stream identifiers of the three splits.
const (
	streamBase  = 1
	streamQuery = 2
	streamTrain = 3
	streamAttr  = 4
)

// attributes draws one integer attribute per base row, uniform in
// [0, 2³¹) and independent of the vectors, for range filters that cut
// across the geometry (a price, a date).
func (s syntheticSpec) attributes(n int) []int64 {
	out := make([]int64, n)
	seed := s.seed()
	for c := 0; c*synthChunk < n; c++ {
		rng := rand.New(rand.NewPCG(seed, streamAttr<<40|uint64(c)+1))
		for r := c * synthChunk; r < min(n, (c+1)*synthChunk); r++ {
			out[r] = rng.Int64N(1 << 31)
		}
	}
	return out
}

// generate builds the dataset. MaxBase and MaxQueries generate only a
// prefix, which is identical to the prefix of the full dataset.
func (s syntheticSpec) generate(ctx context.Context, opt Options) (*Dataset, error) {
	nb, nq := s.n, s.queries()
	if opt.MaxBase > 0 && opt.MaxBase < nb {
		nb = opt.MaxBase
	}
	if opt.MaxQueries > 0 && opt.MaxQueries < nq {
		nq = opt.MaxQueries
	}
	mx := s.newMixture()
	d := &Dataset{Name: s.name, Metric: s.metric,
		Base: vector.NewMatrix(nb, s.d), Query: vector.NewMatrix(nq, s.d), Train: vector.NewMatrix(s.train(), s.d)}
	d.BaseLabels, d.QueryLabels = make([]int32, nb), make([]int32, nq)
	if err := s.fill(ctx, mx, d.Base, streamBase, s.metric == vector.IP, d.BaseLabels); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", s.name, err)
	}
	if err := s.fill(ctx, mx, d.Query, streamQuery, false, d.QueryLabels); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", s.name, err)
	}
	d.Attributes = s.attributes(nb)
	if err := s.fill(ctx, mx, d.Train, streamTrain, s.metric == vector.IP, nil); err != nil {
		return nil, fmt.Errorf("dataset %s: %w", s.name, err)
	}
	if s.metric == vector.Angular {
		Normalize(d.Base)
		Normalize(d.Query)
		Normalize(d.Train)
	}
	for _, part := range []string{partBase, partQuery, partTrain, partBaseLabels, partQueryLabels, partAttributes} {
		d.setProvenance(part, provenance{key: fmt.Sprintf("synthetic generator %d name %s part %s", syntheticGeneratorVersion, s.name, part), derived: true})
	}
	return d, nil
}
