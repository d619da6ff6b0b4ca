package hdf5

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

var fixtures = []string{"ann-default.hdf5", "ann-chunked-gzip.hdf5", "ann-latest.hdf5"}

// expectation mirrors testdata/expected.json, written by make_fixtures.py
// from h5py's view of the same files.
type expectation map[string]struct {
	Attrs    map[string]any `json:"attrs"`
	Datasets map[string]struct {
		Shape  []uint64 `json:"shape"`
		Dtype  string   `json:"dtype"`
		SHA256 string   `json:"sha256"`
	} `json:"datasets"`
}

func loadExpected(t *testing.T) expectation {
	t.Helper()
	b, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var e expectation
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

var dtypeNames = map[string]string{"f4": "float32", "f8": "float64", "i1": "int8", "i4": "int32", "i8": "int64"}

func TestFixturesMatchH5py(t *testing.T) {
	exp := loadExpected(t)
	for _, fn := range fixtures {
		t.Run(fn, func(t *testing.T) {
			want, ok := exp[fn]
			if !ok {
				t.Fatalf("no expectation for %s", fn)
			}
			f, err := Open(filepath.Join("testdata", fn))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for name, w := range want.Datasets {
				ds, err := f.Dataset(name)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ds.Space.Dims, w.Shape) {
					t.Errorf("%s: shape %v, want %v", name, ds.Space.Dims, w.Shape)
				}
				if got := ds.Type.String(); got != dtypeNames[w.Dtype] {
					t.Errorf("%s: type %s, want %s", name, got, dtypeNames[w.Dtype])
				}
				raw, err := ds.Raw()
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(raw)
				if got := hex.EncodeToString(sum[:]); got != w.SHA256 {
					t.Errorf("%s: data sha256 %s, want %s (h5py)", name, got, w.SHA256)
				}
			}
			for name, w := range want.Attrs {
				a, err := f.Attr(name)
				if err != nil {
					t.Fatal(err)
				}
				switch w := w.(type) {
				case string:
					got, err := a.String()
					if err != nil || got != w {
						t.Errorf("attr %s = %q, %v; want %q", name, got, err, w)
					}
				case float64:
					got, err := a.Int()
					if err != nil || float64(got) != w {
						t.Errorf("attr %s = %d, %v; want %v", name, got, err, w)
					}
				}
			}
			// Every group member is listed.
			names, err := f.Names("/")
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{"train", "test", "neighbors", "distances"} {
				if !slices.Contains(names, n) {
					t.Errorf("Names(/) = %v, missing %s", names, n)
				}
			}
		})
	}
}

// TestNeighborsAreExact checks the conversions end to end: exact search
// over train (as float32) reproduces the file's own neighbors.
func TestNeighborsAreExact(t *testing.T) {
	for _, fn := range fixtures {
		t.Run(fn, func(t *testing.T) {
			f, err := Open(filepath.Join("testdata", fn))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			a, err := f.Attr("distance")
			if err != nil {
				t.Fatal(err)
			}
			metric, err := a.String()
			if err != nil {
				t.Fatal(err)
			}
			train, n, d := load(t, f, "train")
			test, nq, dq := load(t, f, "test")
			if d != dq {
				t.Fatalf("train dim %d, test dim %d", d, dq)
			}
			ds, err := f.Dataset("neighbors")
			if err != nil {
				t.Fatal(err)
			}
			_, k, _ := ds.Shape2D()
			nb, err := ds.Int32s()
			if err != nil {
				t.Fatal(err)
			}
			for q := 0; q < nq; q++ {
				qv := test[q*d : (q+1)*d]
				ids := make([]int, n)
				dist := make([]float64, n)
				for i := range ids {
					ids[i] = i
					dist[i] = score(metric, qv, train[i*d:(i+1)*d])
				}
				sort.SliceStable(ids, func(x, y int) bool { return dist[ids[x]] < dist[ids[y]] })
				for j := 0; j < k; j++ {
					if int32(ids[j]) != nb[q*k+j] {
						t.Fatalf("query %d rank %d: exact id %d, file says %d", q, j, ids[j], nb[q*k+j])
					}
				}
			}
		})
	}
}

