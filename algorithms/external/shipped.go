package external

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/annbench/annbench/algorithms"
	"github.com/annbench/annbench/datasets/atomicfile"
	"github.com/annbench/annbench/datasets/vector"
)

//go:embed adapters/*.py adapters/*.js
var scripts embed.FS

var scriptsOnce struct {
	sync.Mutex
	dirs map[string]string
}

// scriptDir writes the embedded adapters under cache/adapters/<hash> (once;
// the hash of their content keeps binaries of other versions apart) and
// returns that directory.
func scriptDir(cache string) (string, error) {
	scriptsOnce.Lock()
	defer scriptsOnce.Unlock()
	if d, ok := scriptsOnce.dirs[cache]; ok {
		return d, nil
	}
	entries, err := fs.ReadDir(scripts, "adapters")
	if err != nil {
		return "", fmt.Errorf("embedded adapters: %w", err)
	}
	h := sha256.New()
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := scripts.ReadFile("adapters/" + e.Name())
		if err != nil {
			return "", fmt.Errorf("embedded adapters: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(b))
		h.Write(b)
		files[e.Name()] = b
	}
	dir := filepath.Join(cache, "adapters", hex.EncodeToString(h.Sum(nil))[:12])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write adapters: %w", err)
	}
	for name, b := range files {
		path := filepath.Join(dir, name)
		if old, err := os.ReadFile(path); err == nil && string(old) == string(b) {
			continue
		}
		if err := atomicfile.WriteFile(path, b, 0o644); err != nil {
			return "", fmt.Errorf("write adapters: %w", err)
		}
	}
	if scriptsOnce.dirs == nil {
		scriptsOnce.dirs = map[string]string{}
	}
	scriptsOnce.dirs[cache] = dir
	return dir, nil
}

// interpreter describes how to find the program that runs a script.
type interpreter struct {
	// env names the variable that picks the program explicitly.
	env string
	// candidates are tried in order when env is unset.
	candidates []string
}

var (
	python = interpreter{env: "ANNBENCH_PYTHON", candidates: []string{"python3", "/usr/bin/python3"}}
	node   = interpreter{env: "ANNBENCH_NODE", candidates: []string{"node"}}
)

// shipped returns the launcher of an embedded script run by in: the first
// candidate interpreter whose hello succeeds wins.
func shipped(in interpreter, script string) func(ctx context.Context, a *Adapter) ([]string, error) {
	return func(ctx context.Context, a *Adapter) ([]string, error) {
		dir, err := scriptDir(a.cacheDir())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Name, err)
		}
		cands := in.candidates
		if v := os.Getenv(in.env); v != "" {
			cands = []string{v}
		}
		var tried []string
		var first error
		seen := map[string]bool{}
		for _, c := range cands {
			path, err := exec.LookPath(c)
			if err != nil {
				tried = append(tried, c+" (not found)")
				continue
			}
			if real, err := filepath.EvalSymlinks(path); err == nil {
				if seen[real] {
					continue
				}
				seen[real] = true
			}
			cmd := []string{path, filepath.Join(dir, script), a.Name}
			_, err = probe(ctx, a, cmd)
			if err == nil {
				return cmd, nil
			}
			if ctx.Err() != nil {
				return nil, err
			}
			if first == nil {
				first = err
				tried = append(tried, c)
			} else {
				tried = append(tried, fmt.Sprintf("%s (%v)", c, strings.TrimPrefix(err.Error(), a.Name+": ")))
			}
		}
		hint := fmt.Sprintf("tried %s; set %s to choose the interpreter", strings.Join(tried, ", "), in.env)
		if first == nil {
			return nil, adapterErr(nil, "%s: no interpreter found (%s)", a.Name, hint)
		}
		return nil, adapterErr(first, "%v (%s)", first, hint)
	}
}

// Shipped lists the adapters embedded in annbench, in display order.
var Shipped = shippedAlgorithms()

