package hnsw

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"

	"github.com/annbench/annbench/datasets/vector"
)

// Persistence format, little-endian:
//
//	magic           [8]byte "ANNBHNSW"
//	version         uint32  (formatVersion)
//	metric          uint32  (1 l2, 2 ip, 3 angular)
//	dim             uint32
//	M               uint32
//	ef_construction uint32
//	seed            uint64
//	n               uint64  number of nodes
//	entry           uint32  entry point node
//	max level       uint32
//	levels          n uint8     top layer of each node
//	vectors         n*dim float32
//	layer 0         n*(2M+1) uint32   per node: count, then 2M slots
//	upper layers    sum(levels)*(M+1) uint32, nodes in order, layers 1..L
//	checksum        uint32  CRC-32 (IEEE) of every byte before it
const formatVersion = 1

var magic = [8]byte{'A', 'N', 'N', 'B', 'H', 'N', 'S', 'W'}

const headerSize = 8 + 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 4

var metricCodes = map[vector.Metric]uint32{vector.L2: 1, vector.IP: 2, vector.Angular: 3}

// Save writes the index in the versioned HNSW format.
func (x *Index) Save(w io.Writer) error {
	ew := &encoder{w: bufio.NewWriterSize(w, 1<<20), h: crc32.NewIEEE()}
	var hdr [headerSize]byte
	copy(hdr[:8], magic[:])
	le := binary.LittleEndian
	le.PutUint32(hdr[8:], formatVersion)
	le.PutUint32(hdr[12:], metricCodes[x.metric])
	le.PutUint32(hdr[16:], uint32(x.dim))
	le.PutUint32(hdr[20:], uint32(x.m))
	le.PutUint32(hdr[24:], uint32(x.cfg.EfConstruction))
	le.PutUint64(hdr[28:], x.cfg.Seed)
	le.PutUint64(hdr[36:], uint64(x.n))
	le.PutUint32(hdr[44:], x.entry)
	le.PutUint32(hdr[48:], uint32(x.maxLevel))
	ew.bytes(hdr[:])
	ew.bytes(x.levels)
	for i := 0; i < x.n; i++ {
		ew.float32s(x.vec(uint32(i)))
	}
	for i := 0; i < x.n; i++ {
		ew.uint32s(x.list(uint32(i), 0))
	}
	ew.uint32s(x.upper)
	var sum [4]byte
	le.PutUint32(sum[:], ew.h.Sum32())
	if ew.err == nil {
		_, ew.err = ew.w.Write(sum[:])
	}
	if ew.err == nil {
		ew.err = ew.w.Flush()
	}
	if ew.err != nil {
		return fmt.Errorf("hnsw: save: %w", ew.err)
	}
	return nil
}

// Load reads what Save wrote into an index made with the same metric,
// dimension and M. Truncated, corrupted or foreign input is an error.
func (x *Index) Load(r io.Reader) error {
	x.clear()
	d := &decoder{r: bufio.NewReaderSize(r, 1<<16), h: crc32.NewIEEE()}
	var hdr [headerSize]byte
	if err := d.bytes(hdr[:], "header"); err != nil {
		return err
	}
	if [8]byte(hdr[:8]) != magic {
		return fmt.Errorf("hnsw: load: not an HNSW index file (bad magic %q)", hdr[:8])
	}
	le := binary.LittleEndian
	if v := le.Uint32(hdr[8:]); v != formatVersion {
		return fmt.Errorf("hnsw: load: unsupported format version %d (this build reads version %d)", v, formatVersion)
	}
	metric, dim, m := le.Uint32(hdr[12:]), le.Uint32(hdr[16:]), le.Uint32(hdr[20:])
	efc, seed, n64 := le.Uint32(hdr[24:]), le.Uint64(hdr[28:]), le.Uint64(hdr[36:])
	entry, maxLevel := le.Uint32(hdr[44:]), le.Uint32(hdr[48:])
	if metric != metricCodes[x.metric] {
		return fmt.Errorf("hnsw: load: file has metric code %d, index metric is %s (code %d)", metric, x.metric, metricCodes[x.metric])
	}
	if int64(dim) != int64(x.dim) {
		return fmt.Errorf("hnsw: load: file has dimension %d, index dimension is %d", dim, x.dim)
	}
	if int64(m) != int64(x.m) {
		return fmt.Errorf("hnsw: load: file has M=%d, index was made with M=%d", m, x.m)
	}
	if efc == 0 || efc > math.MaxInt32 {
		return fmt.Errorf("hnsw: load: invalid ef_construction %d", efc)
	}
	if n64 >= math.MaxUint32 {
		return fmt.Errorf("hnsw: load: node count %d is too large", n64)
	}
	n := int(n64)
	if maxLevel >= maxLevels {
		return fmt.Errorf("hnsw: load: max level %d exceeds the limit %d", maxLevel, maxLevels-1)
	}
	if n == 0 && (entry != 0 || maxLevel != 0) {
		return fmt.Errorf("hnsw: load: empty index with entry %d and max level %d", entry, maxLevel)
	}
	if n > 0 && entry >= uint32(n) {
		return fmt.Errorf("hnsw: load: entry point %d out of range [0,%d)", entry, n)
	}
	levels, err := readChunked(d, n, "levels", func(b []byte, out []uint8) []uint8 { return append(out, b...) }, 1)
	if err != nil {
		return err
	}
	var total uint64
	upperOff := make([]uint32, n)
	for i, l := range levels {
		if uint32(l) > maxLevel {
			return fmt.Errorf("hnsw: load: node %d has level %d above the max level %d", i, l, maxLevel)
		}
		upperOff[i] = uint32(total)
		total += uint64(l) * uint64(m+1)
		if total > math.MaxUint32 {
			return fmt.Errorf("hnsw: load: upper layers too large")
		}
	}
	if n > 0 && uint32(levels[entry]) != maxLevel {
		return fmt.Errorf("hnsw: load: entry point %d has level %d, max level is %d", entry, levels[entry], maxLevel)
	}
	// Node records grow as vectors arrive, so a header claiming many
	// nodes cannot allocate more than the input holds.
	stride, m0 := x.stride, x.m0
	nodes := make([]uint32, 0, min(n*stride, 1<<16))
	rec := make([]byte, max(x.dim, m0+1)*4)
	for i := 0; i < n; i++ {
		b := rec[:x.dim*4]
		if err := d.bytes(b, "vectors"); err != nil {
			return err
		}
		for j := 0; j < len(b); j += 4 {
			nodes = append(nodes, le.Uint32(b[j:]))
		}
		for j := x.dim; j < stride; j++ {
			nodes = append(nodes, 0)
		}
	}
	for i := 0; i < n; i++ {
		b := rec[:(m0+1)*4]
		if err := d.bytes(b, "layer 0"); err != nil {
			return err
		}
		l := nodes[i*stride+x.dim : i*stride+x.dim+m0+1]
		for j := range l {
			l[j] = le.Uint32(b[j*4:])
		}
	}
	decodeU32 := func(b []byte, out []uint32) []uint32 {
		for i := 0; i+4 <= len(b); i += 4 {
			out = append(out, le.Uint32(b[i:]))
		}
		return out
	}
	upper, err := readChunked(d, int(total), "upper layers", decodeU32, 4)
	if err != nil {
		return err
	}
	want := d.h.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(d.r, sum[:]); err != nil {
		return fmt.Errorf("hnsw: load: read checksum: %w", noEOF(err))
	}
	if got := le.Uint32(sum[:]); got != want {
		return fmt.Errorf("hnsw: load: checksum mismatch (stored %08x, computed %08x): file is corrupted", got, want)
	}
	for i := 0; i < n; i++ {
		o := i*stride + x.dim
		if err := checkLists(nodes[o:o+m0+1], m0+1, n, "layer 0"); err != nil {
			return err
		}
	}
	if err := checkLists(upper, int(m)+1, n, "upper layers"); err != nil {
		return err
	}
	x.cfg.EfConstruction, x.cfg.Seed = int(efc), seed
	x.n, x.nodes, x.levels, x.upperOff, x.upper = n, nodes, levels, upperOff, upper
	x.entry, x.maxLevel = entry, int(maxLevel)
	return nil
}

