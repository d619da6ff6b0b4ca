package hdf5

import (
	"bytes"
	"fmt"
)

// Header message types used by this reader.
const (
	msgNil          = 0x00
	msgDataspace    = 0x01
	msgLinkInfo     = 0x02
	msgDatatype     = 0x03
	msgFillOld      = 0x04
	msgFill         = 0x05
	msgLink         = 0x06
	msgExternal     = 0x07
	msgLayout       = 0x08
	msgFilters      = 0x0B
	msgAttribute    = 0x0C
	msgContinuation = 0x10
	msgSymbolTable  = 0x11
	msgAttrInfo     = 0x15
)

// Limits that keep corrupt files from looping or exhausting memory.
const (
	maxHeaderBlocks   = 1024
	maxHeaderMessages = 1 << 16
	maxHeaderBlock    = 64 << 20
)

// message is one object header message.
type message struct {
	typ   uint16
	flags uint8
	data  []byte
}

// shared reports whether the message body is stored elsewhere.
func (m message) shared() bool { return m.flags&0x02 != 0 }

// objectHeader is the parsed object header of a group or dataset.
type objectHeader struct {
	addr uint64
	msgs []message
}

// find returns the first message of type typ.
func (h *objectHeader) find(typ uint16) (message, bool) {
	for _, m := range h.msgs {
		if m.typ == typ {
			return m, true
		}
	}
	return message{}, false
}

// readObjectHeader parses the object header at file address a, following
// continuation messages.
func (f *File) readObjectHeader(a uint64) (*objectHeader, error) {
	abs, err := f.addr(a, "object header")
	if err != nil {
		return nil, err
	}
	sig, err := f.readAt(abs, 4, "object header")
	if err != nil {
		return nil, err
	}
	h := &objectHeader{addr: a}
	if bytes.Equal(sig, []byte("OHDR")) {
		err = f.readHeaderV2(h, abs)
	} else {
		err = f.readHeaderV1(h, abs)
	}
	if err != nil {
		return nil, fmt.Errorf("object header at %d: %w", abs, err)
	}
	return h, nil
}

type block struct{ addr, size uint64 }

func (f *File) readHeaderV1(h *objectHeader, abs uint64) error {
	pre, err := f.readAt(abs, 16, "object header prefix")
	if err != nil {
		return err
	}
	if pre[0] != 1 {
		return fmt.Errorf("object header version %d not supported (want 1 or 2)", pre[0])
	}
	d := decoder{b: pre[2:], f: f}
	nmsgs := int(d.u16())
	d.u32() // reference count
	size := uint64(d.u32())
	queue := []block{{abs + 16, size}}
	seen := map[uint64]bool{}
	for len(queue) > 0 && len(h.msgs) < nmsgs {
		blk := queue[0]
		queue = queue[1:]
		if seen[blk.addr] || len(seen) >= maxHeaderBlocks {
			return fmt.Errorf("object header continuation loop at offset %d", blk.addr)
		}
		seen[blk.addr] = true
		if blk.size > maxHeaderBlock {
			return fmt.Errorf("object header block of %d bytes too large", blk.size)
		}
		b, err := f.readAt(blk.addr, int(blk.size), "object header messages")
		if err != nil {
			return err
		}
		for len(b) >= 8 && len(h.msgs) < nmsgs {
			md := decoder{b: b, f: f}
			typ := md.u16()
			msize := int(md.u16())
			flags := md.u8()
			md.skip(3)
			if b, err = f.takeMessage(h, &queue, message{typ: typ, flags: flags}, msize, md.b, "block"); err != nil {
				return err
			}
		}
	}
	return nil
}

// takeMessage cuts the msize-byte data of m from the front of rest (what
// follows the message's header), adds m to h, queues the continuation
// block it names and returns what follows it. where ("block", "chunk")
// names the header part in errors.
func (f *File) takeMessage(h *objectHeader, queue *[]block, m message, msize int, rest []byte, where string) ([]byte, error) {
	if msize > len(rest) {
		return nil, fmt.Errorf("message type %#x of %d bytes overruns its header %s (%d bytes left)", m.typ, msize, where, len(rest))
	}
	m.data = rest[:msize]
	next, err := f.addMessage(h, m)
	if err != nil {
		return nil, err
	}
	if next.size > 0 {
		*queue = append(*queue, next)
	}
	return rest[msize:], nil
}

