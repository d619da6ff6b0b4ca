package binfmt

import (
	"fmt"
	"io"

	"github.com/annbench/annbench/datasets/vector"
)

// Persistence gives the index that embeds it its Save and Load: the one
// frame of every index file, around a body that only the index knows.
// The index's constructor sets it with Persist.
type Persistence struct {
	header Header
	write  func(*Writer)
	read   func(*Reader) (install func() error)
}

// Persist returns the Persistence of an index of the named algorithm for
// metric m and dimension dim, whose body write writes and read reads back.
//
// read reads the body into values of its own, never into the index; it
// records a problem it finds with Reader.Fail and may stop reading early.
// It returns install (or nil once it has recorded a problem), which Load
// calls only once the body was read to its end and the checksum matches:
// install checks what needs the whole body and, when that passes, puts
// the values into the index. So input that does not load, whatever the
// step that refuses it, leaves the index as it was.
func Persist(algorithm string, m vector.Metric, dim int, write func(*Writer), read func(*Reader) (install func() error)) Persistence {
	return Persistence{header: Header{Algorithm: algorithm, Metric: m, Dim: dim}, write: write, read: read}
}

// Save writes the index as one whole index file to w: the header, the
// body and the checksum trailer. An error reads "<algorithm>: save:
// <cause>".
func (p Persistence) Save(w io.Writer) error {
	b := NewWriter(w, p.header)
	p.write(b)
	if err := b.Close(); err != nil {
		return fmt.Errorf("%s: save: %w", p.header.Algorithm, err)
	}
	return nil
}

// Load reads an index file that Save wrote for an index of the same
// algorithm, metric and dimension into the index, or returns an error and
// leaves the index as it was. An error reads "<algorithm>: load: <cause>".
func (p Persistence) Load(r io.Reader) error {
	b, err := NewReader(r, p.header)
	if err == nil {
		install := p.read(b)
		if err = b.Close(); err == nil {
			err = install()
		}
	}
	if err != nil {
		return fmt.Errorf("%s: load: %w", p.header.Algorithm, err)
	}
	return nil
}
