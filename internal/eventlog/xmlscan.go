package eventlog

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner is a small streaming XML tokenizer for XES: it returns element tags and skips
// text, comments, processing instructions, CDATA and the DOCTYPE. It keeps only the key and
// value attributes of a tag (all XES needs), unescaping the five predefined entities and
// character references. No entity is ever expanded from a DTD. A tag (or comment) longer than
// Limits.MaxTokenBytes is refused before more of it is read.
type xmlScanner struct {
	src        *source
	lim        Limits
	buf        []byte
	start      int   // first unread byte of buf
	base       int64 // file offset of buf[0]
	lineBase   int   // newlines in the file before buf[0]
	eof        bool
	tagStart   int64 // file offset of the tag last returned
	sawRoot    bool
	tag        xmlTag
	unescBuf   []byte
	unescValue []byte
}

type xmlTag struct {
	name        []byte
	end         bool // </name>
	selfClosing bool // <name/>
	key, value  []byte
}

// lineAt is the 1-based line of file offset off, which must not be before buf[0].
func (s *xmlScanner) lineAt(off int64) int {
	i := int(off - s.base)
	if i < 0 {
		return s.lineBase + 1
	}
	if i > len(s.buf) {
		i = len(s.buf)
	}
	return s.lineBase + bytes.Count(s.buf[:i], []byte{'\n'}) + 1
}

func (s *xmlScanner) errorAt(off int64, field, msg string, err error) error {
	return &Error{Format: FormatXES, Line: s.lineAt(off), Offset: off, Field: field, Msg: msg, Err: err}
}

// fill reads more of the file, keeping buf[start:]. It reports false at the end of the file.
func (s *xmlScanner) fill() (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.start > 0 {
		s.lineBase += bytes.Count(s.buf[:s.start], []byte{'\n'})
		s.base += int64(s.start)
		n := copy(s.buf, s.buf[s.start:])
		s.buf = s.buf[:n]
		s.start = 0
	}
	if len(s.buf) == cap(s.buf) {
		nb := make([]byte, len(s.buf), 2*cap(s.buf))
		copy(nb, s.buf)
		s.buf = nb
	}
	n, err := s.src.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if err == io.EOF {
		s.eof = true
		return n > 0, nil
	}
	if err != nil {
		end := s.base + int64(len(s.buf))
		return false, s.src.readErr(FormatXES, s.lineAt(end), end, err)
	}
	return true, nil
}

// next returns the next element tag, or io.EOF at the end of the file.
func (s *xmlScanner) next() (*xmlTag, error) {
	for {
		// Between tags there is mostly a little indentation: step over it before searching.
		i := 0
		w := s.buf[s.start:]
		for i < len(w) && i < 16 && isSpace(w[i]) {
			i++
		}
		if i == len(w) || w[i] != '<' {
			if j := bytes.IndexByte(w[i:], '<'); j >= 0 {
				i += j
			} else {
				i = -1
			}
		}
		if i < 0 {
			s.start = len(s.buf) // text between tags: skipped
			more, err := s.fill()
			if err != nil {
				return nil, err
			}
			if !more {
				return nil, io.EOF
			}
			continue
		}
		s.start += i
		s.tagStart = s.base + int64(s.start)
		n, isTag, err := s.scanToken(s.buf[s.start:])
		if err != nil {
			return nil, err
		}
		if n == 0 { // incomplete: read more
			if len(s.buf)-s.start > s.lim.MaxTokenBytes {
				return nil, s.errorAt(s.tagStart, "", fmt.Sprintf("a tag or comment longer than %d bytes: refused (limit MaxTokenBytes)", s.lim.MaxTokenBytes), ErrLimit)
			}
			more, err := s.fill()
			if err != nil {
				return nil, err
			}
			if !more {
				return nil, s.errorAt(s.tagStart, "", "file ends inside a tag", io.ErrUnexpectedEOF)
			}
			continue
		}
		s.start += n
		if isTag {
			return &s.tag, nil
		}
	}
}

// scanToken reads the markup at the start of w (w[0] == '<'). It returns the bytes it takes,
// 0 when w holds only part of it, and whether it is an element tag (then in s.tag).
func (s *xmlScanner) scanToken(w []byte) (int, bool, error) {
	if len(w) < 2 {
		return 0, false, nil
	}
	switch w[1] {
	case '?':
		return skipTo(w, 2, "?>"), false, nil
	case '!':
		if len(w) < 4 {
			return 0, false, nil
		}
		if w[2] == '-' && w[3] == '-' {
			return skipTo(w, 4, "-->"), false, nil
		}
		if len(w) < 9 {
			return 0, false, nil
		}
		if bytes.HasPrefix(w, []byte("<![CDATA[")) {
			return skipTo(w, 9, "]]>"), false, nil
		}
		return skipDecl(w), false, nil
	}
	return s.scanElement(w)
}

func skipTo(w []byte, from int, end string) int {
	if i := bytes.Index(w[from:], []byte(end)); i >= 0 {
		return from + i + len(end)
	}
	return 0
}

