package text

import (
	"math"
	"slices"
)

// sparse is a feature vector: parallel slices of ascending term indices and
// their weights.
type sparse struct {
	idx []int
	val []float64
}

// vocabulary maps each kept term to its feature index and inverse document
// frequency.
type vocabulary struct {
	terms []string
	idf   []float64
	index map[string]int
}

// buildVocabulary keeps every unigram and every bigram seen in at least
// minBigramDF documents. Rare bigrams are mostly noise on small data and would
// bloat the stored model; rare unigrams are kept because a word a label was
// taught with once is still evidence. Terms are sorted so that the same
// training set always yields the same feature indices.
func buildVocabulary(docs [][]string, minBigramDF int) vocabulary {
	df := make(map[string]int)
	for _, doc := range docs {
		for _, t := range distinct(doc) {
			df[t]++
		}
	}
	var kept []string
	for t, n := range df {
		if !isBigram(t) || n >= minBigramDF {
			kept = append(kept, t)
		}
	}
	slices.Sort(kept)
	v := vocabulary{terms: kept, idf: make([]float64, len(kept))}
	for i, t := range kept {
		// Smoothed IDF as in scikit-learn: never zero, never infinite.
		v.idf[i] = math.Log(float64(1+len(docs))/float64(1+df[t])) + 1
	}
	v.index = indexOf(kept)
	return v
}

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

// vector turns a comment's terms into an L2-normalised TF-IDF vector with
// sublinear term frequency (1 + ln tf), so a word repeated in a rant does not
// drown the rest. Terms outside the vocabulary are ignored.
func (v vocabulary) vector(doc []string) sparse {
	counts := make(map[int]int)
	for _, t := range doc {
		if i, ok := v.index[t]; ok {
			counts[i]++
		}
	}
	var x sparse
	for i := range counts {
		x.idx = append(x.idx, i)
	}
	slices.Sort(x.idx)
	norm := 0.0
	for _, i := range x.idx {
		w := (1 + math.Log(float64(counts[i]))) * v.idf[i]
		x.val = append(x.val, w)
		norm += w * w
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for k := range x.val {
			x.val[k] /= norm
		}
	}
	return x
}

func (x sparse) dot(w []float64) float64 {
	s := 0.0
	for k, i := range x.idx {
		s += w[i] * x.val[k]
	}
	return s
}

// featurizer turns a comment into the feature vector a model scores: the
// TF-IDF vector of its terms, then one feature per taxonomy category whose
// keywords it contains.
type featurizer struct {
	vocab    vocabulary
	keywords []keywordRule
}

func newFeaturizer(vocab vocabulary, t Taxonomy) featurizer {
	return featurizer{vocab: vocab, keywords: compileKeywords(t)}
}

// size is the number of features, and so the width of a weight row.
func (f featurizer) size() int { return len(f.vocab.terms) + len(f.keywords) }

func (f featurizer) vector(comment string) sparse {
	x := f.vocab.vector(terms(comment))
	if len(f.keywords) == 0 {
		return x
	}
	text := stems(comment)
	for k, rule := range f.keywords {
		if hits := rule.hits(text); hits > 0 {
			x.idx = append(x.idx, len(f.vocab.terms)+k)
			x.val = append(x.val, keywordFeatureScale*keywordStrength(hits))
		}
	}
	return x
}

// keywordFeatureScale makes a keyword match weigh like a strong word: the
// TF-IDF part of a vector has length 1 spread over many terms, so an
// unscaled match would be cheap to ignore. Chosen by cross-validation.
const keywordFeatureScale = 3.0
