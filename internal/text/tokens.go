package text

import (
	"strings"
	"unicode"
)

// stems splits text into lower-case word stems. Apostrophes inside a word are
// dropped ("don't" becomes "dont") so contractions stay one token, and tokens
// made only of digits are dropped: prices, dates and room numbers vary too
// much to generalise from.
func stems(text string) []string { return stemsOf(words(text)) }

// stemsOf is the stem of each word.
func stemsOf(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = stem(w)
	}
	return out
}

// words splits text into lower-case words of letters and digits.
func words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 && !allDigits(b.String()) {
			out = append(out, b.String())
		}
		b.Reset()
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case isApostrophe(r) && b.Len() > 0:
			// Join the word around the apostrophe.
		default:
			flush()
		}
	}
	flush()
	return out
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

func allDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// stem strips common English inflections so that "waiting", "waited" and
// "waits" meet at "wait". It is deliberately crude — a few suffix rules, not
// Porter — because it only has to be consistent: the same function stems the
// keywords, the training comments and the comments being classified.
func stem(w string) string {
	w = stripInflection(w)
	// A final "e" is dropped so "price", "priced" and "pricing" agree.
	if strings.HasSuffix(w, "e") && runeCount(w) > 3 {
		w = w[:len(w)-1]
	}
	return w
}

func stripInflection(w string) string {
	switch {
	case runeCount(w) <= 3:
		return w
	case strings.HasSuffix(w, "ies") && runeCount(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ing") && runeCount(w) >= 6:
		return undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && runeCount(w) >= 5:
		return undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "ly") && runeCount(w) >= 6:
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") &&
		!strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:len(w)-1]
	}
	return w
}

// undouble turns "shipp" (from "shipping") back into "ship". l, s and z are
// left alone because English doubles them in the base word ("call", "miss").
func undouble(w string) string {
	n := len(w)
	if n < 2 || w[n-1] != w[n-2] {
		return w
	}
	switch w[n-1] {
	case 'l', 's', 'z':
		return w
	}
	if w[n-1] < 'a' || w[n-1] > 'z' || strings.ContainsRune("aeiou", rune(w[n-1])) {
		return w
	}
	return w[:n-1]
}

func runeCount(s string) int { return len([]rune(s)) }

// terms are the word features a comment offers the classifier: the stems of
// its words, and each adjacent pair of them as a bigram. Function words are
// kept: in short comments "could be more", "was not" and "no one" carry much
// of the meaning, and dropping them lost 1 point of micro-F1 on the NHS
// comments.
func terms(text string) []string { return termsOf(stems(text)) }

// termsOf is terms of a comment's stems.
func termsOf(kept []string) []string {
	out := make([]string, 0, 2*len(kept))
	out = append(out, kept...)
	for i := 1; i < len(kept); i++ {
		out = append(out, kept[i-1]+" "+kept[i])
	}
	return out
}
