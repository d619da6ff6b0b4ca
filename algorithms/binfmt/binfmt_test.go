package binfmt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/annbench/annbench/datasets/vector"
)

var hdr = Header{Algorithm: "test", Metric: vector.IP, Dim: 3}

// sample is one value of every kind, written and read in a fixed order.
type sample struct {
	raw  [3]byte
	u32  uint32
	u64  uint64
	f64  float64
	str  string
	f32s []float32
	i32s []int32
	u32s []uint32
	byts []byte
}

func (s sample) write(w *Writer) {
	w.Raw(s.raw[:])
	w.Uint32(s.u32)
	w.Uint64(s.u64)
	w.Float64(s.f64)
	w.Str(s.str)
	w.Uint64(uint64(len(s.f32s)))
	w.Float32s(s.f32s)
	w.Uint64(uint64(len(s.i32s)))
	w.Int32s(s.i32s)
	w.Uint64(uint64(len(s.u32s)))
	w.Uint32s(s.u32s)
	w.Uint64(uint64(len(s.byts)))
	w.Raw(s.byts)
}

func readSample(r *Reader) sample {
	var s sample
	r.Raw(s.raw[:], "raw")
	s.u32 = r.Uint32("u32")
	s.u64 = r.Uint64("u64")
	s.f64 = r.Float64("f64")
	s.str = r.Str("str")
	s.f32s = r.Float32s(r.Uint64("f32 count"), "f32s")
	s.i32s = r.Int32s(r.Uint64("i32 count"), "i32s")
	s.u32s = r.Uint32s(r.Uint64("u32 count"), "u32s")
	s.byts = r.Bytes(r.Uint64("byte count"), "bytes")
	return s
}

func encode(t testing.TB, h Header, s sample) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, h)
	s.write(w)
	if err := w.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return buf.Bytes()
}

// decode reads a whole file of one sample.
func decode(data []byte, want Header) (sample, error) {
	r, err := NewReader(bytes.NewReader(data), want)
	if err != nil {
		return sample{}, err
	}
	s := readSample(r)
	return s, r.Close()
}

func seq[T any](n int, f func(int) T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// headerLen is the size of hdr's encoded header.
var headerLen = 8 + 4 + 4 + len(hdr.Algorithm) + 4 + 4

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		s    sample
	}{
		{"empty", sample{}},
		{"small", sample{
			raw: [3]byte{1, 2, 3}, u32: 0xdeadbeef, u64: math.MaxUint64, f64: -0.125, str: "angular",
			f32s: []float32{0, -1.5, float32(math.Inf(1)), math.SmallestNonzeroFloat32},
			i32s: []int32{0, -1, math.MaxInt32, math.MinInt32},
			u32s: []uint32{0, math.MaxUint32},
			byts: []byte{0, 255, 7},
		}},
		// Longer than one chunk on both sides, not a multiple of it.
		{"multi-chunk", sample{
			str:  strings.Repeat("x", MaxStr),
			f32s: seq(10_000, func(i int) float32 { return float32(i) * 0.25 }),
			i32s: seq(9_999, func(i int) int32 { return int32(-i * 7) }),
			u32s: seq(4097, func(i int) uint32 { return uint32(i) * 3 }),
			byts: seq(200_001, func(i int) byte { return byte(i * 31) }),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := encode(t, hdr, tc.s)
			want := headerLen + 3 + 4 + 8 + 8 + 4 + len(tc.s.str) + 4*8 + 4*len(tc.s.f32s) +
				4*len(tc.s.i32s) + 4*len(tc.s.u32s) + len(tc.s.byts) + 4
			if len(data) != want {
				t.Fatalf("encoded %d bytes, want %d", len(data), want)
			}
			got, err := decode(data, hdr)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if got.raw != tc.s.raw || got.u32 != tc.s.u32 || got.u64 != tc.s.u64 || got.f64 != tc.s.f64 || got.str != tc.s.str {
				t.Errorf("scalars: got %+v, want %+v", got, tc.s)
			}
			if !slices.Equal(got.f32s, tc.s.f32s) || !slices.Equal(got.i32s, tc.s.i32s) ||
				!slices.Equal(got.u32s, tc.s.u32s) || !bytes.Equal(got.byts, tc.s.byts) {
				t.Errorf("arrays differ")
			}
		})
	}
}

