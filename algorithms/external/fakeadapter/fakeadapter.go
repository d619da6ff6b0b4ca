// Package fakeadapter is a fake external adapter for tests: it speaks the
// protocol of algorithms/external with exact search in Go and misbehaves
// on demand (duplicate or out-of-range ids, kill -9, a hang, malformed
// JSON, a short result file, implausible times, a missing library). A test
// binary serves it by calling Main from TestMain when Env is set, and names
// its own executable as the adapter command.
//
// Test support: it imports only datasets and datasets/vector.
package fakeadapter

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"syscall"
	"time"

	"github.com/annbench/annbench/datasets"
	"github.com/annbench/annbench/datasets/vector"
)

// Env is the environment variable holding the behaviour; a test binary
// whose TestMain sees it set runs Main instead of its tests.
const Env = "ANNBENCH_FAKE_ADAPTER"

// Behaviours.
const (
	OK        = "ok"
	Duplicate = "duplicate"   // every result repeats its first id
	Range     = "range"       // every result's last id is n+7
	Crash     = "crash"       // kill -9 itself during the second search
	Hang      = "hang"        // never answers the second search
	Garbage   = "garbage"     // answers the second search with broken JSON
	ShortFile = "short"       // writes an ids file one id short
	NoLibrary = "nolib"       // hello fails like a missing Python module
	Fast      = "fast"        // reports pass times ten times too short
	Stdout    = "stdoutnoise" // prints a non-JSON line before answering hello
	NoFilter  = "nofilter"    // does not declare the filter capability
)

// Main serves the protocol on stdin/stdout with the given behaviour and
// returns the exit code.
func Main(mode string) int {
	out := bufio.NewWriter(os.Stdout)
	answer := func(v map[string]any) {
		b, _ := json.Marshal(v)
		out.Write(append(b, '\n'))
		out.Flush()
	}
	fail := func(msg string) { answer(map[string]any{"ok": false, "error": msg}) }
	var base, queries vector.Matrix
	searches := 0
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for in.Scan() {
		var req map[string]any
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fail("bad request: " + err.Error())
			continue
		}
		fmt.Fprintf(os.Stderr, "fake: %v\n", req["op"])
		switch req["op"] {
		case "hello":
			if mode == NoLibrary {
				fail("Python module fakelib not found: pip install fakelib")
				continue
			}
			if mode == Stdout {
				fmt.Fprintln(out, "loading fakelib 1.0")
			}
			caps := map[string]any{"modes": []string{"single", "batch"}, "metrics": []string{"l2"}, "filter": mode != NoFilter}
			answer(map[string]any{"ok": true, "protocol": 1, "name": "fake", "version": "0.1", "library": "fakelib 1.0",
				"capabilities": caps,
				"params": []map[string]any{
					{"name": "width", "kind": "int", "stage": "index", "default": 4, "min": 1, "max": 64, "doc": "ignored"},
					{"name": "depth", "kind": "int", "stage": "query", "default": 1, "min": 1, "max": 100, "doc": "ignored"}}})
		case "build":
			m, err := readMatrix(req["base"].(string))
			if err != nil {
				fail(err.Error())
				continue
			}
			base = m
			answer(map[string]any{"ok": true, "build_seconds": 0.001})
		case "set_query":
			if d, _ := req["params"].(map[string]any)["depth"].(float64); d == 99 {
				fail("depth 99 is unlucky")
				continue
			}
			answer(map[string]any{"ok": true})
		case "search":
			searches++
			if searches == 2 {
				switch mode {
				case Crash:
					fmt.Fprintln(os.Stderr, "fake: about to die")
					syscall.Kill(os.Getpid(), syscall.SIGKILL)
				case Hang:
					fmt.Fprintln(os.Stderr, "fake: stuck")
					time.Sleep(time.Hour)
				case Garbage:
					fmt.Fprintln(out, `{"ok": true, "pass_seconds": [0.1,`)
					out.Flush()
					continue
				}
			}
			m, err := readMatrix(req["queries"].(string))
			if err != nil {
				fail(err.Error())
				continue
			}
			queries = m
			var allow []func(int32) bool
			if path, _ := req["allow"].(string); path != "" {
				if allow, err = readAllow(path, queries.Rows); err != nil {
					fail(err.Error())
					continue
				}
			}
			k := int(req["k"].(float64))
			passes := int(req["passes"].(float64))
			repeats := int(req["repeats"].(float64))
			single := req["mode"] == "single"
			var ids [][]int32
			var lat []float64
			var passSec []float64
			for p := 0; p < passes; p++ {
				start := time.Now()
				prev := start
				for r := 0; r < repeats; r++ {
					ids = ids[:0]
					for i := 0; i < queries.Rows; i++ {
						if allow != nil {
							ids = append(ids, exactAllowed(base, queries.Row(i), k, allow[i]))
						} else {
							ids = append(ids, Exact(base, queries.Row(i), k))
						}
						if single {
							now := time.Now()
							lat = append(lat, float64(now.Sub(prev)))
							prev = now
						}
					}
				}
				passSec = append(passSec, time.Since(start).Seconds())
			}
			for _, row := range ids {
				switch mode {
				case Duplicate:
					for j := range row {
						row[j] = row[0]
					}
				case Range:
					row[len(row)-1] = int32(base.Rows + 7)
				}
			}
			rows := queries.Rows
			if mode == ShortFile {
				rows-- // the header still claims every query
			}
			buf := binary.LittleEndian.AppendUint32(nil, uint32(queries.Rows))
			buf = binary.LittleEndian.AppendUint32(buf, uint32(k))
			for i := 0; i < rows; i++ {
				for j := 0; j < k; j++ {
					v := int32(-1)
					if j < len(ids[i]) {
						v = ids[i][j]
					}
					buf = binary.LittleEndian.AppendUint32(buf, uint32(v))
				}
			}
			os.WriteFile(req["ids_out"].(string), buf, 0o644)
			if single {
				lb := make([]byte, 0, 8*len(lat))
				for _, v := range lat {
					lb = binary.LittleEndian.AppendUint64(lb, math.Float64bits(v))
				}
				os.WriteFile(req["latencies_out"].(string), lb, 0o644)
			}
			if mode == Fast {
				for i := range passSec {
					passSec[i] /= 10
				}
				time.Sleep(300 * time.Millisecond)
			}
			resp := map[string]any{"ok": true, "pass_seconds": passSec, "warmup_seconds": 0, "repeats": repeats, "latencies": len(lat)}
			if allow != nil {
				resp["filter"] = "native"
			}
			answer(resp)
		case "close":
			answer(map[string]any{"ok": true})
			return 0
		default:
			fail(fmt.Sprintf("unknown op %v", req["op"]))
		}
	}
	return 0
}

