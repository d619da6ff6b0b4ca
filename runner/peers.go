package runner

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
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

// ImportPeers converts the JSON lines printed by a reference-library
// script (faiss, hnswlib: one object per point with peer, index, query,
// recall1, recall10, qps and build_s, after a dataset header) into result
// files for dataset, one per peer × index parameters, so they plot and
// tabulate beside annbench's own indexes. The script reports the fastest
// of its passes as qps; that figure fills QPS, QPSMin and QPSMax alike.
func ImportPeers(r io.Reader, dataset string, machine result.Machine) ([]*result.Result, error) {
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
			continue
		}
		if pl.Peer == "" {
			return nil, fmt.Errorf("peer output line %d: neither a dataset header nor a point (no \"peer\")", line)
		}
		idx := pl.Index
		if idx == nil {
			idx = map[string]any{}
		}
		key := pl.Peer + "|" + fmt.Sprint(sortedPairs(idx))
		res, ok := byKey[key]
		if !ok {
			res = &result.Result{Schema: result.Schema, Dataset: dataset, Metric: metric, Algorithm: pl.Peer, IndexParams: idx,
				K: 10, Mode: mode, Threads: 1, Trials: 1, Queries: nq, Machine: machine,
				Build: result.Build{Seconds: pl.BuildS}, Started: now, Finished: now}
			byKey[key] = res
			order = append(order, key)
		}
		q := pl.Query
		if q == nil {
			q = map[string]any{}
		}
		res.Points = append(res.Points, result.Point{QueryParams: q, Recall: pl.Recall10, RecallAt1: pl.Recall1,
			QPS: pl.QPS, QPSMin: pl.QPS, QPSMax: pl.QPS, PassQPS: []float64{pl.QPS}})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read peer output: %w", err)
	}
	out := make([]*result.Result, 0, len(order))
	for _, k := range order {
		out = append(out, byKey[k])
	}
	return out, nil
}

func sortedPairs(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(out)
	return out
}
