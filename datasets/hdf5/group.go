package hdf5

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// maxBTreeNodes bounds B-tree walks in corrupt files.
const maxBTreeNodes = 1 << 16

// symbolTable holds the addresses of an old-style group's B-tree and
// local heap.
type symbolTable struct{ btree, heap uint64 }

// link is one named member of a group.
type link struct {
	name   string
	header uint64 // object header address; undefined for soft/external links
	kind   string // "hard", "soft" or "external"
}

// links lists the members of the group whose object header is h.
func (f *File) links(h *objectHeader, stab *symbolTable) ([]link, error) {
	if m, ok := h.find(msgSymbolTable); ok {
		d := decoder{b: m.data, f: f}
		st := symbolTable{btree: d.offset(), heap: d.offset()}
		if d.err != nil {
			return nil, fmt.Errorf("symbol table message: %w", d.err)
		}
		stab = &st
	}
	if stab != nil {
		return f.symbolTableLinks(*stab)
	}
	if m, ok := h.find(msgLinkInfo); ok {
		// The optional field is an 8-byte maximum creation index; heap IDs
		// follow a 4-byte name hash in the name-index records.
		dense, ok, err := denseStorage(f, m.data, 8, "link",
			func(rec []byte) []byte { return rec[min(4, len(rec)):] }, f.parseLink)
		if err != nil || ok {
			return dense, err
		}
	}
	var out []link
	for _, m := range h.msgs {
		if m.typ != msgLink {
			continue
		}
		l, err := f.parseLink(m.data)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func (f *File) parseLink(b []byte) (link, error) {
	d := decoder{b: b, f: f}
	if v := d.u8(); v != 1 && d.err == nil {
		return link{}, fmt.Errorf("link message version %d not supported", v)
	}
	flags := d.u8()
	typ := uint8(0)
	if flags&0x08 != 0 {
		typ = d.u8()
	}
	if flags&0x04 != 0 {
		d.skip(8)
	}
	if flags&0x10 != 0 {
		d.u8()
	}
	n := d.uint(1 << (flags & 3))
	if n > uint64(len(d.b)) {
		return link{}, fmt.Errorf("link message: name of %d bytes overruns the message", n)
	}
	name := string(d.need(int(n)))
	l := link{name: name, header: undefined}
	switch typ {
	case 0:
		l.kind = "hard"
		l.header = d.offset()
	case 1:
		l.kind = "soft"
	case 64:
		l.kind = "external"
	default:
		l.kind = fmt.Sprintf("type %d", typ)
	}
	if d.err != nil {
		return link{}, fmt.Errorf("link message %q: %w", name, d.err)
	}
	return l, nil
}

// symbolTableLinks walks an old-style group's v1 B-tree.
func (f *File) symbolTableLinks(st symbolTable) ([]link, error) {
	heap, err := f.localHeap(st.heap)
	if err != nil {
		return nil, err
	}
	var out []link
	err = f.walkBTreeV1(st.btree, 0, "group", func(d *decoder) { d.length() }, func(_ []byte, c uint64) error {
		ents, err := f.symbolNode(c)
		if err != nil {
			return err
		}
		for _, e := range ents {
			name, err := heapString(heap, e.nameOff)
			if err != nil {
				return fmt.Errorf("group symbol name: %w", err)
			}
			out = append(out, link{name: name, header: e.header, kind: "hard"})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// walkBTreeV1 visits the leaf entries of the v1 B-tree of type typ rooted
// at root, in key order: visit gets each entry's raw key and child
// address. key skips one key (see btreeV1Node); what ("group", "chunk")
// names the tree in errors. A node reached twice, or more than
// maxBTreeNodes nodes, is an error, so a corrupt file cannot loop.
func (f *File) walkBTreeV1(root uint64, typ uint8, what string, key func(*decoder), visit func(key []byte, child uint64) error) error {
	seen := map[uint64]bool{}
	var walk func(a uint64, level int) error
	walk = func(a uint64, level int) error {
		if seen[a] || len(seen) >= maxBTreeNodes {
			return fmt.Errorf("%s B-tree: node at %d reached twice or more than %d nodes: file corrupt", what, a, maxBTreeNodes)
		}
		seen[a] = true
		node, err := f.btreeV1Node(a, typ, level, key)
		if err != nil {
			return fmt.Errorf("%s B-tree: %w", what, err)
		}
		for i, c := range node.children {
			if node.level > 0 {
				err = walk(c, node.level-1)
			} else {
				err = visit(node.keys[i], c)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, -1)
}

// btreeNode is a v1 B-tree node: its level, keys (raw) and child addresses.
type btreeNode struct {
	level    int
	keys     [][]byte
	children []uint64
}

// btreeV1Node reads the v1 B-tree node of the given type at address a. A
// wantLevel ≥ 0 is checked against the node's level so cycles cannot
// recur forever. key skips one key in the decoder.
func (f *File) btreeV1Node(a uint64, typ uint8, wantLevel int, key func(*decoder)) (*btreeNode, error) {
	hdr, abs, err := f.signedAt(a, 8+2*f.offSize, "TREE", "B-tree node")
	if err != nil {
		return nil, err
	}
	if hdr[4] != typ {
		return nil, fmt.Errorf("node at %d: type %d, want %d", abs, hdr[4], typ)
	}
	level := int(hdr[5])
	if wantLevel >= 0 && level != wantLevel {
		return nil, fmt.Errorf("node at %d: level %d, want %d", abs, level, wantLevel)
	}
	n := int(uint16(hdr[6]) | uint16(hdr[7])<<8)
	// Measure one key to size the read.
	probe := decoder{b: make([]byte, 1024), f: f}
	key(&probe)
	ksize := 1024 - len(probe.b)
	body, err := f.readAt(abs+uint64(len(hdr)), n*(ksize+f.offSize)+ksize, "B-tree node entries")
	if err != nil {
		return nil, err
	}
	node := &btreeNode{level: level}
	d := decoder{b: body, f: f}
	for i := 0; i < n; i++ {
		node.keys = append(node.keys, d.need(ksize))
		node.children = append(node.children, d.offset())
	}
	node.keys = append(node.keys, d.need(ksize))
	if d.err != nil {
		return nil, d.err
	}
	return node, nil
}

// symbolNode reads the entries of a group symbol table node.
func (f *File) symbolNode(a uint64) ([]symbolEntry, error) {
	hdr, abs, err := f.signedAt(a, 8, "SNOD", "group symbol node")
	if err != nil {
		return nil, err
	}
	n := int(uint16(hdr[6]) | uint16(hdr[7])<<8)
	esize := 2*f.offSize + 24
	b, err := f.readAt(abs+8, n*esize, "group symbol node entries")
	if err != nil {
		return nil, err
	}
	d := decoder{b: b, f: f}
	out := make([]symbolEntry, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, d.symbolEntry())
	}
	return out, d.err
}

// localHeap returns the data segment of the local heap at address a.
func (f *File) localHeap(a uint64) ([]byte, error) {
	hdr, abs, err := f.signedAt(a, 8+2*f.lenSize+f.offSize, "HEAP", "local heap")
	if err != nil {
		return nil, err
	}
	d := decoder{b: hdr[8:], f: f}
	size := d.length()
	d.length() // free list
	data := d.offset()
	if size > uint64(f.size) {
		return nil, fmt.Errorf("local heap at %d: data segment of %d bytes %w (size %d)", abs, size, errTruncated, f.size)
	}
	return f.at(data, int(size), "local heap data segment")
}

// heapString returns the NUL-terminated string at off in a local heap.
func heapString(heap []byte, off uint64) (string, error) {
	if off >= uint64(len(heap)) {
		return "", fmt.Errorf("name offset %d outside local heap (%d bytes)", off, len(heap))
	}
	s := heap[off:]
	i := bytes.IndexByte(s, 0)
	if i < 0 {
		return "", fmt.Errorf("name at heap offset %d not terminated", off)
	}
	return string(s[:i]), nil
}

// object is a group or dataset found by path.
type object struct {
	path   string
	header *objectHeader
	stab   *symbolTable // cached symbol table from the parent's entry
}

// rootObject returns the root group.
func (f *File) rootObject() (*object, error) {
	h, err := f.readObjectHeader(f.root)
	if err != nil {
		return nil, fmt.Errorf("root group: %w", err)
	}
	return &object{path: "/", header: h, stab: f.rootSTab}, nil
}

// lookup finds the object at a slash-separated path from the root group.
func (f *File) lookup(path string) (*object, error) {
	obj, err := f.rootObject()
	if err != nil {
		return nil, err
	}
	cur := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part == "" || part == "." {
			continue
		}
		ls, err := f.links(obj.header, obj.stab)
		if err != nil {
			return nil, fmt.Errorf("group %q: %w", "/"+cur, err)
		}
		var found *link
		for i := range ls {
			if ls[i].name == part {
				found = &ls[i]
				break
			}
		}
		cur = strings.TrimPrefix(cur+"/"+part, "/")
		if found == nil {
			names := make([]string, len(ls))
			for i, l := range ls {
				names[i] = l.name
			}
			sort.Strings(names)
			return nil, fmt.Errorf("%q not found (group has: %s)", cur, strings.Join(names, ", "))
		}
		if found.kind != "hard" {
			return nil, fmt.Errorf("%q is a %s link, which is not supported", cur, found.kind)
		}
		h, err := f.readObjectHeader(found.header)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", cur, err)
		}
		obj = &object{path: cur, header: h}
	}
	return obj, nil
}

// Names returns the member names of the group at path ("/" for the root),
// sorted.
func (f *File) Names(path string) ([]string, error) {
	obj, err := f.lookup(path)
	if err != nil {
		return nil, fmt.Errorf("hdf5: %w", err)
	}
	ls, err := f.links(obj.header, obj.stab)
	if err != nil {
		return nil, fmt.Errorf("hdf5: group %q: %w", path, err)
	}
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.name
	}
	sort.Strings(names)
	return names, nil
}
