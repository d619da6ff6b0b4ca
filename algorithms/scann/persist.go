package scann

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/annbench/annbench/datasets/vector"
)

// Persistence format, little-endian:
//
//	magic      [8]byte "ANNSCANN"
//	version    uint32 (formatVersion)
//	metric     uint8 (0 l2, 1 ip, 2 angular)
//	nbits      uint8
//	dpb        uint16
//	dim        uint32
//	n          uint64  stored vectors
//	leaves     uint32
//	threshold  float64 effective anisotropic threshold (informational)
//	centers    leaves×dim float32
//	codebooks  nblocks×ksub×dpb float32
//	leafStart  leaves+1 uint32
//	ids        n int32
//	codes      codeStart[leaves] bytes (implied by the layout)
//	extra      n float32 (l2 only)
//	data       n×dim float32
const formatVersion = 1

var magic = [8]byte{'A', 'N', 'N', 'S', 'C', 'A', 'N', 'N'}

const headerSize = 8 + 4 + 1 + 1 + 2 + 4 + 8 + 4 + 8

func metricCode(m vector.Metric) uint8 {
	switch m {
	case vector.IP:
		return 1
	case vector.Angular:
		return 2
	}
	return 0
}

// Save writes the index in the versioned scann format.
func (x *Index) Save(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var hdr [headerSize]byte
	copy(hdr[:8], magic[:])
	binary.LittleEndian.PutUint32(hdr[8:], formatVersion)
	hdr[12] = metricCode(x.metric)
	hdr[13] = uint8(x.opt.NBits)
	binary.LittleEndian.PutUint16(hdr[14:], uint16(x.opt.DimsPerBlock))
	binary.LittleEndian.PutUint32(hdr[16:], uint32(x.dim))
	binary.LittleEndian.PutUint64(hdr[20:], uint64(x.n))
	binary.LittleEndian.PutUint32(hdr[28:], uint32(x.nleaves))
	binary.LittleEndian.PutUint64(hdr[32:], math.Float64bits(x.threshold))
	if _, err := bw.Write(hdr[:]); err != nil {
		return fmt.Errorf("scann: write header: %w", err)
	}
	if x.n > 0 {
		ew := &errWriter{w: bw}
		ew.floats(x.centers)
		ew.floats(x.q.codebooks)
		for _, v := range x.leafStart {
			ew.u32(uint32(v))
		}
		for _, v := range x.ids {
			ew.u32(uint32(v))
		}
		ew.bytes(x.codes)
		ew.floats(x.extra)
		ew.floats(x.data)
		if ew.err != nil {
			return fmt.Errorf("scann: write index: %w", ew.err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("scann: write index: %w", err)
	}
	return nil
}

// Load reads what Save wrote. The stored metric, dimension, nbits and
// dims_per_block must match the index's.
func (x *Index) Load(r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var hdr [headerSize]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return fmt.Errorf("scann: read header: %w", noEOF(err))
	}
	if [8]byte(hdr[:8]) != magic {
		return fmt.Errorf("scann: not a scann index file (bad magic %q)", hdr[:8])
	}
	if v := binary.LittleEndian.Uint32(hdr[8:]); v != formatVersion {
		return fmt.Errorf("scann: unsupported format version %d (this build reads %d)", v, formatVersion)
	}
	if m := hdr[12]; m != metricCode(x.metric) {
		return fmt.Errorf("scann: stored metric code %d, index metric %s (code %d)", m, x.metric, metricCode(x.metric))
	}
	if nb := int(hdr[13]); nb != x.opt.NBits {
		return fmt.Errorf("scann: stored nbits %d, index nbits %d", nb, x.opt.NBits)
	}
	if d := int(binary.LittleEndian.Uint16(hdr[14:])); d != x.opt.DimsPerBlock {
		return fmt.Errorf("scann: stored dims_per_block %d, index dims_per_block %d", d, x.opt.DimsPerBlock)
	}
	if d := int(binary.LittleEndian.Uint32(hdr[16:])); d != x.dim {
		return fmt.Errorf("scann: stored dimension %d, index dimension %d", d, x.dim)
	}
	n64 := binary.LittleEndian.Uint64(hdr[20:])
	L := int(binary.LittleEndian.Uint32(hdr[28:]))
	th := math.Float64frombits(binary.LittleEndian.Uint64(hdr[32:]))
	if n64 > math.MaxInt32 {
		return fmt.Errorf("scann: stored vector count %d is too large", n64)
	}
	n := int(n64)
	if n == 0 {
		if L != 0 {
			return fmt.Errorf("scann: empty index with %d leaves", L)
		}
		x.reset()
		return nil
	}
	if L < 1 || L > n {
		return fmt.Errorf("scann: stored leaf count %d, want 1..%d for %d vectors", L, n, n)
	}
	if math.IsNaN(th) || th < 0 || th >= 1 {
		return fmt.Errorf("scann: stored anisotropic threshold %g is outside [0, 1)", th)
	}
	er := &errReader{r: br}
	q := newQuantizer(x.dim, x.opt.DimsPerBlock, x.opt.NBits)
	centers := er.floats(L * x.dim)
	q.codebooks = er.floats(len(q.codebooks))
	leafStart := make([]int32, L+1)
	for i := range leafStart {
		leafStart[i] = int32(er.u32())
		if er.err == nil && (leafStart[i] < 0 || (i > 0 && leafStart[i] < leafStart[i-1]) || int(leafStart[i]) > n) {
			return fmt.Errorf("scann: partition offset %d is %d, want a non-decreasing value in [0, %d]", i, leafStart[i], n)
		}
	}
	if er.err == nil && (leafStart[0] != 0 || int(leafStart[L]) != n) {
		return fmt.Errorf("scann: partition offsets span [%d, %d], want [0, %d]", leafStart[0], leafStart[L], n)
	}
	ids := make([]int32, 0, min(n, 1<<20))
	for i := 0; i < n && er.err == nil; i++ {
		id := int32(er.u32())
		if er.err == nil && (id < 0 || int(id) >= n) {
			return fmt.Errorf("scann: stored id %d at position %d is outside [0, %d)", id, i, n)
		}
		ids = append(ids, id)
	}
	if er.err != nil {
		return fmt.Errorf("scann: read index: %w", noEOF(er.err))
	}
	x.reset()
	x.n, x.nleaves, x.leafStart, x.ids, x.centers, x.q, x.threshold = n, L, leafStart, ids, centers, q, th
	x.computeCodeStart()
	x.codes = er.bytes(int(x.codeStart[L]))
	if x.metric == vector.L2 {
		x.extra = er.floats(n)
	}
	x.data = er.floats(n * x.dim)
	if er.err != nil {
		x.reset()
		return fmt.Errorf("scann: read index: %w", noEOF(er.err))
	}
	if _, err := br.ReadByte(); err != io.EOF {
		x.reset()
		return fmt.Errorf("scann: trailing data after the index")
	}
	return nil
}

// computeCodeStart derives the code offsets of each leaf and the largest
// leaf from leafStart.
func (x *Index) computeCodeStart() {
	L, nb := x.nleaves, x.q.nblocks
	x.codeStart = make([]int64, L+1)
	x.maxLeaf = 0
	for l := 0; l < L; l++ {
		size := int64(x.leafStart[l+1] - x.leafStart[l])
		x.maxLeaf = max(x.maxLeaf, int(size))
		if x.q.ksub == 256 {
			x.codeStart[l+1] = x.codeStart[l] + size*int64(nb)
		} else {
			x.codeStart[l+1] = x.codeStart[l] + (size+groupSize-1)/groupSize*int64(numPairs(nb)*pairBytes)
		}
	}
}

// errWriter writes little-endian values and keeps the first error.
type errWriter struct {
	w   *bufio.Writer
	err error
	buf [4096]byte
}

func (e *errWriter) u32(v uint32) {
	if e.err != nil {
		return
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	_, e.err = e.w.Write(b[:])
}

func (e *errWriter) floats(v []float32) {
	for len(v) > 0 && e.err == nil {
		m := min(len(v), len(e.buf)/4)
		for i, f := range v[:m] {
			binary.LittleEndian.PutUint32(e.buf[i*4:], math.Float32bits(f))
		}
		_, e.err = e.w.Write(e.buf[:m*4])
		v = v[m:]
	}
}

func (e *errWriter) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

// errReader reads little-endian values and keeps the first error. Slices
// grow as data arrives, so a corrupt count cannot force a huge allocation
// before the data runs out.
type errReader struct {
	r   *bufio.Reader
	err error
	buf [4096]byte
}

func (e *errReader) u32() uint32 {
	if e.err != nil {
		return 0
	}
	var b [4]byte
	if _, e.err = io.ReadFull(e.r, b[:]); e.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b[:])
}

func (e *errReader) floats(n int) []float32 {
	out := make([]float32, 0, min(n, 1<<20))
	for len(out) < n && e.err == nil {
		m := min(n-len(out), len(e.buf)/4)
		if _, e.err = io.ReadFull(e.r, e.buf[:m*4]); e.err != nil {
			break
		}
		for i := 0; i < m; i++ {
			f := math.Float32frombits(binary.LittleEndian.Uint32(e.buf[i*4:]))
			if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
				e.err = errors.New("non-finite value in stored floats")
				break
			}
			out = append(out, f)
		}
	}
	return out
}

func (e *errReader) bytes(n int) []byte {
	out := make([]byte, 0, min(n, 1<<22))
	for len(out) < n && e.err == nil {
		m := min(n-len(out), len(e.buf))
		if _, e.err = io.ReadFull(e.r, e.buf[:m]); e.err != nil {
			break
		}
		out = append(out, e.buf[:m]...)
	}
	return out
}

// noEOF turns a bare EOF into ErrUnexpectedEOF: inside a file, running out
// of bytes is always truncation.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
