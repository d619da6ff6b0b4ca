package vector

import (
	"fmt"
	"strings"
)

// Metric names the dissimilarity that ranks neighbours.
type Metric string

// The metrics every index supports.
const (
	// L2 ranks by squared Euclidean distance, smallest first.
	L2 Metric = "l2"
	// IP ranks by inner product, largest first (maximum inner product search).
	IP Metric = "ip"
	// Angular ranks by cosine similarity. Vectors are normalized once at load
	// time, after which it is the same ranking as IP.
	Angular Metric = "angular"
)

// Metrics lists every supported metric in a stable order.
var Metrics = []Metric{L2, IP, Angular}

// ParseMetric turns a metric name into a Metric. It accepts the
// ann-benchmarks spellings "euclidean", "angular" and "dot" as well.
func ParseMetric(s string) (Metric, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "l2", "euclidean", "sqeuclidean":
		return L2, nil
	case "ip", "dot", "inner_product", "mips":
		return IP, nil
	case "angular", "cosine":
		return Angular, nil
	}
	return "", fmt.Errorf("unknown metric %q (valid: l2, ip, angular)", s)
}

// Valid reports whether m is one of the supported metrics.
func (m Metric) Valid() bool {
	return m == L2 || m == IP || m == Angular
}
