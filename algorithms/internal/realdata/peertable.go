package realdata

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets"
)

// PeerDataset opens the dataset named by ANNBENCH_PEERTABLE for a peer
// table, skipping t when that variable is unset. When ANNBENCH_PEER_NQ is a
// positive number below the query count, only that many queries are kept.
func PeerDataset(t *testing.T) *datasets.Dataset {
	t.Helper()
	name := os.Getenv("ANNBENCH_PEERTABLE")
	if name == "" {
		t.Skip("ANNBENCH_PEERTABLE is not set (e.g. siftsmall or fashion-mnist)")
	}
	d := Open(t, name)
	if nq := EnvInt(t, "ANNBENCH_PEER_NQ", 0); nq > 0 && nq < d.Query.Rows {
		d.Query = d.Query.Slice(0, nq)
	}
	return d
}

// EnvInt returns the integer in environment variable name, or def when it
// is unset. A value that is not an integer fails t.
func EnvInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil {
		t.Fatalf("%s=%q: want an integer", name, v)
	}
	return n
}

// Field is one integer parameter of a peer-table row; fields print in the
// order given.
type Field struct {
	// Name is the parameter name as the peer script spells it.
	Name string
	// Value is the parameter's value.
	Value int
}

// PeerRow measures idx with its current query setting, as the faiss peer
// script does: one warm-up pass, then the fastest of three passes over
// d.Query (one thread, one query at a time). It prints one line of JSON in
// the peer script's format to w, naming the peer and the index and query
// fields, with recall@10 (tie-aware, see algorithms/score; the script
// counts id matches, which can only read lower at ties), QPS and the build
// time. res holds the results (see NewResults).
func PeerRow(tb testing.TB, w io.Writer, peer string, index, query []Field, idx algorithms.Index, d *datasets.Dataset, res [][]int32, build time.Duration) {
	Pass(idx, d.Query, res) // warm-up
	times := make([]time.Duration, 3)
	for i := range times {
		times[i] = Pass(idx, d.Query, res)
	}
	best := slices.Min(times)
	fmt.Fprintf(w, "{\"peer\": %q, \"index\": %s, \"query\": %s, \"recall10\": %.4f, \"qps\": %.1f, \"build_s\": %.3f}\n",
		peer, fields(index), fields(query), Recall10(tb, d, res), float64(d.Query.Rows)/best.Seconds(), build.Seconds())
}

// fields formats fs as a JSON object in their order.
func fields(fs []Field) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %d", f.Name, f.Value)
	}
	b.WriteByte('}')
	return b.String()
}
