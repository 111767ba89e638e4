package eventlog

import (
	"strings"
	"unicode/utf8"
)

// interner hands out one string per distinct value, so that a million events naming the
// same ten activities hold ten strings. Looking a []byte up does not allocate.
//
// A value is handed out as XML can carry it: bytes that are not UTF-8, and characters XML
// 1.0 does not allow (most control characters), become U+FFFD once, when the value is first
// seen. A log read, written and read again is then the same log, and a name stored in the
// database is valid text on both engines.
type interner map[string]string

func (in interner) bytes(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = xmlText(s)
	return in[s]
}

func (in interner) str(v string) string {
	if s, ok := in[v]; ok {
		return s
	}
	s := string(append([]byte(nil), v...)) // a copy: v may be part of a larger string (a CSV line)
	in[s] = xmlText(s)
	return in[s]
}

// xmlText replaces what XML 1.0 text cannot hold with U+FFFD, as encoding/xml's EscapeText
// (which the XES writer uses) would.
func xmlText(s string) string {
	for i, r := range s {
		if (r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")) || !xmlChar(r) {
			return strings.Map(func(r rune) rune {
				if xmlChar(r) {
					return r
				}
				return utf8.RuneError
			}, strings.ToValidUTF8(s, "\uFFFD"))
		}
	}
	return s
}

// xmlChar reports whether r is a Char of XML 1.0 (section 2.2).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