// skipDecl skips <!DOCTYPE …> and the like, with a bracketed internal subset and quoted strings.
func skipDecl(w []byte) int {
	depth := 0
	var quote byte
	for i := 2; i < len(w); i++ {
		c := w[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth <= 0:
			return i + 1
		}
	}
	return 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// nameEnd marks the bytes that end an element name; attrNameEnd those that end an attribute
// name (table lookups: the scanner's inner loops).
var nameEnd, attrNameEnd [256]bool

func init() {
	for _, c := range []byte(" \n\t\r>/") {
		nameEnd[c], attrNameEnd[c] = true, true
	}
	attrNameEnd['='] = true
}

func (s *xmlScanner) scanElement(w []byte) (int, bool, error) {
	t := &s.tag
	*t = xmlTag{}
	p := 1
	if w[p] == '/' {
		t.end = true
		p++
	}
	ns := p
	for p < len(w) && !nameEnd[w[p]] {
		p++
	}
	if p >= len(w) {
		return 0, false, nil
	}
	if p == ns {
		return 0, false, s.errorAt(s.tagStart, "", "a '<' that starts no element name (write &lt; in text)", nil)
	}
	t.name = w[ns:p]
	for {
		for p < len(w) && isSpace(w[p]) {
			p++
		}
		if p >= len(w) {
			return 0, false, nil
		}
		switch w[p] {
		case '>':
			return p + 1, true, nil
		case '/':
			if p+1 >= len(w) {
				return 0, false, nil
			}
			if w[p+1] != '>' || t.end {
				return 0, false, s.errorAt(s.tagStart, "", fmt.Sprintf("malformed tag <%s", truncate(t.name)), nil)
			}
			t.selfClosing = true
			return p + 2, true, nil
		}
		if t.end {
			return 0, false, s.errorAt(s.tagStart, "", fmt.Sprintf("malformed end tag </%s", truncate(t.name)), nil)
		}
		as := p
		for p < len(w) && !attrNameEnd[w[p]] {
			p++
		}
		an := w[as:p]
		for p < len(w) && isSpace(w[p]) {
			p++
		}
		if p >= len(w) {
			return 0, false, nil
		}
		if w[p] != '=' || len(an) == 0 {
			return 0, false, s.errorAt(s.tagStart, "", fmt.Sprintf("attribute %q of <%s> has no value", truncate(an), truncate(t.name)), nil)
		}
		p++
		for p < len(w) && isSpace(w[p]) {
			p++
		}
		if p >= len(w) {
			return 0, false, nil
		}
		q := w[p]
		if q != '"' && q != '\'' {
			return 0, false, s.errorAt(s.tagStart, string(an), fmt.Sprintf("attribute value of <%s> not in quotes", truncate(t.name)), nil)
		}
		j, amp := findQuote(w[p+1:], q)
		if j < 0 {
			return 0, false, nil
		}
		val := w[p+1 : p+1+j]
		p += j + 2
		switch string(an) {
		case "key":
			t.key = val
			if amp {
				v, err := s.unescape(val, &s.unescBuf)
				if err != nil {
					return 0, false, s.errorAt(s.tagStart, "key", err.Error(), nil)
				}
				t.key = v
			}
		case "value":
			t.value = val
			if amp {
				v, err := s.unescape(val, &s.unescValue)
				if err != nil {
					return 0, false, s.errorAt(s.tagStart, string(t.key), err.Error(), nil)
				}
				t.value = v
			}
		}
	}
}

// findQuote finds the closing quote q of an attribute value in w, and whether the value has
// a '&' before it (so needs unescaping); -1 when w holds no q. Short values, the usual, are
// scanned byte by byte; long ones with two searches.
func findQuote(w []byte, q byte) (int, bool) {
	n := len(w)
	if n > 48 {
		n = 48
	}
	amp := false
	for i := 0; i < n; i++ {
		switch w[i] {
		case q:
			return i, amp
		case '&':
			amp = true
		}
	}
	j := bytes.IndexByte(w[n:], q)
	if j < 0 {
		return -1, false
	}
	j += n
	return j, amp || bytes.IndexByte(w[n:j], '&') >= 0
}

// unescape replaces entity and character references; v is returned as it is when it has none.
func (s *xmlScanner) unescape(v []byte, scratch *[]byte) ([]byte, error) {
	i := bytes.IndexByte(v, '&')
	if i < 0 {
		return v, nil
	}
	out := append((*scratch)[:0], v[:i]...)
	for i < len(v) {
		c := v[i]
		if c != '&' {
			out = append(out, c)
			i++
			continue
		}
		j := bytes.IndexByte(v[i:], ';')
		if j < 0 {
			return nil, fmt.Errorf("'&' without ';' in an attribute value (write &amp;)")
		}
		ent := v[i+1 : i+j]
		switch string(ent) {
		case "amp":
			out = append(out, '&')
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return nil, fmt.Errorf("unknown entity &%s; (only the five XML entities and &#N; are read)", truncate(ent))
			}
			var r uint64
			var err error
			if ent[1] == 'x' || ent[1] == 'X' {
				r, err = strconv.ParseUint(string(ent[2:]), 16, 32)
			} else {
				r, err = strconv.ParseUint(string(ent[1:]), 10, 32)
			}
			if err != nil || !utf8.ValidRune(rune(r)) {
				return nil, fmt.Errorf("bad character reference &%s;", truncate(ent))
			}
			out = utf8.AppendRune(out, rune(r))
		}
		i += j + 1
	}
	*scratch = out
	return out, nil
}
