// Package binfmt is the one encoding of annbench index files. Every
// index's Save and Load hand Save and Load here its identity (algorithm,
// metric, dimension) and the two halves of its body: a function that
// writes it through a Writer and one that reads it through a Reader and
// returns what installs it. So every file has the same frame, written,
// checked and wrapped in errors in one place:
//
//	magic      [8]byte "ANNBINDX"
//	version    uint32  FormatVersion
//	algorithm  uint32 length + bytes, the registry name ("hnsw")
//	metric     uint32  1 l2, 2 ip, 3 angular
//	dim        uint32
//	body       what the algorithm writes
//	checksum   uint32  CRC-32C (Castagnoli) of every byte before it
//
// All values are little-endian: a uint32 is 4 bytes, a uint64 8, a string
// a uint32 length and its bytes, an array its elements back to back (the
// algorithm stores the length where its body layout says).
//
// A Reader checks the header against the index it loads into, knows how
// many bytes the input holds (so a corrupt length is rejected before
// anything of that size is allocated, and arrays are allocated once, at
// their final size) and verifies the checksum and the end of the input
// in Close. Any flipped byte, truncation, trailing garbage or file of
// another algorithm, metric, dimension or format version is an error.
//
// A body usually starts with a struct of fixed-size fields, written by
// Writer.Fixed and read (and checked) by ReadFixed: one declaration of
// those fields serves both directions.
//
// It imports only the standard library and datasets/vector; the indexes
// import it and it knows none of them.
package binfmt

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"github.com/annbench/annbench/datasets/vector"
)

// FormatVersion is the version of the index-file layout, the frame and
// every algorithm's body together. Any change to what any index writes
// bumps it, so files of an older layout are rejected (and cached indexes
// rebuilt) rather than misread. Version 1 was the per-algorithm formats
// with their own magics that preceded this package.
const FormatVersion = 2

// Magic starts every index file.
var Magic = [8]byte{'A', 'N', 'N', 'B', 'I', 'N', 'D', 'X'}

// MaxStr bounds the length of a string a Reader accepts, in bytes. Strings
// in index files are short names such as the algorithm.
const MaxStr = 256

// MaxElems bounds any array length a Reader accepts, whatever the input
// size: a larger length can only come from a corrupt or hostile file.
const MaxElems = 1 << 36

// trailerSize is the size of the checksum that ends every file.
const trailerSize = 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Header is what every index file states about itself before its body.
type Header struct {
	// Algorithm is the registry name of the index, e.g. "ivfpq".
	Algorithm string
	// Metric is the metric the index was built for.
	Metric vector.Metric
	// Dim is the vector dimension.
	Dim int
}

// metricCodes is the one table of metric codes in index files.
var metricCodes = map[vector.Metric]uint32{vector.L2: 1, vector.IP: 2, vector.Angular: 3}

// metricOf returns the metric with code c.
func metricOf(c uint32) (vector.Metric, bool) {
	for m, code := range metricCodes {
		if code == c {
			return m, true
		}
	}
	return "", false
}

// Reseal returns a copy of file with its last 4 bytes replaced by the
// checksum of the rest, as a Writer would have ended it. It is for fault
// injection and fuzz tests that alter a file on purpose and want the
// decoder's structural checks, not the checksum, to judge the result.
func Reseal(file []byte) []byte {
	out := append([]byte(nil), file...)
	if len(out) < trailerSize {
		return out
	}
	body := len(out) - trailerSize
	binary.LittleEndian.PutUint32(out[body:], crc32.Checksum(out[:body], castagnoli))
	return out
}

// checkHeader compares a header read from a file with the one wanted.
func checkHeader(got, want Header) error {
	if got.Algorithm != want.Algorithm {
		return fmt.Errorf("file holds a %q index, not %q", got.Algorithm, want.Algorithm)
	}
	if got.Metric != want.Metric {
		return fmt.Errorf("file holds an index for metric %s, this index is for %s", got.Metric, want.Metric)
	}
	if got.Dim != want.Dim {
		return fmt.Errorf("file holds an index of dimension %d, this index has dimension %d", got.Dim, want.Dim)
	}
	return nil
}
