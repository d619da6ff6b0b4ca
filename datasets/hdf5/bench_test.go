package hdf5

import (
	"os"
	"testing"
)

// benchmarkRead measures decoding one dataset of a fixture held in
// memory, reporting throughput in decoded bytes.
func benchmarkRead(b *testing.B, file, name string) {
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		b.Fatal(err)
	}
	f, err := NewBytesReader(data)
	if err != nil {
		b.Fatal(err)
	}
	ds, err := f.Dataset(name)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := ds.byteSize()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ds.Float32s(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContiguousFloat32 is the common ann-benchmarks case.
func BenchmarkContiguousFloat32(b *testing.B) { benchmarkRead(b, "ann-default.hdf5", "train") }

// BenchmarkChunkedGzipShuffleFloat64 decodes deflate+shuffle chunks and
// converts float64 to float32.
func BenchmarkChunkedGzipShuffleFloat64(b *testing.B) {
	benchmarkRead(b, "ann-chunked-gzip.hdf5", "train")
}

// BenchmarkOpenAndLookup measures parsing the superblock, the root group
// and a dataset's header.
func BenchmarkOpenAndLookup(b *testing.B) {
	data, err := os.ReadFile("testdata/ann-latest.hdf5")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		f, err := NewBytesReader(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Dataset("dense/l42"); err != nil {
			b.Fatal(err)
		}
	}
}