// checkLists verifies that every slot of stride uint32s holds a count that
// fits and ids below n, so a damaged file cannot make Search index out of
// range.
func checkLists(a []uint32, stride, n int, what string) error {
	for o := 0; o+stride <= len(a); o += stride {
		c := a[o]
		if int64(c) >= int64(stride) {
			return fmt.Errorf("hnsw: load: %s: neighbour count %d exceeds capacity %d", what, c, stride-1)
		}
		for _, id := range a[o+1 : o+1+int(c)] {
			if int64(id) >= int64(n) {
				return fmt.Errorf("hnsw: load: %s: neighbour id %d out of range [0,%d)", what, id, n)
			}
		}
	}
	return nil
}

// readChunked reads count elements of size bytes each, growing the result
// as data arrives so that a header claiming a huge count cannot allocate
// more than the input holds.
func readChunked[T any](d *decoder, count int, what string, decode func([]byte, []T) []T, size int) ([]T, error) {
	out := make([]T, 0, min(count, 1<<16))
	for remaining := count; remaining > 0; {
		k := min(remaining, len(d.buf)/size)
		if err := d.bytes(d.buf[:k*size], what); err != nil {
			return nil, err
		}
		out = decode(d.buf[:k*size], out)
		remaining -= k
	}
	return out, nil
}

// decoder reads and checksums.
type decoder struct {
	r   *bufio.Reader
	h   hash.Hash32
	buf [1 << 16]byte
}

func (d *decoder) bytes(p []byte, what string) error {
	if _, err := io.ReadFull(d.r, p); err != nil {
		return fmt.Errorf("hnsw: load: read %s: %w", what, noEOF(err))
	}
	d.h.Write(p)
	return nil
}

// encoder writes and checksums, keeping the first error.
type encoder struct {
	w   *bufio.Writer
	h   hash.Hash32
	buf [1 << 16]byte
	err error
}

func (e *encoder) bytes(p []byte) {
	if e.err != nil {
		return
	}
	e.h.Write(p)
	_, e.err = e.w.Write(p)
}

func (e *encoder) uint32s(a []uint32) {
	for len(a) > 0 && e.err == nil {
		k := min(len(a), len(e.buf)/4)
		for i, v := range a[:k] {
			binary.LittleEndian.PutUint32(e.buf[i*4:], v)
		}
		e.bytes(e.buf[:k*4])
		a = a[k:]
	}
}

func (e *encoder) float32s(a []float32) {
	for len(a) > 0 && e.err == nil {
		k := min(len(a), len(e.buf)/4)
		for i, v := range a[:k] {
			binary.LittleEndian.PutUint32(e.buf[i*4:], math.Float32bits(v))
		}
		e.bytes(e.buf[:k*4])
		a = a[k:]
	}
}

// noEOF turns a bare EOF into ErrUnexpectedEOF: inside a file, running out
// of bytes is always truncation.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
