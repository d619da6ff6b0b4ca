package scann

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/annbench/annbench/algorithms/binfmt"
	"github.com/annbench/annbench/datasets/vector"
)

func smallIndex(t testing.TB, metric vector.Metric, opt Options) (*Index, []byte) {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 11))
	base := vector.NewMatrix(300, 10)
	for i := range base.Data {
		base.Data[i] = float32(rng.NormFloat64())
	}
	x, err := New(metric, 10, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Build(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Save(&buf); err != nil {
		t.Fatal(err)
	}
	return x, buf.Bytes()
}

// Offsets in a saved file: the binfmt header is 29 bytes for "scann".
const (
	offLeaves  = 29 + 4 + 4 + 8
	offCenters = offLeaves + 4 + 8
)

// TestLoadRejects checks that Load names what is wrong with bad input.
func TestLoadRejects(t *testing.T) {
	x, saved := smallIndex(t, vector.L2, Options{NumLeaves: 8})
	patch := func(off int, v uint32) []byte {
		b := bytes.Clone(saved)
		binary.LittleEndian.PutUint32(b[off:], v)
		return binfmt.Reseal(b)
	}
	flipped := bytes.Clone(saved)
	flipped[len(flipped)-10] ^= 1
	for _, tc := range []struct {
		name string
		data []byte
		opt  Options
		dim  int
		m    vector.Metric
		want string
	}{
		{"version", patch(8, 99), Options{NumLeaves: 8}, 10, vector.L2, "format version 99"},
		{"magic", append([]byte("NOTSCANN"), saved[8:]...), Options{NumLeaves: 8}, 10, vector.L2, "bad magic"},
		{"metric", saved, Options{NumLeaves: 8}, 10, vector.IP, "metric l2, this index is for ip"},
		{"nbits", saved, Options{NumLeaves: 8, NBits: 8}, 10, vector.L2, "stored nbits 4"},
		{"dims_per_block", saved, Options{NumLeaves: 8, DimsPerBlock: 5}, 10, vector.L2, "stored dims_per_block 2"},
		{"dimension", saved, Options{NumLeaves: 8}, 12, vector.L2, "dimension 10, this index has dimension 12"},
		{"leaves", patch(offLeaves, 1000), Options{NumLeaves: 8}, 10, vector.L2, "stored leaf count 1000"},
		{"partition", patch(offCenters+8*10*4+len(x.q.codebooks)*4+4, 1<<20), Options{NumLeaves: 8}, 10, vector.L2, "partition offset 1"},
		{"non-finite", patch(offCenters, 0x7fc00000), Options{NumLeaves: 8}, 10, vector.L2, "non-finite value NaN at centers[0]"},
		{"trailing", append(bytes.Clone(saved), 0), Options{NumLeaves: 8}, 10, vector.L2, "unexpected data after the index body"},
		{"truncated", saved[:len(saved)-3], Options{NumLeaves: 8}, 10, vector.L2, "unexpected EOF"},
		{"flipped", flipped, Options{NumLeaves: 8}, 10, vector.L2, "checksum mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := New(tc.m, tc.dim, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			err = x.Load(bytes.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// FuzzLoad feeds mutated index files to Load: any input must give an
// index that answers queries or an error, never a panic. Each input is
// also tried with its checksum recomputed, so damaged structure reaches
// the checks behind the checksum. The first argument picks the index the
// file is loaded into: 0 l2, 1 ip, 2 l2 with 8-bit codes.
func FuzzLoad(f *testing.F) {
	kinds := []struct {
		metric vector.Metric
		opt    Options
	}{
		{vector.L2, Options{NumLeaves: 4}},
		{vector.IP, Options{NumLeaves: 4}},
		{vector.L2, Options{NumLeaves: 4, NBits: 8, DimsPerBlock: 5}},
	}
	for i, k := range kinds {
		_, saved := smallIndex(f, k.metric, k.opt)
		f.Add(uint8(i), saved)
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		k := kinds[int(kind)%len(kinds)]
		for _, d := range [][]byte{data, binfmt.Reseal(data)} {
			x, err := New(k.metric, 10, k.opt)
			if err != nil {
				t.Fatal(err)
			}
			if x.Load(bytes.NewReader(d)) != nil {
				continue
			}
			q := make([]float32, 10)
			for i := range q {
				q[i] = float32(i) - 4
			}
			x.Search(q, 5, nil)
		}
	})
}
