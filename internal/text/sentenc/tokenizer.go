package sentenc

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The tokenizer is a port of @energetic-ai/embeddings 0.2.0's (itself
// TensorFlow.js's universal-sentence-encoder tokenizer), quirks included,
// because the model was only ever fed what that tokenizer makes: a
// SentencePiece unigram segmentation found by best total score, where an
// unknown character is one piece of id 0 and runs of them are merged.

// reservedPieces are the vocabulary's first ids (unknown, <s>, </s>, …),
// which text never maps to except unknown, id 0.
const reservedPieces = 6

// separator stands for a space and starts every text, as in SentencePiece.
const separator = "▁"

type piece struct {
	text  string
	score float64
}

type tokenizer struct {
	pieces []piece
	ids    map[string]int // piece text → id; the last of equal texts wins, as in the JS trie
	// longest is the most characters in a piece: no match is longer.
	longest int
	// unitLen is each piece's length in UTF-16 code units, which the JS
	// back-trace steps by (its string length), not in characters.
	unitLen []int
}

func newTokenizer(pieces []piece) *tokenizer {
	t := &tokenizer{pieces: pieces, ids: make(map[string]int, len(pieces)), unitLen: make([]int, len(pieces))}
	for i, p := range pieces {
		t.unitLen[i] = utf16Len(p.text)
		if i < reservedPieces || p.text == "" {
			continue
		}
		t.ids[p.text] = i
		t.longest = max(t.longest, utf8.RuneCountInString(p.text))
	}
	return t
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// prepare is the JS processInput: NFKC, then "▁" before the text and in
// place of each ASCII space. An empty text stays empty.
func prepare(text string) string {
	text = norm.NFKC.String(text)
	if text == "" {
		return ""
	}
	return separator + strings.ReplaceAll(text, " ", separator)
}

// lattice is the scratch of one encode, kept to spare allocations.
type lattice struct {
	offsets []int     // byte offset of each character, and of the end
	best    []float64 // best score of a segmentation ending at each character
	words   []int     // the id of the last piece of that segmentation
	ids     []int
}

// encode returns text's piece ids, appended to dst.
func (t *tokenizer) encode(text string, lat *lattice, dst []int) []int {
	s := prepare(text)
	lat.offsets = lat.offsets[:0]
	for i := range s {
		lat.offsets = append(lat.offsets, i)
	}
	n := len(lat.offsets)
	lat.offsets = append(lat.offsets, len(s))
	lat.best = resize(lat.best, n+1)
	lat.words = resizeInts(lat.words, n+1)
	clear(lat.best)
	clear(lat.words)
	// The JS fills best[end] start by start in ascending order (its object
	// keys), keeping a candidate when best is still 0 or the new score is
	// at least as good: visiting ends in ascending order and, for each, the
	// starts in ascending order gives the same sequence of comparisons.
	for end := 1; end <= n; end++ {
		for start := max(0, end-t.longest); start < end; start++ {
			id, ok := t.ids[s[lat.offsets[start]:lat.offsets[end]]]
			if !ok {
				if start != end-1 || t.matchesAt(s, lat, start) {
					continue
				}
				id = 0 // an unknown character: a piece of score 0
			}
			score := t.pieces[id].score + lat.best[start]
			if id == 0 {
				score = lat.best[start]
			}
			if lat.best[end] == 0 || score >= lat.best[end] {
				lat.best[end] = score
				lat.words[end] = id
			}
		}
	}
	lat.ids = lat.ids[:0]
	for at := n; at > 0; at -= t.unitLen[lat.words[at]] {
		lat.ids = append(lat.ids, lat.words[at])
	}
	prevUnknown := false
	for i := len(lat.ids) - 1; i >= 0; i-- {
		id := lat.ids[i]
		if !(prevUnknown && id == 0) {
			dst = append(dst, id)
		}
		prevUnknown = id == 0
	}
	return dst
}

// matchesAt reports whether some piece starts at character start: only
// when none does is the character there an unknown piece.
func (t *tokenizer) matchesAt(s string, lat *lattice, start int) bool {
	n := len(lat.offsets) - 1
	for end := start + 1; end <= min(n, start+t.longest); end++ {
		if _, ok := t.ids[s[lat.offsets[start]:lat.offsets[end]]]; ok {
			return true
		}
	}
	return false
}
