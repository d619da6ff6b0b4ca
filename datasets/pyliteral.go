package datasets

import (
	"fmt"
	"strconv"
	"strings"
)

// pyParser reads the subset of Python literal syntax a .npy header uses:
// dicts, tuples and lists, strings in single or double quotes, integers
// (with Python 2's L suffix), True, False and None. Nesting is limited so
// that a hostile header cannot exhaust the stack.
type pyParser struct {
	s string
	i int
}

// pyTuple is a parsed tuple, kept apart from lists because shape must be
// a tuple.
type pyTuple []any

// maxPyDepth bounds nesting in a header.
const maxPyDepth = 16

func (p *pyParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// rest is the unread input, shortened for messages.
func (p *pyParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20] + "..."
	}
	return r
}

// value parses one literal.
func (p *pyParser) value(depth int) (any, error) {
	if depth > maxPyDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxPyDepth)
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("unexpected end of header")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict(depth)
	case c == '(' || c == '[':
		return p.sequence(depth)
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.integer()
	}
	for word, v := range map[string]any{"True": true, "False": false, "None": nil} {
		if strings.HasPrefix(p.s[p.i:], word) {
			p.i += len(word)
			return v, nil
		}
	}
	return nil, fmt.Errorf("unexpected %q", p.rest())
}

// dict parses {key: value, ...} with string keys.
func (p *pyParser) dict(depth int) (map[string]any, error) {
	p.i++ // {
	out := map[string]any{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return out, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is not a string", k)
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, fmt.Errorf("expected ':' after key %q", key)
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		out[key] = v
		if !p.separator('}') {
			return nil, fmt.Errorf("expected ',' or '}' after the value of %q, found %q", key, p.rest())
		}
	}
}

// separator consumes a ',' or peeks at the closing bracket.
func (p *pyParser) separator(closing byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ',' {
		p.i++
		return true
	}
	return p.i < len(p.s) && p.s[p.i] == closing
}

// sequence parses (a, b) or [a, b]; (a) without a comma is just a.
func (p *pyParser) sequence(depth int) (any, error) {
	open := p.s[p.i]
	closing := byte(')')
	if open == '[' {
		closing = ']'
	}
	p.i++
	var items []any
	commas := 0
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == closing {
			p.i++
			break
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			commas++
		}
		if !p.separator(closing) {
			return nil, fmt.Errorf("expected ',' or %q in a sequence, found %q", closing, p.rest())
		}
	}
	if open == '[' {
		return items, nil
	}
	if len(items) == 1 && commas == 0 {
		return items[0], nil // parenthesized expression
	}
	return pyTuple(items), nil
}

// str parses a quoted string with simple backslash escapes.
func (p *pyParser) str() (string, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == q:
			return b.String(), nil
		case c == '\\' && p.i < len(p.s):
			b.WriteByte(p.s[p.i])
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated string")
}

// integer parses a decimal integer, allowing Python 2's L suffix.
func (p *pyParser) integer() (int64, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	text := p.s[start:p.i]
	if p.i < len(p.s) && (p.s[p.i] == 'L' || p.s[p.i] == 'l') {
		p.i++
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad integer %q", text)
	}
	return n, nil
}
