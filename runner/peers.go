package runner

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"time"

	"github.com/annbench/annbench/runner/config"
	"github.com/annbench/annbench/runner/result"
)

// peerLine is one line of the reference-library script's JSON output:
// either the dataset header or one measured point.
type peerLine struct {
	Dataset *struct {
		N      int    `json:"n"`
		D      int    `json:"d"`
		NQ     int    `json:"nq"`
		Metric string `json:"metric"`
		Mode   string `json:"mode"`
		Faiss  string `json:"faiss"`
	} `json:"dataset"`
	Peer     string         `json:"peer"`
	Index    map[string]any `json:"index"`
	Query    map[string]any `json:"query"`
	Recall1  float64        `json:"recall1"`
	Recall10 float64        `json:"recall10"`
	QPS      float64        `json:"qps"`
	BuildS   float64        `json:"build_s"`
}

// PeerSource is what ImportPeers needs besides the script's output.
type PeerSource struct {
	// Dataset names the dataset the script ran on; Fingerprint is its
	// content fingerprint.
	Dataset, Fingerprint string
	// Machine is where the script ran.
	Machine result.Machine
	// Builtin reports whether a name is one of annbench's own
	// algorithms; a peer of that name is refused, so it can never stand
	// in for (or replace the file of) a built-in index. Nil allows every
	// name.
	Builtin func(name string) bool
}

// ImportPeers converts the JSON lines printed by a reference-library
// script (faiss, hnswlib: one object per point with peer, index, query,
// recall1, recall10, qps and build_s, after a dataset header) into
// results, one per peer × index parameters, so they plot and tabulate
// beside annbench's own indexes. The script reports the fastest of its
// passes as qps; that figure fills QPS, QPSMin and QPSMax alike.
//
// Nothing the script prints is trusted: a peer name must be a safe file
// name (result.CheckName) and not a built-in algorithm's, recalls must lie
// in [0, 1], QPS must be positive and finite and build_s non-negative;
// anything else is an error naming the line.
func ImportPeers(r io.Reader, src PeerSource) ([]*result.Result, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	byKey := map[string]*result.Result{}
	var order []string
	mode, metric, nq := config.ModeSingle, "", 0
	now := time.Now().UTC()
	for line := 1; sc.Scan(); line++ {
		text := sc.Bytes()
		if len(text) == 0 || text[0] != '{' {
			continue
		}
		var pl peerLine
		if err := json.Unmarshal(text, &pl); err != nil {
			return nil, fmt.Errorf("peer output line %d: %w", line, err)
		}
		if pl.Dataset != nil {
			mode, metric, nq = pl.Dataset.Mode, pl.Dataset.Metric, pl.Dataset.NQ
			if metric == "euclidean" {
				metric = "l2"
			}
			if mode != config.ModeSingle && mode != config.ModeBatch {
				return nil, fmt.Errorf("peer output line %d: dataset mode %q, want %q or %q", line, mode, config.ModeSingle, config.ModeBatch)
			}
			if nq < 0 {
				return nil, fmt.Errorf("peer output line %d: dataset nq %d, want a non-negative query count", line, nq)
			}
			continue
		}
		if pl.Peer == "" {
			return nil, fmt.Errorf("peer output line %d: neither a dataset header nor a point (no \"peer\")", line)
		}
		if err := checkPeerLine(&pl, src.Builtin); err != nil {
			return nil, fmt.Errorf("peer output line %d: %w", line, err)
		}
		idx := pl.Index
		if idx == nil {
			idx = map[string]any{}
		}
		key := pl.Peer + "|" + fmt.Sprint(sortedPairs(idx))
		res, ok := byKey[key]
		if !ok {
			res = &result.Result{Schema: result.Schema, Dataset: src.Dataset, DatasetFingerprint: src.Fingerprint,
				Metric: metric, Algorithm: pl.Peer, IndexParams: idx, K: 10, Mode: mode, Threads: 1, Queries: nq,
				Build: result.Build{Seconds: pl.BuildS}, Started: now, Finished: now}
			byKey[key] = res
			order = append(order, key)
		}
		q := pl.Query
		if q == nil {
			q = map[string]any{}
		}
		pt := result.Point{QueryParams: q, Recall: pl.Recall10, RecallAt1: pl.Recall1,
			QPS: pl.QPS, QPSMin: pl.QPS, QPSMax: pl.QPS, PassQPS: []float64{pl.QPS}}
		stamp(&pt, 1, res.AddMachine(src.Machine))
		res.Points = append(res.Points, pt)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read peer output: %w", err)
	}
	out := make([]*result.Result, 0, len(order))
	for _, k := range order {
		if err := result.Validate(byKey[k]); err != nil {
			return nil, fmt.Errorf("peer %s: %w", byKey[k].Algorithm, err)
		}
		out = append(out, byKey[k])
	}
	return out, nil
}

// checkPeerLine rejects a point line whose name or figures cannot be
// trusted.
func checkPeerLine(pl *peerLine, builtin func(string) bool) error {
	if err := result.CheckName("peer", pl.Peer); err != nil {
		return err
	}
	if builtin != nil && builtin(pl.Peer) {
		return fmt.Errorf("peer %q has the name of a built-in annbench algorithm; name it after the library (e.g. %q)", pl.Peer, "lib-"+pl.Peer)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"recall1", pl.Recall1}, {"recall10", pl.Recall10}} {
		if math.IsNaN(f.v) || f.v < 0 || f.v > 1 {
			return fmt.Errorf("peer %s: %s %v outside [0, 1]", pl.Peer, f.name, f.v)
		}
	}
	if math.IsNaN(pl.QPS) || math.IsInf(pl.QPS, 0) || pl.QPS <= 0 {
		return fmt.Errorf("peer %s: qps %v, want a positive finite number", pl.Peer, pl.QPS)
	}
	if math.IsNaN(pl.BuildS) || math.IsInf(pl.BuildS, 0) || pl.BuildS < 0 {
		return fmt.Errorf("peer %s: build_s %v, want a non-negative finite number", pl.Peer, pl.BuildS)
	}
	return nil
}

func sortedPairs(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(out)
	return out
}
