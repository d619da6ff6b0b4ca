package scann

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"

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

// TestLoadRejects checks that Load names what is wrong with bad input.
func TestLoadRejects(t *testing.T) {
	_, saved := smallIndex(t, vector.L2, Options{NumLeaves: 8})
	patch := func(off int, v uint32) []byte {
		b := bytes.Clone(saved)
		binary.LittleEndian.PutUint32(b[off:], v)
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
		opt  Options
		dim  int
		m    vector.Metric
		want string
	}{
		{"version", patch(8, 99), Options{NumLeaves: 8}, 10, vector.L2, "unsupported format version 99"},
		{"magic", append([]byte("NOTSCANN"), saved[8:]...), Options{NumLeaves: 8}, 10, vector.L2, "bad magic"},
		{"metric", saved, Options{NumLeaves: 8}, 10, vector.IP, "stored metric"},
		{"nbits", saved, Options{NumLeaves: 8, NBits: 8}, 10, vector.L2, "stored nbits 4"},
		{"dims_per_block", saved, Options{NumLeaves: 8, DimsPerBlock: 5}, 10, vector.L2, "stored dims_per_block 2"},
		{"dimension", saved, Options{NumLeaves: 8}, 12, vector.L2, "stored dimension 10"},
		{"leaves", patch(28, 1000), Options{NumLeaves: 8}, 10, vector.L2, "stored leaf count 1000"},
		{"trailing", append(bytes.Clone(saved), 0), Options{NumLeaves: 8}, 10, vector.L2, "trailing data"},
		{"truncated", saved[:len(saved)-3], Options{NumLeaves: 8}, 10, vector.L2, "unexpected EOF"},
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
// index that answers queries or an error, never a panic.
func FuzzLoad(f *testing.F) {
	for _, m := range []vector.Metric{vector.L2, vector.IP} {
		_, saved := smallIndex(f, m, Options{NumLeaves: 4})
		f.Add(uint8(metricCode(m)), saved)
	}
	_, saved8 := smallIndex(f, vector.L2, Options{NumLeaves: 4, NBits: 8, DimsPerBlock: 5})
	f.Add(uint8(9), saved8)
	f.Fuzz(func(t *testing.T, mc uint8, data []byte) {
		metric, opt := vector.L2, Options{NumLeaves: 4}
		switch mc {
		case 1:
			metric = vector.IP
		case 9:
			opt = Options{NumLeaves: 4, NBits: 8, DimsPerBlock: 5}
		}
		x, err := New(metric, 10, opt)
		if err != nil {
			t.Fatal(err)
		}
		if x.Load(bytes.NewReader(data)) != nil {
			return
		}
		q := make([]float32, 10)
		for i := range q {
			q[i] = float32(i) - 4
		}
		x.Search(q, 5, nil)
	})
}
