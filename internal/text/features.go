package text

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fresco-cx/fresco/internal/text/sentenc"
	"github.com/fresco-cx/fresco/internal/text/wordvec"
)

// sparse is a feature vector: parallel slices of ascending feature indices
// and their weights.
type sparse struct {
	idx []int
	val []float64
}

// equal says x and y have the same features with the same values: the
// same comment, as far as the features can tell.
func (x sparse) equal(y sparse) bool {
	return slices.Equal(x.idx, y.idx) && slices.Equal(x.val, y.val)
}

func (x sparse) dot(w []float64) float64 {
	s := 0.0
	for k, i := range x.idx {
		s += w[i] * x.val[k]
	}
	return s
}

// vocabulary maps each kept term to its feature index and inverse document
// frequency.
type vocabulary struct {
	terms []string
	idf   []float64
	index map[string]int
}

// buildVocabulary keeps the terms for which keep(term, document frequency)
// holds. Terms are sorted so that the same training set always yields the
// same feature indices.
func buildVocabulary(docs [][]string, keep func(term string, df int) bool) vocabulary {
	df := make(map[string]int)
	for _, doc := range docs {
		for _, t := range distinct(doc) {
			df[t]++
		}
	}
	var kept []string
	for t, n := range df {
		if keep(t, n) {
			kept = append(kept, t)
		}
	}
	slices.Sort(kept)
	v := vocabulary{terms: kept, idf: make([]float64, len(kept))}
	for i, t := range kept {
		v.idf[i] = smoothIDF(len(docs), df[t])
	}
	v.index = indexOf(kept)
	return v
}

// smoothIDF is a term's inverse document frequency among n documents, df
// of which contain it, smoothed as in scikit-learn: never zero, never
// infinite.
func smoothIDF(n, df int) float64 { return math.Log(float64(1+n)/float64(1+df)) + 1 }

// keepWordTerm keeps every unigram and every bigram seen in at least
// minBigramDF documents. Rare bigrams are mostly noise and would bloat the
// stored model; rare unigrams are kept because a word a label was taught
// with once is still evidence.
func keepWordTerm(term string, df int) bool { return !isBigram(term) || df >= minBigramDF }

// keepGram keeps character n-grams seen in at least minGramDF documents:
// a fragment seen once cannot generalise, and there are many of them.
func keepGram(_ string, df int) bool { return df >= minGramDF }

const (
	minBigramDF = 2
	minGramDF   = 3
)

func indexOf(terms []string) map[string]int {
	index := make(map[string]int, len(terms))
	for i, t := range terms {
		index[t] = i
	}
	return index
}

func distinct(doc []string) []string {
	seen := make(map[string]bool, len(doc))
	var out []string
	for _, t := range doc {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// appendVector appends to x the L2-normalised TF-IDF vector of doc with
// sublinear term frequency (1 + ln tf), so a word repeated in a rant does
// not drown the rest. Feature indices are shifted by offset so several
// vocabularies can share one vector; terms outside the vocabulary are
// ignored.
func (v vocabulary) appendVector(x sparse, doc []string, offset int) sparse {
	counts := make(map[int]int)
	for _, t := range doc {
		if i, ok := v.index[t]; ok {
			counts[i]++
		}
	}
	start := len(x.idx)
	for i := range counts {
		x.idx = append(x.idx, i)
	}
	slices.Sort(x.idx[start:])
	norm := 0.0
	for _, i := range x.idx[start:] {
		w := (1 + math.Log(float64(counts[i]))) * v.idf[i]
		x.val = append(x.val, w)
		norm += w * w
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for k := start; k < len(x.val); k++ {
			x.val[k] /= norm
		}
	}
	for k := start; k < len(x.idx); k++ {
		x.idx[k] += offset
	}
	return x
}

// charGrams are the character 2- to 5-grams of each word, the word padded
// with a space at both ends (scikit-learn's "char_wb"). They let the model
// see "physio", "physiotherapy" and "physiotherapist" as related, and
// survive misspellings, which abound in comments typed on a phone.
func charGrams(text string) []string {
	ws := words(text)
	n := 0 // sized first, as training reads every comment's grams twice
	for _, w := range ws {
		n += gramsOf(utf8.RuneCountInString(w) + 2)
	}
	out := make([]string, 0, n)
	for _, w := range ws {
		padded := []rune(" " + w + " ")
		for n := minGram; n <= maxGram; n++ {
			if n > len(padded) {
				break
			}
			for i := 0; i+n <= len(padded); i++ {
				out = append(out, string(padded[i:i+n]))
			}
		}
	}
	return out
}

const minGram, maxGram = 2, 5

// gramsOf is how many grams charGrams takes from a padded word of runes
// runes.
func gramsOf(runes int) int {
	total := 0
	for n := minGram; n <= min(maxGram, runes); n++ {
		total += runes - n + 1
	}
	return total
}

// featurizer turns a comment into the feature vectors the two halves of a
// model score: the word vector (the TF-IDF vector of its word terms, then
// one feature per taxonomy category whose keywords it contains, then,
// when the model has them, its averaged pre-trained word vector and its
// sentence vector) and the character n-gram TF-IDF vector.
type featurizer struct {
	words, grams vocabulary
	keywords     []keywordRule
	vectors      *vectorWeights
	sentences    bool
}

func newFeaturizer(words, grams vocabulary, t Taxonomy, vectors *vectorWeights, sentences bool) featurizer {
	return featurizer{words: words, grams: grams, keywords: compileKeywords(t), vectors: vectors, sentences: sentences}
}

// wordSize is the number of word features, and so the width of a word
// weight row; gramSize is that of a character n-gram weight row.
func (f featurizer) wordSize() int {
	return wordFeatures(len(f.words.terms), len(f.keywords), f.vectors != nil, f.sentences)
}

// wordFeatures is the width of a word vector: terms, keyword matches and,
// with vectors, the averaged word vector and, with sentences, the
// sentence vector.
func wordFeatures(terms, keywords int, vectors, sentences bool) int {
	n := terms + keywords
	if vectors {
		n += wordvec.Dims
	}
	if sentences {
		n += sentenc.Dims
	}
	return n
}
func (f featurizer) gramSize() int { return len(f.grams.terms) }

// denseSize is the number of word features nearly every comment has, which end
// its word vector: the averaged word vector's and the sentence vector's.
func (f featurizer) denseSize() int { return f.wordSize() - len(f.words.terms) - len(f.keywords) }

func (f featurizer) vector(comment string) sparse {
	ws := words(comment)
	text := stemsOf(ws)
	x := f.words.appendVector(sparse{}, termsOf(text), 0)
	if len(f.keywords) > 0 {
		offset := len(f.words.terms)
		for k, rule := range f.keywords {
			if hits := rule.hits(text); hits > 0 {
				x.idx = append(x.idx, offset+k)
				x.val = append(x.val, keywordFeatureScale*keywordStrength(hits))
			}
		}
	}
	offset := len(f.words.terms) + len(f.keywords)
	if f.vectors != nil {
		x = f.vectors.appendAverage(x, ws, offset)
		offset += wordvec.Dims
	}
	if f.sentences {
		x = appendSentence(x, comment, offset)
	}
	return x
}

func (f featurizer) gramVector(comment string) sparse {
	return f.grams.appendVector(sparse{}, charGrams(comment), 0)
}

// keywordFeatureScale makes a keyword match weigh like a strong word: the
// TF-IDF part of a vector has length 1 spread over many terms, so an
// unscaled match would be cheap to ignore. Chosen by cross-validation.
const keywordFeatureScale = 3.0

func isBigram(term string) bool { return strings.Contains(term, " ") }