func load(t *testing.T, f *File, name string) ([]float32, int, int) {
	t.Helper()
	ds, err := f.Dataset(name)
	if err != nil {
		t.Fatal(err)
	}
	r, c, err := ds.Shape2D()
	if err != nil {
		t.Fatal(err)
	}
	v, err := ds.Float32s()
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != r*c {
		t.Fatalf("%s: %d values for %d×%d", name, len(v), r, c)
	}
	return v, r, c
}

func score(metric string, a, b []float32) float64 {
	var dot, na, nb, l2 float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
		l2 += (x - y) * (x - y)
	}
	switch metric {
	case "angular":
		return 1 - dot/math.Sqrt(na*nb)
	case "dot":
		return -dot
	}
	return l2
}

func TestPagedFixedArray(t *testing.T) {
	f, err := Open("testdata/ann-latest.hdf5")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := f.Dataset("/extra/paged")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ds.Int32s()
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 1030 {
		t.Fatalf("%d values, want 1030", len(v))
	}
	for i, x := range v {
		if x != int32(i%120) {
			t.Fatalf("element %d = %d, want %d", i, x, i%120)
		}
	}
}

func TestDenseStorage(t *testing.T) {
	f, err := Open("testdata/ann-latest.hdf5")
	if err != nil {
		t.Fatal(err)
	}
	names, err := f.Names("dense")
	if err != nil {
		t.Fatal(err)
	}
	// 10 datasets and 48 more hard links: a root indirect heap block and
	// a name index of depth 1.
	if len(names) != 58 || names[0] != "d00" || names[9] != "d09" || names[57] != "l47" {
		t.Fatalf("dense group lists %v, want d00..d09 and l00..l47", names)
	}
	ds, err := f.Dataset("dense/l42")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := ds.Int32s(); err != nil || len(v) != 2 || v[0] != 0 {
		t.Fatalf("dense/l42 (a link to d00) = %v, %v", v, err)
	}
	as, err := f.Attrs("dense")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range as {
		s, err := a.String()
		if err != nil {
			t.Fatal(err)
		}
		got[a.Name] = s
	}
	if len(got) != 10 || got["a00"] != "value 0" || got["a09"] != "value 9" {
		t.Fatalf("dense attributes %v", got)
	}
}

// TestResizable reads resizable datasets. One unlimited dimension: an
// extensible-array index, where 250 one-row chunks reach the secondary
// blocks. Two: a version 2 B-tree index. The gzip ones have filtered
// entries.
func TestResizable(t *testing.T) {
	f, err := Open("testdata/ann-latest.hdf5")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		rows, cols int
	}{{"extra/resizable", 250, 4}, {"extra/resizable-gzip", 10, 3}, {"extra/grow2d", 10, 4}, {"extra/grow2d-gzip", 6, 4}} {
		ds, err := f.Dataset(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		want := indexExtArray
		if strings.HasPrefix(tc.name, "extra/grow2d") {
			want = indexBTreeV2
		}
		if ds.layout.index != want {
			t.Fatalf("%s uses chunk index %d, want %d", tc.name, ds.layout.index, want)
		}
		v, err := ds.Int32s()
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != tc.rows*tc.cols {
			t.Fatalf("%s: %d values, want %d", tc.name, len(v), tc.rows*tc.cols)
		}
		for i, x := range v {
			if x != int32(i) {
				t.Fatalf("%s: element %d = %d", tc.name, i, x)
			}
		}
	}
	ds, _ := f.Dataset("extra/resizable")
	ea, err := f.readEArrayHeader(ds.layout.addr)
	if err != nil {
		t.Fatal(err)
	}
	rel := uint64(249 - ea.ibElems)
	if s := bits.Len64(rel/uint64(ea.dbMin)+1) - 1; s < 2*(bits.Len(uint(ea.sbMinPtrs))-1) {
		t.Errorf("the last chunk is in super block %d, reached directly: the fixture no longer covers secondary blocks", s)
	}
}