func shippedAlgorithms() []algorithms.Algorithm {
	l2ipang := vector.Metrics
	nlist := algorithms.ParamSpec{Name: "nlist", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 100, Min: 1, Max: 1 << 24,
		Doc: "number of inverted lists (k-means clusters)"}
	nprobe := algorithms.ParamSpec{Name: "nprobe", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: 1, Min: 1, Max: 1 << 24,
		Doc: "inverted lists scanned per query"}
	hnswM := algorithms.ParamSpec{Name: "M", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 16, Min: 2, Max: 1024,
		Doc: "neighbours per node on the upper layers (2M on layer 0)"}
	efc := algorithms.ParamSpec{Name: "ef_construction", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 200, Min: 1, Max: 1 << 20,
		Doc: "candidate list size when inserting"}
	ef := func(doc string) algorithms.ParamSpec {
		return algorithms.ParamSpec{Name: "ef", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: 10, Min: 1, Max: 1 << 20, Doc: doc}
	}
	faiss := func(name, doc string, spec ...algorithms.ParamSpec) algorithms.Algorithm {
		a := &Adapter{Name: name, launch: shipped(python, "faiss_adapter.py")}
		return a.Algorithm(doc+" (faiss, Python adapter)", l2ipang, spec)
	}
	return []algorithms.Algorithm{
		faiss("faiss-flat", "faiss IndexFlat: exact search"),
		faiss("faiss-ivfflat", "faiss IndexIVFFlat: inverted lists of full vectors", nlist, nprobe),
		faiss("faiss-ivfpq", "faiss IndexIVFPQ: inverted lists of product-quantized residuals", nlist,
			algorithms.ParamSpec{Name: "M", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 16, Min: 1, Max: 65536,
				Doc: "sub-quantizers (bytes per code at nbits=8); must divide the dimension"},
			algorithms.ParamSpec{Name: "nbits", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 8, Min: 1, Max: 16,
				Doc: "bits per sub-quantizer code"},
			nprobe),
		faiss("faiss-ivfpqfs", "faiss IndexIVFPQFastScan (4-bit codes, SIMD) under IndexRefineFlat", nlist,
			algorithms.ParamSpec{Name: "M", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 16, Min: 1, Max: 65536,
				Doc: "4-bit sub-quantizers (SIMD fast scan); must divide the dimension"},
			nprobe,
			algorithms.ParamSpec{Name: "reorder", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: 4, Min: 1, Max: 1 << 16,
				Doc: "IndexRefineFlat k_factor: re-rank reorder×k fast-scan candidates with exact distances"}),
		faiss("faiss-hnsw", "faiss IndexHNSWFlat", hnswM, efc, ef("candidate list size at query time (efSearch)")),
		(&Adapter{Name: "hnswlib", launch: shipped(python, "hnswlib_adapter.py")}).Algorithm(
			"hnswlib HNSW graph (Python adapter)", l2ipang, algorithms.Spec{hnswM, efc,
				{Name: "seed", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 100, Min: 0, Max: 1<<31 - 1,
					Doc: "random seed of the level assignment"},
				ef("candidate list size at query time (at least k is used)")}),
		(&Adapter{Name: "usearch", launch: shipped(node, "usearch_adapter.js")}).Algorithm(
			"usearch HNSW graph (Node adapter, npm package usearch)", l2ipang, algorithms.Spec{
				{Name: "connectivity", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 16, Min: 2, Max: 1024,
					Doc: "neighbours per node (HNSW M)"},
				{Name: "expansion_add", Kind: algorithms.Int, Stage: algorithms.IndexTime, Default: 128, Min: 1, Max: 1 << 20,
					Doc: "candidate list size when inserting (ef_construction)"},
				{Name: "expansion_search", Kind: algorithms.Int, Stage: algorithms.QueryTime, Default: 64, Min: 1, Max: 1 << 20,
					Doc: "candidate list size at query time (ef)"}}),
	}
}
