package flat

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/datasets"
)

// Persistence format, little-endian:
//
//	magic   [8]byte "ANNBFLAT"
//	version uint32  (formatVersion)
//	dim     uint32
//	rows    uint64
//	data    rows*dim float32
const formatVersion = 1

var magic = [8]byte{'A', 'N', 'N', 'B', 'F', 'L', 'A', 'T'}

// Save writes the index in the versioned flat format.
func (x *Index) Save(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var hdr [24]byte
	copy(hdr[:8], magic[:])
	binary.LittleEndian.PutUint32(hdr[8:], formatVersion)
	binary.LittleEndian.PutUint32(hdr[12:], uint32(x.dim))
	binary.LittleEndian.PutUint64(hdr[16:], uint64(x.v.n))
	if _, err := bw.Write(hdr[:]); err != nil {
		return fmt.Errorf("flat: write header: %w", err)
	}
	// Vectors are written in their original dimension order, whatever
	// order the index keeps them in.
	row := make([]float32, x.dim)
	buf := make([]byte, 4*x.dim)
	for i := 0; i < x.v.n; i++ {
		x.v.row(i, row)
		for j, f := range row {
			binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(f))
		}
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("flat: write vectors: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("flat: write vectors: %w", err)
	}
	return nil
}

// Load reads what Save wrote. The stored dimension must match the index's.
func (x *Index) Load(r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var hdr [24]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return fmt.Errorf("flat: read header: %w", noEOF(err))
	}
	if [8]byte(hdr[:8]) != magic {
		return fmt.Errorf("flat: not a flat index file (bad magic %q)", hdr[:8])
	}
	if v := binary.LittleEndian.Uint32(hdr[8:]); v != formatVersion {
		return fmt.Errorf("flat: unsupported format version %d (this build reads %d)", v, formatVersion)
	}
	dim := int(binary.LittleEndian.Uint32(hdr[12:]))
	rows := binary.LittleEndian.Uint64(hdr[16:])
	if dim != x.dim {
		return fmt.Errorf("flat: stored dimension %d, index dimension %d", dim, x.dim)
	}
	if rows > math.MaxInt32 {
		return fmt.Errorf("flat: stored row count %d is too large", rows)
	}
	n := int(rows)
	data := make([]float32, 0, min(n*dim, 1<<24))
	var buf [4096]byte
	for remaining := n * dim; remaining > 0; {
		m := min(remaining, len(buf)/4)
		if _, err := io.ReadFull(br, buf[:m*4]); err != nil {
			return fmt.Errorf("flat: read vectors: %d of %d values missing: %w", remaining, n*dim, noEOF(err))
		}
		for j := 0; j < m; j++ {
			data = append(data, math.Float32frombits(binary.LittleEndian.Uint32(buf[j*4:])))
		}
		remaining -= m
	}
	x.v = newVectors(x.metric, datasets.Matrix{Data: data, Rows: n, Dim: dim, Stride: dim})
	return nil
}

// noEOF turns a bare EOF into ErrUnexpectedEOF: inside a file, running out
// of bytes is always truncation.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
