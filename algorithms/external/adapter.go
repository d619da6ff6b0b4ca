package external

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/vector"
)

// Adapter says how to start one external algorithm.
type Adapter struct {
	// Name is the algorithm name used in configs.
	Name string
	// Command is the command line of a user's adapter. Shipped adapters
	// leave it empty and set launch instead.
	Command []string
	// Timeouts bound each protocol step; zero fields take DefaultTimeouts.
	Timeouts Timeouts
	// Log, when set, receives the adapter's stderr, one prefixed line at a
	// time.
	Log io.Writer
	// CacheDir overrides CacheDir() for scripts and staged vectors.
	CacheDir string

	// launch, for shipped adapters, finds an interpreter that has the
	// library and returns the command line.
	launch func(ctx context.Context, a *Adapter) ([]string, error)

	mu       sync.Mutex
	resolved []string
	failed   error
}

func (a *Adapter) cacheDir() string {
	if a.CacheDir != "" {
		return a.CacheDir
	}
	return CacheDir()
}

func (a *Adapter) timeouts() Timeouts {
	t, d := a.Timeouts, DefaultTimeouts
	if t.Hello <= 0 {
		t.Hello = d.Hello
	}
	if t.Build <= 0 {
		t.Build = d.Build
	}
	if t.SetQuery <= 0 {
		t.SetQuery = d.SetQuery
	}
	if t.Search <= 0 {
		t.Search = d.Search
	}
	if t.Close <= 0 {
		t.Close = d.Close
	}
	return t
}

// command returns the command line that starts the adapter, resolving it
// once per process.
func (a *Adapter) command(ctx context.Context) ([]string, error) {
	if a.launch == nil {
		if len(a.Command) == 0 {
			return nil, fmt.Errorf("%s: no adapter command", a.Name)
		}
		return a.Command, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.resolved != nil {
		return a.resolved, nil
	}
	if a.failed != nil {
		return nil, a.failed
	}
	cmd, err := a.launch(ctx, a)
	if err != nil {
		if ctx.Err() == nil {
			a.failed = err
		}
		return nil, err
	}
	a.resolved = cmd
	return cmd, nil
}

// Probe starts the adapter, greets it and closes it again, returning its
// hello.
func (a *Adapter) Probe(ctx context.Context) (Hello, error) {
	cmd, err := a.command(ctx)
	if err != nil {
		return Hello{}, err
	}
	return probe(ctx, a, cmd)
}

func probe(ctx context.Context, a *Adapter, cmd []string) (Hello, error) {
	p, err := start(a.Name, cmd, threadEnv(1), "", a.Log)
	if err != nil {
		return Hello{}, err
	}
	defer p.close(a.timeouts().Close)
	return greet(ctx, p, a.Name, a.timeouts().Hello)
}

// Algorithm makes the registry entry of an adapter whose parameters are
// spec.
func (a *Adapter) Algorithm(doc string, metrics []vector.Metric, spec algorithms.Spec) algorithms.Algorithm {
	return algorithms.Algorithm{
		Name: a.Name, Doc: doc, Metrics: metrics, Params: spec,
		New: func(metric vector.Metric, dim int, index algorithms.Params) (algorithms.Index, error) {
			if err := algorithms.CheckShape(metric, dim); err != nil {
				return nil, fmt.Errorf("%s: %w", a.Name, err)
			}
			return &Index{ad: a, metric: metric, dim: dim, params: index, threads: 1}, nil
		},
		Check: func(ctx context.Context) error {
			h, err := a.Probe(ctx)
			if err != nil {
				return err
			}
			return sameSpec(a.Name, h, spec)
		},
	}
}

// UserAlgorithm greets a user's adapter started by command and makes its
// registry entry from the parameters and metrics it declares.
func UserAlgorithm(ctx context.Context, a *Adapter) (algorithms.Algorithm, error) {
	h, err := a.Probe(ctx)
	if err != nil {
		return algorithms.Algorithm{}, err
	}
	spec, err := h.Spec()
	if err != nil {
		return algorithms.Algorithm{}, fmt.Errorf("%s: adapter %s: %w", a.Name, strings.Join(a.Command, " "), err)
	}
	metrics := vector.Metrics
	if len(h.Capabilities.Metrics) > 0 {
		metrics = nil
		for _, m := range h.Capabilities.Metrics {
			if vm := vector.Metric(m); vm.Valid() {
				metrics = append(metrics, vm)
			}
		}
	}
	doc := fmt.Sprintf("user adapter %s (%s %s)", strings.Join(a.Command, " "), h.Name, h.Version)
	alg := a.Algorithm(doc, metrics, spec)
	alg.Check = nil // already greeted
	return alg, nil
}

// sameSpec checks that a shipped adapter declares the parameters annbench
// lists for it, so a stale script cannot be run with the wrong meaning.
func sameSpec(name string, h Hello, want algorithms.Spec) error {
	got, err := h.Spec()
	if err != nil {
		return adapterErr(err, "%s: %v", name, err)
	}
	key := func(s algorithms.Spec) string {
		var b strings.Builder
		for _, p := range s {
			fmt.Fprintf(&b, "%s:%s:%s:%v:%g:%g;", p.Name, p.Kind, p.Stage, p.Default, p.Min, p.Max)
		}
		return b.String()
	}
	if key(got) != key(want) {
		return adapterErr(nil, "%s: the adapter declares parameters %s, annbench expects %s", name, key(got), key(want))
	}
	return nil
}
