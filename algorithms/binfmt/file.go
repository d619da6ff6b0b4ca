package binfmt

import (
	"fmt"
	"io"
)

// Save writes one whole index file to w: the header h, the body that body
// writes through the Writer, and the checksum trailer. An error reads
// "<algorithm>: save: <cause>".
func Save(w io.Writer, h Header, body func(*Writer)) error {
	b := NewWriter(w, h)
	body(b)
	if err := b.Close(); err != nil {
		return fmt.Errorf("%s: save: %w", h.Algorithm, err)
	}
	return nil
}

// Load reads one whole index file written for want: it checks the header,
// lets body read the fields (body records a problem it finds with
// Reader.Fail and may stop reading early), then checks the checksum and
// that nothing follows. What body read is the caller's to keep only when
// Load returns nil. An error reads "<algorithm>: load: <cause>".
func Load(r io.Reader, want Header, body func(*Reader)) error {
	b, err := NewReader(r, want)
	if err == nil {
		body(b)
		err = b.Close()
	}
	if err != nil {
		return fmt.Errorf("%s: load: %w", want.Algorithm, err)
	}
	return nil
}