// readMatrix reads the fbin file a request names into memory of its own.
func readMatrix(path string) (vector.Matrix, error) {
	m, closer, err := datasets.ReadFbin(path, 0)
	if err != nil {
		return vector.Matrix{}, err
	}
	defer closer.Close()
	return m.Compact(true), nil
}

// readAllow decodes an allow file of nq queries into one membership test
// per query.
func readAllow(path string, nq int) ([]func(int32) bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	next := func() (int32, error) {
		if len(b) < 4 {
			return 0, fmt.Errorf("%s: truncated", path)
		}
		v := int32(binary.LittleEndian.Uint32(b))
		b = b[4:]
		return v, nil
	}
	out := make([]func(int32) bool, nq)
	for i := range out {
		tag, err := next()
		if err != nil {
			return nil, err
		}
		a, err := next()
		if err != nil {
			return nil, err
		}
		switch tag {
		case 0:
			hi, err := next()
			if err != nil {
				return nil, err
			}
			lo := a
			out[i] = func(id int32) bool { return id >= lo && id < hi }
		case 1:
			set := map[int32]bool{}
			for j := int32(0); j < a; j++ {
				id, err := next()
				if err != nil {
					return nil, err
				}
				set[id] = true
			}
			out[i] = func(id int32) bool { return set[id] }
		default:
			return nil, fmt.Errorf("%s: query %d: unknown tag %d", path, i, tag)
		}
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%s: %d bytes after the last query", path, len(b))
	}
	return out, nil
}

// exactAllowed returns the k nearest allowed rows of base to q.
func exactAllowed(base vector.Matrix, q []float32, k int, ok func(int32) bool) []int32 {
	var out []int32
	for _, id := range Exact(base, q, base.Rows) {
		if ok(id) {
			out = append(out, id)
			if len(out) == k {
				break
			}
		}
	}
	return out
}

// Exact returns the k nearest rows of base to q by squared L2.
func Exact(base vector.Matrix, q []float32, k int) []int32 {
	type cand struct {
		d  float32
		id int32
	}
	c := make([]cand, base.Rows)
	for i := range c {
		var s float32
		for j, v := range base.Row(i) {
			d := v - q[j]
			s += d * d
		}
		c[i] = cand{s, int32(i)}
	}
	sort.Slice(c, func(a, b int) bool { return c[a].d < c[b].d || c[a].d == c[b].d && c[a].id < c[b].id })
	out := make([]int32, min(k, len(c)))
	for i := range out {
		out[i] = c[i].id
	}
	return out
}
