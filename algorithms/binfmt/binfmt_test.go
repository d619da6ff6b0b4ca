package binfmt

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// sample is one value of every kind, written and read in a fixed order.
type sample struct {
	raw  [3]byte
	u32  uint32
	u64  uint64
	str  string
	f32s []float32
	i32s []int32
	byts []byte
}

func (s sample) write(w *Writer) {
	w.Raw(s.raw[:])
	w.Uint32(s.u32)
	w.Uint64(s.u64)
	w.Str(s.str)
	w.Uint64(uint64(len(s.f32s)))
	w.Float32s(s.f32s)
	w.Uint64(uint64(len(s.i32s)))
	w.Int32s(s.i32s)
	w.Uint64(uint64(len(s.byts)))
	w.Raw(s.byts)
}

func readSample(r *Reader) sample {
	var s sample
	r.Raw(s.raw[:], "raw")
	s.u32 = r.Uint32("u32")
	s.u64 = r.Uint64("u64")
	s.str = r.Str("str")
	s.f32s = r.Float32s(r.Uint64("f32 count"), "f32s")
	s.i32s = r.Int32s(r.Uint64("i32 count"), "i32s")
	s.byts = r.Bytes(r.Uint64("byte count"), "bytes")
	return s
}

func encode(t testing.TB, s sample) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	s.write(w)
	if err := w.Flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
	return buf.Bytes()
}

func seq[T any](n int, f func(int) T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		s    sample
	}{
		{"empty", sample{}},
		{"small", sample{
			raw: [3]byte{1, 2, 3}, u32: 0xdeadbeef, u64: math.MaxUint64, str: "angular",
			f32s: []float32{0, -1.5, float32(math.Inf(1)), math.SmallestNonzeroFloat32},
			i32s: []int32{0, -1, math.MaxInt32, math.MinInt32},
			byts: []byte{0, 255, 7},
		}},
		// Longer than one chunk on both sides, not a multiple of it.
		{"multi-chunk", sample{
			str:  strings.Repeat("x", MaxStr),
			f32s: seq(10_000, func(i int) float32 { return float32(i) * 0.25 }),
			i32s: seq(9_999, func(i int) int32 { return int32(-i * 7) }),
			byts: seq(200_001, func(i int) byte { return byte(i * 31) }),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := encode(t, tc.s)
			want := 3 + 4 + 8 + 4 + len(tc.s.str) + 3*8 + 4*len(tc.s.f32s) + 4*len(tc.s.i32s) + len(tc.s.byts)
			if len(data) != want {
				t.Fatalf("encoded %d bytes, want %d", len(data), want)
			}
			r := NewReader(bytes.NewReader(data))
			got := readSample(r)
			if err := r.Err(); err != nil {
				t.Fatalf("read: %v", err)
			}
			if got.raw != tc.s.raw || got.u32 != tc.s.u32 || got.u64 != tc.s.u64 || got.str != tc.s.str {
				t.Errorf("scalars: got %+v, want %+v", got, tc.s)
			}
			if !slices.Equal(got.f32s, tc.s.f32s) {
				t.Errorf("f32s differ (len %d vs %d)", len(got.f32s), len(tc.s.f32s))
			}
			if !slices.Equal(got.i32s, tc.s.i32s) {
				t.Errorf("i32s differ (len %d vs %d)", len(got.i32s), len(tc.s.i32s))
			}
			if !bytes.Equal(got.byts, tc.s.byts) {
				t.Errorf("bytes differ (len %d vs %d)", len(got.byts), len(tc.s.byts))
			}
		})
	}
}

// TestLayout pins the byte layout, which existing index files depend on.
func TestLayout(t *testing.T) {
	got := encode(t, sample{raw: [3]byte{'a', 'b', 'c'}, u32: 1, u64: 2, str: "l2",
		f32s: []float32{1}, i32s: []int32{-2}, byts: []byte{9}})
	want := []byte{'a', 'b', 'c', 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 'l', '2',
		1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3f,
		1, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff,
		1, 0, 0, 0, 0, 0, 0, 0, 9}
	if !bytes.Equal(got, want) {
		t.Errorf("layout\n got % x\nwant % x", got, want)
	}
}

func TestTruncation(t *testing.T) {
	full := encode(t, sample{raw: [3]byte{1, 2, 3}, u32: 5, u64: 6, str: "ip",
		f32s: seq(5000, func(i int) float32 { return float32(i) }),
		i32s: seq(5000, func(i int) int32 { return int32(i) }),
		byts: seq(70_000, func(i int) byte { return byte(i) })})
	for _, cut := range []int{0, 1, 3, 5, 10, 16, 19, 21, 30, 4000, 20_030, 20_040, 40_050, len(full) - 1} {
		r := NewReader(bytes.NewReader(full[:cut]))
		readSample(r)
		err := r.Err()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut at %d of %d: error %v, want one wrapping io.ErrUnexpectedEOF", cut, len(full), err)
		} else if !strings.HasPrefix(err.Error(), "read ") {
			t.Errorf("cut at %d: error %q does not say what was being read", cut, err)
		}
	}
}