func (f *File) readHeaderV2(h *objectHeader, abs uint64) error {
	pre, err := f.readAt(abs, 6, "object header prefix")
	if err != nil {
		return err
	}
	if pre[4] != 2 {
		return fmt.Errorf("object header version %d not supported (want 1 or 2)", pre[4])
	}
	flags := pre[5]
	hlen := 6
	if flags&0x20 != 0 {
		hlen += 16
	}
	if flags&0x10 != 0 {
		hlen += 4
	}
	szBytes := 1 << (flags & 3)
	full, err := f.readAt(abs, hlen+szBytes, "object header prefix")
	if err != nil {
		return err
	}
	d := decoder{b: full[hlen:], f: f}
	chunk0 := d.uint(szBytes)
	if chunk0 > maxHeaderBlock {
		return fmt.Errorf("object header chunk of %d bytes too large", chunk0)
	}
	// Chunk 0 is checksummed together with the prefix.
	all, err := f.readAt(abs, hlen+szBytes+int(chunk0)+4, "object header")
	if err != nil {
		return err
	}
	if err := checkSum(all, "object header"); err != nil {
		return err
	}
	queue := []block{}
	seen := map[uint64]bool{abs: true}
	body := all[hlen+szBytes : len(all)-4]
	for {
		for len(body) >= 4 {
			md := decoder{b: body, f: f}
			typ := uint16(md.u8())
			msize := int(md.u16())
			mflags := md.u8()
			if flags&0x04 != 0 {
				md.u16() // creation order
			}
			if md.err != nil {
				break // gap at the end of the chunk
			}
			if body, err = f.takeMessage(h, &queue, message{typ: typ, flags: mflags}, msize, md.b, "chunk"); err != nil {
				return err
			}
		}
		if len(queue) == 0 {
			return nil
		}
		blk := queue[0]
		queue = queue[1:]
		if seen[blk.addr] || len(seen) >= maxHeaderBlocks {
			return fmt.Errorf("object header continuation loop at offset %d", blk.addr)
		}
		seen[blk.addr] = true
		if blk.size > maxHeaderBlock || blk.size < 8 {
			return fmt.Errorf("object header continuation block of %d bytes invalid", blk.size)
		}
		b, err := f.readAt(blk.addr, int(blk.size), "object header continuation block")
		if err != nil {
			return err
		}
		if err := checkSig(b, "OCHK", "object header continuation block", blk.addr); err != nil {
			return err
		}
		if err := checkSum(b, "object header continuation block"); err != nil {
			return err
		}
		body = b[4 : len(b)-4]
	}
}

// addMessage appends m to h, returning the block a continuation message
// points to (size 0 otherwise).
func (f *File) addMessage(h *objectHeader, m message) (block, error) {
	if len(h.msgs) >= maxHeaderMessages {
		return block{}, fmt.Errorf("more than %d header messages", maxHeaderMessages)
	}
	if m.typ == msgContinuation {
		d := decoder{b: m.data, f: f}
		off := d.offset()
		n := d.length()
		if d.err != nil {
			return block{}, fmt.Errorf("continuation message: %w", d.err)
		}
		abs, err := f.addr(off, "object header continuation block")
		if err != nil {
			return block{}, err
		}
		return block{abs, n}, nil
	}
	if m.typ != msgNil {
		h.msgs = append(h.msgs, m)
	}
	return block{}, nil
}

// resolve returns the body of m, following a shared message to the
// committed object whose header holds it.
func (f *File) resolve(m message) ([]byte, error) {
	if !m.shared() {
		return m.data, nil
	}
	d := decoder{b: m.data, f: f}
	ver := d.u8()
	typ := d.u8()
	switch ver {
	case 1:
		d.skip(6)
	case 2:
	case 3:
		if typ != 2 {
			return nil, fmt.Errorf("shared message type %#x in the shared-message heap not supported", m.typ)
		}
	default:
		return nil, fmt.Errorf("shared message version %d not supported", ver)
	}
	a := d.offset()
	if d.err != nil {
		return nil, fmt.Errorf("shared message: %w", d.err)
	}
	h, err := f.readObjectHeader(a)
	if err != nil {
		return nil, fmt.Errorf("shared message: %w", err)
	}
	sm, ok := h.find(m.typ)
	if !ok || sm.shared() {
		return nil, fmt.Errorf("shared message type %#x: not found in committed object at %d", m.typ, a)
	}
	return sm.data, nil
}