// TestLayout pins the byte layout, which every index file depends on.
func TestLayout(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Header{Algorithm: "ab", Metric: vector.Angular, Dim: 258})
	w.Uint32(7)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := []byte{'A', 'N', 'N', 'B', 'I', 'N', 'D', 'X', 2, 0, 0, 0, 2, 0, 0, 0, 'a', 'b',
		3, 0, 0, 0, 2, 1, 0, 0, 7, 0, 0, 0}
	got := buf.Bytes()
	if !bytes.Equal(got[:len(got)-4], want) {
		t.Errorf("layout\n got % x\nwant % x", got[:len(got)-4], want)
	}
	sum := binary.LittleEndian.Uint32(got[len(got)-4:])
	if exp := crc32c(want); sum != exp {
		t.Errorf("trailer %08x, want CRC-32C %08x", sum, exp)
	}
}

func crc32c(p []byte) uint32 {
	var h uint32
	// Bitwise CRC-32C (reflected polynomial 0x82F63B78), independent of
	// the table the package uses.
	h = ^h
	for _, c := range p {
		h ^= uint32(c)
		for range 8 {
			if h&1 == 1 {
				h = h>>1 ^ 0x82F63B78
			} else {
				h >>= 1
			}
		}
	}
	return ^h
}

// TestHeaderMismatch checks that a file is read only into an index of the
// same algorithm, metric and dimension, of this format version.
func TestHeaderMismatch(t *testing.T) {
	good := encode(t, hdr, sample{str: "x"})
	patch := func(off int, v uint32) []byte {
		b := slices.Clone(good)
		binary.LittleEndian.PutUint32(b[off:], v)
		return Reseal(b)
	}
	metricOff := 8 + 4 + 4 + len(hdr.Algorithm)
	tests := []struct {
		name string
		data []byte
		want Header
		err  string
	}{
		{"magic", Reseal(append([]byte("ANNBFLAT"), good[8:]...)), hdr, `not an annbench index file (bad magic "ANNBFLAT")`},
		{"version", patch(8, 1), hdr, "index file format version 1, this build reads version 2"},
		{"future version", patch(8, 99), hdr, "format version 99"},
		{"algorithm", good, Header{"other", vector.IP, 3}, `file holds a "test" index, not "other"`},
		{"metric", good, Header{"test", vector.L2, 3}, "metric ip, this index is for l2"},
		{"dimension", good, Header{"test", vector.IP, 4}, "dimension 3, this index has dimension 4"},
		{"metric code", patch(metricOff, 9), hdr, "unknown metric code 9"},
		{"long name", patch(12, MaxStr+1), hdr, "too long"},
		{"empty", nil, hdr, "read header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(tc.data, tc.want)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
	for _, h := range []Header{{"", vector.L2, 1}, {"x", "cosine", 1}, {"x", vector.L2, 0}} {
		if err := NewWriter(io.Discard, h).Close(); err == nil {
			t.Errorf("NewWriter(%+v): Close returned no error", h)
		}
	}
}

// TestEveryCorruptionRejected flips every bit position class at every
// offset, truncates at every length and appends bytes: nothing loads.
func TestEveryCorruptionRejected(t *testing.T) {
	good := encode(t, hdr, sample{raw: [3]byte{1, 2, 3}, u32: 5, str: "l2",
		f32s: []float32{1, 2, 3}, i32s: []int32{-1}, u32s: []uint32{9}, byts: []byte{4, 5}})
	if _, err := decode(good, hdr); err != nil {
		t.Fatal(err)
	}
	for off := range good {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			b := slices.Clone(good)
			b[off] ^= mask
			if _, err := decode(b, hdr); err == nil {
				t.Errorf("byte %d ^ %#x: accepted", off, mask)
			}
		}
	}
	for cut := range len(good) {
		if _, err := decode(good[:cut], hdr); err == nil {
			t.Errorf("first %d of %d bytes: accepted", cut, len(good))
		}
	}
	_, err := decode(append(slices.Clone(good), 0), hdr)
	if err == nil {
		t.Error("a trailing byte: accepted")
	}
	// A flipped body byte that keeps the structure valid is caught by the
	// checksum, and the error says so.
	b := slices.Clone(good)
	b[len(b)-5] ^= 1 // last byte of the body
	if _, err := decode(b, hdr); err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Errorf("flipped body byte: error %v, want a checksum mismatch", err)
	}
}

// TestTruncationErrors checks that running out names what was being read
// and wraps io.ErrUnexpectedEOF.
func TestTruncationErrors(t *testing.T) {
	full := encode(t, hdr, sample{raw: [3]byte{1, 2, 3}, u32: 5, u64: 6, str: "ip",
		f32s: seq(5000, func(i int) float32 { return float32(i) }),
		byts: seq(70_000, func(i int) byte { return byte(i) })})
	for _, cut := range []int{0, 5, headerLen + 2, headerLen + 30, 4000, 20_040, len(full) - 5, len(full) - 1} {
		_, err := decode(full[:cut], hdr)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut at %d of %d: error %v, want one wrapping io.ErrUnexpectedEOF", cut, len(full), err)
		} else if !strings.HasPrefix(err.Error(), "read ") {
			t.Errorf("cut at %d: error %q does not say what was being read", cut, err)
		}
	}
}

