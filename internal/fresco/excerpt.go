package fresco

import (
	"strings"
	"unicode/utf8"
)

// Excerpt is s without surrounding space, cut to at most n characters with
// an ellipsis where it was cut: for a subject line, a notification or a
// summary that quotes what someone wrote.
func Excerpt(s string, n int) string {
	s = strings.TrimSpace(s)
	if n < 1 || utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
