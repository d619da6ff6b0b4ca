package algorithms

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
)

// Params holds parameter values by name. Values are int, float64, bool or
// string after Spec.Normalize.
type Params map[string]any

// Kind is the type of a parameter value.
type Kind string

// Parameter kinds.
const (
	Int    Kind = "int"
	Float  Kind = "float"
	Bool   Kind = "bool"
	String Kind = "string"
)

// Stage says when a parameter takes effect.
type Stage string

// Parameter stages.
const (
	// IndexTime parameters shape the built index; changing one means a
	// rebuild.
	IndexTime Stage = "index"
	// QueryTime parameters are applied with QueryTuner.SetQuery.
	QueryTime Stage = "query"
)

// ParamSpec documents one parameter of an algorithm.
type ParamSpec struct {
	// Name is the key used in configs, e.g. "ef_construction".
	Name string
	// Kind is the value type.
	Kind Kind
	// Stage says whether the parameter is index-time or query-time.
	Stage Stage
	// Default is the value used when a config omits the parameter.
	Default any
	// Min and Max bound numeric values when Max > Min.
	Min, Max float64
	// Choices lists the allowed values of a string parameter, if limited.
	Choices []string
	// Doc is one sentence on what the parameter does.
	Doc string
}

// Spec is the full parameter list of an algorithm.
type Spec []ParamSpec

// Lookup returns the parameter named name.
func (s Spec) Lookup(name string) (ParamSpec, bool) {
	for _, p := range s {
		if p.Name == name {
			return p, true
		}
	}
	return ParamSpec{}, false
}

// Defaults returns the default value of every parameter of the given stage
// that has one.
func (s Spec) Defaults(stage Stage) Params {
	out := Params{}
	for _, p := range s {
		if p.Stage == stage && p.Default != nil {
			out[p.Name] = p.Default
		}
	}
	return out
}

// Names returns the names of the parameters of the given stage.
func (s Spec) Names(stage Stage) []string {
	var out []string
	for _, p := range s {
		if p.Stage == stage {
			out = append(out, p.Name)
		}
	}
	return out
}

// Normalize checks raw values against the spec for one stage, converts them
// to their kinds and fills in defaults. Errors name the parameter and list
// the valid names.
func (s Spec) Normalize(stage Stage, raw map[string]any) (Params, error) {
	out := Params{}
	var errs []string
	for name, v := range raw {
		p, ok := s.Lookup(name)
		if !ok || p.Stage != stage {
			errs = append(errs, fmt.Sprintf("unknown %s parameter %q (valid: %s)", stage, name, listOrNone(s.Names(stage))))
			continue
		}
		cv, err := p.Convert(v)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		out[name] = cv
	}
	for _, p := range s {
		if _, ok := out[p.Name]; !ok && p.Stage == stage && p.Default != nil {
			out[p.Name] = p.Default
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

// Convert checks one value against p and returns it as p's kind.
func (p ParamSpec) Convert(v any) (any, error) {
	switch p.Kind {
	case Int:
		var n int
		switch x := v.(type) {
		case int:
			n = x
		case int64:
			n = int(x)
		case float64:
			if x != math.Trunc(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("parameter %q: want an integer, got %v", p.Name, v)
			}
			n = int(x)
		default:
			return nil, fmt.Errorf("parameter %q: want an integer, got %s %v", p.Name, typeName(v), v)
		}
		if p.Max > p.Min && (float64(n) < p.Min || float64(n) > p.Max) {
			return nil, fmt.Errorf("parameter %q: %d is outside [%g, %g]", p.Name, n, p.Min, p.Max)
		}
		return n, nil
	case Float:
		var f float64
		switch x := v.(type) {
		case int:
			f = float64(x)
		case int64:
			f = float64(x)
		case float64:
			f = x
		default:
			return nil, fmt.Errorf("parameter %q: want a number, got %s %v", p.Name, typeName(v), v)
		}
		if p.Max > p.Min && (f < p.Min || f > p.Max) {
			return nil, fmt.Errorf("parameter %q: %g is outside [%g, %g]", p.Name, f, p.Min, p.Max)
		}
		return f, nil
	case Bool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("parameter %q: want true or false, got %s %v", p.Name, typeName(v), v)
		}
		return b, nil
	case String:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("parameter %q: want a string, got %s %v", p.Name, typeName(v), v)
		}
		if len(p.Choices) > 0 {
			for _, c := range p.Choices {
				if c == s {
					return s, nil
				}
			}
			return nil, fmt.Errorf("parameter %q: %q is not one of %s", p.Name, s, strings.Join(p.Choices, ", "))
		}
		return s, nil
	}
	return nil, fmt.Errorf("parameter %q: spec has unknown kind %q", p.Name, p.Kind)
}

// Int returns the integer parameter name, or def when it is absent.
func (p Params) Int(name string, def int) int {
	if v, ok := p[name].(int); ok {
		return v
	}
	return def
}

// Float returns the numeric parameter name, or def when it is absent.
func (p Params) Float(name string, def float64) float64 {
	switch v := p[name].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	}
	return def
}

// Bool returns the boolean parameter name, or def when it is absent.
func (p Params) Bool(name string, def bool) bool {
	if v, ok := p[name].(bool); ok {
		return v
	}
	return def
}

// String returns the string parameter name, or def when it is absent.
func (p Params) String(name string, def string) string {
	if v, ok := p[name].(string); ok {
		return v
	}
	return def
}

// Slug renders the parameters as a stable, file-name-safe string such as
// "M=16_ef_construction=200", sorted by name; "default" when empty.
func (p Params) Slug() string {
	if len(p) == 0 {
		return "default"
	}
	keys := slices.Sorted(maps.Keys(p))
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('_')
		}
		fmt.Fprintf(&b, "%s=%v", k, p[k])
	}
	return sanitize(b.String())
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '=', r == '_', r == '-', r == '.':
			return r
		}
		return '-'
	}, s)
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "bool"
	case int, int64:
		return "integer"
	case float64:
		return "number"
	case []any:
		return "list"
	case map[string]any:
		return "map"
	}
	return fmt.Sprintf("%T", v)
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