// TestAbsurdLength checks that lengths the input cannot hold are rejected
// before anything of that size is allocated.
func TestAbsurdLength(t *testing.T) {
	reads := []struct {
		name string
		read func(r *Reader, n uint64)
	}{
		{"Bytes", func(r *Reader, n uint64) { r.Bytes(n, "codes") }},
		{"Float32s", func(r *Reader, n uint64) { r.Float32s(n, "vectors") }},
		{"Int32s", func(r *Reader, n uint64) { r.Int32s(n, "ids") }},
		{"Uint32s", func(r *Reader, n uint64) { r.Uint32s(n, "links") }},
	}
	file := encode(t, hdr, sample{byts: make([]byte, 64)})
	for _, rd := range reads {
		for _, n := range []uint64{1000, MaxElems, MaxElems + 1, 1 << 62, math.MaxUint64} {
			r, err := NewReader(bytes.NewReader(file), hdr)
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			rd.read(r, n)
			runtime.ReadMemStats(&after)
			if err := r.Err(); err == nil || !(strings.Contains(err.Error(), "implausible") || strings.Contains(err.Error(), "bytes needed")) {
				t.Errorf("%s(%d): error %v, want an implausible or too-long error", rd.name, n, err)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<10 {
				t.Errorf("%s(%d): allocated %d bytes before failing", rd.name, n, grew)
			}
		}
	}
}

// TestSources checks the three ways a Reader learns the input size: an
// in-memory reader, a file opened at an offset, and a plain stream.
func TestSources(t *testing.T) {
	s := sample{str: "abc", f32s: []float32{1, 2}}
	data := encode(t, hdr, s)
	path := filepath.Join(t.TempDir(), "x.idx")
	if err := os.WriteFile(path, append([]byte("prefix"), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(6, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	stream := io.MultiReader(bytes.NewReader(data[:10]), bytes.NewReader(data[10:]))
	for name, src := range map[string]io.Reader{"bytes": bytes.NewReader(data), "file": f, "stream": stream} {
		r, err := NewReader(src, hdr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := readSample(r)
		if err := r.Close(); err != nil || got.str != "abc" || !slices.Equal(got.f32s, s.f32s) {
			t.Errorf("%s: got %+v, error %v", name, got, err)
		}
	}
}

// TestStickyError checks that after a failure every read returns a zero
// value and the first error is kept, on both sides.
func TestStickyError(t *testing.T) {
	data := encode(t, hdr, sample{})
	r, err := NewReader(bytes.NewReader(data), hdr)
	if err != nil {
		t.Fatal(err)
	}
	r.Bytes(1000, "first")
	first := r.Err()
	if first == nil || !strings.Contains(first.Error(), "first") {
		t.Fatalf("error %v, want one naming %q", first, "first")
	}
	if v := r.Uint64("second"); v != 0 {
		t.Errorf("Uint64 after error = %d, want 0", v)
	}
	if s := r.Float32s(3, "third"); len(s) != 0 {
		t.Errorf("Float32s after error = %v, want empty", s)
	}
	r.Fail(errors.New("later"))
	if r.Err() != first || r.Close() != first {
		t.Errorf("error changed to %v", r.Err())
	}

	w := NewWriter(failWriter{}, hdr)
	w.Uint64(1)
	w.Raw(make([]byte, 2<<20)) // larger than the buffer: reaches failWriter
	if w.Err() == nil {
		t.Fatal("writer: no error after a failed write")
	}
	if err := w.Close(); !errors.Is(err, errFail) {
		t.Errorf("Close = %v, want errFail", err)
	}
}

var errFail = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

// FuzzReader feeds arbitrary bytes to the reader: it must never panic, and
// whatever it accepts must encode back to the same bytes.
func FuzzReader(f *testing.F) {
	f.Add(encode(f, hdr, sample{}))
	f.Add(encode(f, hdr, sample{raw: [3]byte{1, 2, 3}, u32: 7, u64: 8, str: "l2",
		f32s: []float32{1, 2}, i32s: []int32{-3}, u32s: []uint32{4}, byts: []byte{4, 5}}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range [][]byte{data, Reseal(data)} {
			s, err := decode(d, hdr)
			if err != nil {
				continue
			}
			if again := encode(t, hdr, s); !bytes.Equal(again, d) {
				t.Fatalf("re-encoding differs from the input\n got % x\nwant % x", again, d)
			}
		}
	})
}