// TestStickyError checks that after a failure every read returns a zero
// value and the first error is kept.
func TestStickyError(t *testing.T) {
	r := NewReader(bytes.NewReader([]byte{1, 2}))
	r.Uint32("first")
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
	if r.Err() != first {
		t.Errorf("error changed to %v", r.Err())
	}

	w := NewWriter(failWriter{})
	w.Uint64(1)
	w.Raw(make([]byte, 2<<20)) // larger than the buffer: reaches failWriter
	if w.Err() == nil {
		t.Fatal("writer: no error after a failed write")
	}
	called := false
	w.Section(func(io.Writer) error { called = true; return nil })
	if called {
		t.Error("Section ran after an earlier write failed")
	}
	if err := w.Flush(); !errors.Is(err, errFail) {
		t.Errorf("Flush = %v, want errFail", err)
	}
}

var errFail = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

// TestSharedStream checks that Writers and Readers on an existing bufio
// stream share it, so nested sections follow one another.
func TestSharedStream(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Uint32(1)
	w.Section(func(inner io.Writer) error {
		iw := NewWriter(inner)
		iw.Str("inner")
		return iw.Flush()
	})
	w.Uint32(2)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r := NewReader(bytes.NewReader(buf.Bytes()))
	a := r.Uint32("a")
	ir := NewReader(r.Buffered())
	s := ir.Str("inner")
	b := r.Uint32("b")
	if r.Err() != nil || ir.Err() != nil || a != 1 || s != "inner" || b != 2 {
		t.Errorf("got %d %q %d (errors %v, %v), want 1 \"inner\" 2", a, s, b, r.Err(), ir.Err())
	}
	if _, ok := any(r.Buffered()).(*bufio.Reader); !ok {
		t.Error("Buffered is not a *bufio.Reader")
	}
}

// TestAbsurdLength checks that lengths no valid file can hold are rejected
// before anything of that size is allocated.
func TestAbsurdLength(t *testing.T) {
	reads := []struct {
		name string
		read func(r *Reader, n uint64)
	}{
		{"Bytes", func(r *Reader, n uint64) { r.Bytes(n, "codes") }},
		{"Float32s", func(r *Reader, n uint64) { r.Float32s(n, "vectors") }},
		{"Int32s", func(r *Reader, n uint64) { r.Int32s(n, "ids") }},
	}
	for _, rd := range reads {
		for _, n := range []uint64{MaxElems + 1, 1 << 62, math.MaxUint64} {
			r := NewReader(bytes.NewReader(make([]byte, 64)))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			rd.read(r, n)
			runtime.ReadMemStats(&after)
			if err := r.Err(); err == nil || !strings.Contains(err.Error(), "implausible") {
				t.Errorf("%s(%d): error %v, want an implausible-length error", rd.name, n, err)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<10 {
				t.Errorf("%s(%d): allocated %d bytes before failing", rd.name, n, grew)
			}
		}
	}
	// A plausible but unbacked length fails at the end of the data after
	// allocating a bounded amount, not what the header claims.
	r := NewReader(bytes.NewReader(make([]byte, 64)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r.Float32s(MaxElems, "vectors")
	runtime.ReadMemStats(&after)
	if !errors.Is(r.Err(), io.ErrUnexpectedEOF) {
		t.Errorf("unbacked length: error %v, want io.ErrUnexpectedEOF", r.Err())
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("unbacked length: allocated %d bytes", grew)
	}

	var hdr [4]byte
	binary.LittleEndian.PutUint32(hdr[:], MaxStr+1)
	r = NewReader(bytes.NewReader(append(hdr[:], make([]byte, MaxStr+1)...)))
	if s := r.Str("metric"); s != "" || r.Err() == nil || !strings.Contains(r.Err().Error(), "too long") {
		t.Errorf("long string: got %q, error %v; want a too-long error", s, r.Err())
	}
}

// FuzzReader feeds arbitrary bytes to the reader: it must never panic, and
// whatever it accepts must encode back to the same bytes.
func FuzzReader(f *testing.F) {
	f.Add(encode(f, sample{}))
	f.Add(encode(f, sample{raw: [3]byte{1, 2, 3}, u32: 7, u64: 8, str: "l2",
		f32s: []float32{1, 2}, i32s: []int32{-3}, byts: []byte{4, 5}}))
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		s := readSample(r)
		if r.Err() != nil {
			return
		}
		again := encode(t, s)
		if !bytes.Equal(again, data[:len(again)]) {
			t.Fatalf("re-encoding differs from the input prefix\n got % x\nwant % x", again, data[:len(again)])
		}
	})
}

func TestHeader(t *testing.T) {
	magic := [8]byte{'A', 'N', 'N', 'B', 'T', 'E', 'S', 'T'}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Header(magic, 3)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	if err := NewReader(bytes.NewReader(file)).Header("a test", magic, 3); err != nil {
		t.Errorf("own header rejected: %v", err)
	}
	other := magic
	other[7] = 'X'
	if err := NewReader(bytes.NewReader(file)).Header("a test", other, 3); err == nil || !strings.Contains(err.Error(), "not a test file (bad magic") {
		t.Errorf("foreign magic: err = %v", err)
	}
	if err := NewReader(bytes.NewReader(file)).Header("a test", magic, 4); err == nil || !strings.Contains(err.Error(), "unsupported format version 3 (this build reads 4)") {
		t.Errorf("other version: err = %v", err)
	}
	r := NewReader(bytes.NewReader(file[:5]))
	if err := r.Header("a test", magic, 3); err != nil || r.Err() == nil {
		t.Errorf("truncated header: Header err = %v, sticky err = %v; want nil and a read error", err, r.Err())
	}
}
