package binfmt

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/datasets/vector"
)

// Save writes one whole index file to w: the header of an index of the
// named algorithm for metric m and dimension dim, the body that write
// writes through the Writer, and the checksum trailer. An error reads
// "<algorithm>: save: <cause>".
func Save(w io.Writer, algorithm string, m vector.Metric, dim int, write func(*Writer)) error {
	b := NewWriter(w, Header{Algorithm: algorithm, Metric: m, Dim: dim})
	write(b)
	if err := b.Close(); err != nil {
		return fmt.Errorf("%s: save: %w", algorithm, err)
	}
	return nil
}

// Load reads one whole index file that Save wrote for the same algorithm,
// metric and dimension. It checks the header and calls read, which reads
// the body into values of its own, never into the index (it records a
// problem it finds with Reader.Fail and may stop reading early), and
// returns install, or nil once it has recorded a problem. Only once the
// body was read to its end and the checksum matches does Load call
// install, which checks what needs the whole body and, when that passes,
// puts the values into the index. So input that does not load, whatever
// the step that refuses it, leaves the index as it was. An error reads
// "<algorithm>: load: <cause>".
func Load(r io.Reader, algorithm string, m vector.Metric, dim int, read func(*Reader) (install func() error)) error {
	b, err := NewReader(r, Header{Algorithm: algorithm, Metric: m, Dim: dim})
	if err == nil {
		install := read(b)
		if err = b.Close(); err == nil {
			err = install()
		}
	}
	if err != nil {
		return fmt.Errorf("%s: load: %w", algorithm, err)
	}
	return nil
}