func TestErrors(t *testing.T) {
	good, err := os.ReadFile("testdata/ann-latest.hdf5")
	if err != nil {
		t.Fatal(err)
	}
	corrupt := slices.Clone(good)
	corrupt[20] ^= 0xff // inside the v3 superblock, covered by its checksum
	tests := []struct {
		name    string
		data    []byte
		dataset string
		want    string
	}{
		{"empty", nil, "", "not an HDF5 file"},
		{"text", []byte("hello, this is not hdf5 at all"), "", "not an HDF5 file"},
		{"superblock checksum", corrupt, "", "checksum mismatch"},
		{"missing dataset", good, "nope", `"nope" not found (group has: dense, distances, extra, neighbors, test, train)`},
		{"group is not a dataset", good, "extra", "is a group"},
		{"missing nested", good, "extra/x/y", `"extra/x" not found`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewBytesReader(tc.data)
			if err == nil && tc.dataset != "" {
				_, err = f.Dataset(tc.dataset)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestAttrErrors(t *testing.T) {
	f, err := Open("testdata/ann-default.hdf5")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Attr("nope"); err == nil || !strings.Contains(err.Error(), "distance") {
		t.Errorf("missing attribute error %v should list the existing ones", err)
	}
	a, err := f.Attr("dimension")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.String(); err == nil {
		t.Error("String on an integer attribute should fail")
	}
	ds, err := f.Dataset("train")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Int32s(); err == nil {
		t.Error("Int32s on float data should fail")
	}
	off, size, ok := ds.Contiguous()
	if !ok || size != 300*12*4 || off <= 0 {
		t.Errorf("Contiguous() = %d, %d, %v; want a 14400-byte region", off, size, ok)
	}
}

// TestTruncated cuts every fixture at many lengths: each read must either
// succeed (the cut missed what it needed) or fail with an error, and a
// cut inside train's data must name the data and the file size.
func TestTruncated(t *testing.T) {
	for _, fn := range fixtures {
		good, err := os.ReadFile(filepath.Join("testdata", fn))
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(good); n += 61 {
			readAll(NewBytesReader(good[:n]))
		}
	}
	good, err := os.ReadFile("testdata/ann-default.hdf5")
	if err != nil {
		t.Fatal(err)
	}
	f, _ := NewBytesReader(good)
	ds, _ := f.Dataset("train")
	off, _, _ := ds.Contiguous()
	cut := good[:off+100]
	f, err = NewBytesReader(cut)
	if err != nil {
		t.Fatal(err)
	}
	ds, err = f.Dataset("train")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ds.Float32s()
	want := `hdf5: dataset "train": data at offset 6144 (14400 bytes) beyond end of file (size 6244)`
	if err == nil || err.Error() != want || !errors.Is(err, errTruncated) {
		t.Fatalf("error %v, want %s", err, want)
	}

	// A cut inside a chunk of the chunked file.
	good, err = os.ReadFile("testdata/ann-chunked-gzip.hdf5")
	if err != nil {
		t.Fatal(err)
	}
	f, _ = NewBytesReader(good)
	ds, _ = f.Dataset("train")
	refs, err := ds.chunks()
	if err != nil || len(refs) == 0 {
		t.Fatal(err)
	}
	end := refs[0].addr + 10
	f, err = NewBytesReader(good[:end])
	if err != nil {
		t.Fatal(err)
	}
	ds, err = f.Dataset("train")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ds.Float32s()
	if err == nil || !strings.Contains(err.Error(), `dataset "train": chunk [0 0] at offset`) || !strings.Contains(err.Error(), "beyond end of file") {
		t.Fatalf("error %v, want one naming the chunk and the end of file", err)
	}
}

// readAll exercises every entry point on a possibly corrupt file.
func readAll(f *File, err error) {
	if err != nil {
		return
	}
	f.Attrs("/")
	for _, n := range []string{"distance", "point_type", "dimension"} {
		if a, err := f.Attr(n); err == nil {
			a.Strings()
			a.Float64s()
			a.Int()
		}
	}
	names, _ := f.Names("/")
	names = append(names, "extra/labels", "extra/paged", "extra/resizable", "extra/resizable-gzip", "extra/grow2d", "extra/grow2d-gzip", "dense/d03")
	f.Names("dense")
	f.Attrs("dense")
	for _, n := range names {
		ds, err := f.Dataset(n)
		if err != nil {
			continue
		}
		ds.Shape2D()
		ds.Contiguous()
		ds.Float32s()
		ds.Int32s()
	}
}

func FuzzOpen(f *testing.F) {
	for _, fn := range fixtures {
		b, err := os.ReadFile(filepath.Join("testdata", fn))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := NewBytesReader(b)
		if err == nil {
			h.MaxBytes = 1 << 20 // keep each run fast
		}
		readAll(h, err)
	})
}
