package external

import (
	"fmt"
	"math"
	"strings"

	"github.com/annbench/annbench/algorithms"
)

// ProtocolVersion is the protocol version the harness speaks; an adapter
// answering hello with another one is refused.
const ProtocolVersion = 1

// helloRequest opens a session.
type helloRequest struct {
	Op        string `json:"op"`
	Protocol  int    `json:"protocol"`
	Algorithm string `json:"algorithm"`
}

// Capabilities lists what an adapter supports.
type Capabilities struct {
	// Modes holds "single" and/or "batch".
	Modes []string `json:"modes"`
	// Metrics holds the supported metrics (l2, ip, angular).
	Metrics []string `json:"metrics"`
	// Distances is true when the adapter can write result distances.
	Distances bool `json:"distances,omitempty"`
	// Filter is true when the adapter accepts a search request's allow
	// file; adapters without it are not run on filtered workloads.
	Filter bool `json:"filter,omitempty"`
}

// ParamDecl is one parameter as an adapter declares it in hello.
type ParamDecl struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Stage   string   `json:"stage"`
	Default any      `json:"default,omitempty"`
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Doc     string   `json:"doc,omitempty"`
}

// Hello is an adapter's answer to hello.
type Hello struct {
	Protocol     int          `json:"protocol"`
	Name         string       `json:"name"`
	Version      string       `json:"version"`
	Library      string       `json:"library,omitempty"`
	Capabilities Capabilities `json:"capabilities"`
	Params       []ParamDecl  `json:"params"`
}

// buildRequest builds the index over the base file.
type buildRequest struct {
	Op      string         `json:"op"`
	Metric  string         `json:"metric"`
	Dim     int            `json:"dim"`
	Base    string         `json:"base"`
	Train   string         `json:"train,omitempty"`
	Params  map[string]any `json:"params"`
	Threads int            `json:"threads"`
}

// buildResponse reports a finished build.
type buildResponse struct {
	Seconds    float64 `json:"build_seconds"`
	IndexBytes int64   `json:"index_bytes,omitempty"`
}

// setQueryRequest applies query-time parameters.
type setQueryRequest struct {
	Op     string         `json:"op"`
	Params map[string]any `json:"params"`
}

// searchRequest runs warm-up and timed passes.
type searchRequest struct {
	Op             string  `json:"op"`
	Queries        string  `json:"queries"`
	K              int     `json:"k"`
	Mode           string  `json:"mode"`
	Threads        int     `json:"threads"`
	Warmup         int     `json:"warmup"`
	Passes         int     `json:"passes"`
	Repeats        int     `json:"repeats"`
	MinPassSeconds float64 `json:"min_pass_seconds,omitempty"`
	IDsOut         string  `json:"ids_out"`
	LatenciesOut   string  `json:"latencies_out,omitempty"`
	DistancesOut   string  `json:"distances_out,omitempty"`
	// Allow is the path of the allow file (see PROTOCOL.md); empty for an
	// unfiltered search.
	Allow string `json:"allow,omitempty"`
}

// searchResponse reports the timed passes.
type searchResponse struct {
	PassSeconds []float64 `json:"pass_seconds"`
	// PassCPUSeconds, optional, is the adapter process's CPU time during
	// each timed pass.
	PassCPUSeconds []float64 `json:"pass_cpu_seconds"`
	WarmupSeconds  float64   `json:"warmup_seconds"`
	Repeats        int       `json:"repeats"`
	Latencies      int       `json:"latencies"`
	// Filter is "native" or "post" for a search with an allow file.
	Filter string `json:"filter,omitempty"`
}

// closeRequest ends the session.
type closeRequest struct {
	Op string `json:"op"`
}

// envelope is the part every response shares.
type envelope struct {
	OK    *bool  `json:"ok"`
	Error string `json:"error"`
}

// Spec converts the declared parameters to an algorithms.Spec, rejecting
// declarations the harness could not check values against.
func (h Hello) Spec() (algorithms.Spec, error) {
	var spec algorithms.Spec
	var errs []string
	seen := map[string]bool{}
	for i, d := range h.Params {
		p, err := d.spec()
		if err != nil {
			errs = append(errs, fmt.Sprintf("params[%d] %q: %v", i, d.Name, err))
			continue
		}
		if seen[p.Name] {
			errs = append(errs, fmt.Sprintf("params[%d]: %q declared twice", i, d.Name))
			continue
		}
		seen[p.Name] = true
		spec = append(spec, p)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("bad parameter declarations: %s", strings.Join(errs, "; "))
	}
	return spec, nil
}

func (d ParamDecl) spec() (algorithms.ParamSpec, error) {
	if d.Name == "" {
		return algorithms.ParamSpec{}, fmt.Errorf("empty name")
	}
	p := algorithms.ParamSpec{Name: d.Name, Kind: algorithms.Kind(d.Kind), Stage: algorithms.Stage(d.Stage),
		Choices: d.Choices, Doc: d.Doc}
	switch p.Kind {
	case algorithms.Int, algorithms.Float, algorithms.Bool, algorithms.String:
	default:
		return p, fmt.Errorf("kind %q (want int, float, bool or string)", d.Kind)
	}
	switch p.Stage {
	case algorithms.IndexTime, algorithms.QueryTime:
	default:
		return p, fmt.Errorf("stage %q (want index or query)", d.Stage)
	}
	if (d.Min == nil) != (d.Max == nil) {
		return p, fmt.Errorf("min and max must be given together")
	}
	if d.Min != nil {
		if math.IsNaN(*d.Min) || math.IsNaN(*d.Max) || *d.Max <= *d.Min {
			return p, fmt.Errorf("range [%v, %v] is empty", *d.Min, *d.Max)
		}
		p.Min, p.Max = *d.Min, *d.Max
	}
	if d.Default != nil {
		v, err := p.Convert(d.Default)
		if err != nil {
			return p, fmt.Errorf("default: %w", err)
		}
		p.Default = v
	}
	return p, nil
}

// validate checks the fields of a hello answer the harness relies on.
func (h Hello) validate() error {
	if h.Protocol != ProtocolVersion {
		return fmt.Errorf("speaks protocol %d, annbench speaks %d", h.Protocol, ProtocolVersion)
	}
	if h.Name == "" {
		return fmt.Errorf("hello: empty name")
	}
	if len(h.Capabilities.Modes) == 0 {
		return fmt.Errorf("hello: capabilities.modes is empty (want single and/or batch)")
	}
	for _, m := range h.Capabilities.Modes {
		if m != "single" && m != "batch" {
			return fmt.Errorf("hello: capabilities.modes: unknown mode %q (want single or batch)", m)
		}
	}
	return nil
}

func (h Hello) supportsMode(m string) bool {
	for _, x := range h.Capabilities.Modes {
		if x == m {
			return true
		}
	}
	return false
}

func (h Hello) supportsMetric(m string) bool {
	if len(h.Capabilities.Metrics) == 0 {
		return true
	}
	for _, x := range h.Capabilities.Metrics {
		if x == m {
			return true
		}
	}
	return false
}
