package result

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// ParamString renders parameters as "a=1, b=x" sorted by name, or "-"
// when there are none. Integral numbers print without a decimal point,
// whatever type JSON decoding gave them.
func ParamString(m map[string]any) string {
	return ParamJoin(m, ", ", "-")
}

// ParamKey is a compact stable key for matching parameter sets: "a=1,b=x",
// "" when there are none.
func ParamKey(m map[string]any) string {
	return ParamJoin(m, ",", "")
}

// ParamJoin renders parameters as name=value pairs sorted by name and
// joined by sep (values as FormatValue prints them), or empty when there
// are none.
func ParamJoin(m map[string]any, sep, empty string) string {
	if len(m) == 0 {
		return empty
	}
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + FormatValue(m[k])
	}
	return strings.Join(parts, sep)
}

// VaryingParams returns the keys whose values (compared as FormatValue
// prints them) are not the same in every one of ms, a key missing from
// some map counting as differing.
func VaryingParams[M ~map[string]any](ms []M) map[string]bool {
	varying := map[string]bool{}
	for _, a := range ms {
		for _, b := range ms {
			for k, v := range a {
				if w, ok := b[k]; !ok || FormatValue(v) != FormatValue(w) {
					varying[k] = true
				}
			}
		}
	}
	return varying
}

// FormatValue prints one parameter value: integral numbers without a
// decimal point whatever type JSON decoding gave them, strings as they
// are, nil as null.
func FormatValue(v any) string {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return FormatValue(float64(x))
	case string:
		return x
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

// FindPoint returns the index of the point measured with query parameters
// qp, or -1. Values compare as JSON does, so an int from a config matches
// the float64 read back from a file.
func (r *Result) FindPoint(qp map[string]any) int {
	want := normalizeJSON(qp)
	for i, p := range r.Points {
		if reflect.DeepEqual(normalizeJSON(p.QueryParams), want) {
			return i
		}
	}
	return -1
}

// normalizeJSON round-trips v through JSON so values read from a file and
// values from the config compare equal (ints become float64).
func normalizeJSON(v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out map[string]any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	if out == nil {
		out = map[string]any{}
	}
	return out
}
