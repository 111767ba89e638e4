package text

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// ScoredComment is a comment with the score its author gave beside it
// (NPS 0–10, CSAT 1–5, a staff rating): the weak label sentiment is learned
// from.
type ScoredComment struct {
	Text  string
	Score float64
}

// SentimentModel predicts sentiment in (−1, 1) from words, learned from
// scored comments. It is an ordinal model: for each cut between adjacent
// score levels ("above 0?", "above 1?", …) one L2-regularised logistic
// regression estimates the chance that the author's score lies above it,
// and the comment's sentiment is the expected score those chances imply,
// mapped onto [−1, 1] by the training range. The features are the word
// TF-IDF vector (unigrams and bigrams), the character 2–5-gram TF-IDF
// vector, and the built-in lexicon score, so the lexicon is the starting
// point and the business's own scores correct it. It is read-only once
// built, safe for concurrent use, and marshals to JSON.
type SentimentModel struct {
	Format int       `json:"format"`
	Terms  []string  `json:"terms"`
	IDF    []float64 `json:"idf"`
	// Grams is the character n-gram vocabulary, whose features follow the
	// terms', with its IDF weights.
	Grams   []string  `json:"grams"`
	GramIDF []float64 `json:"gram_idf"`
	// Cuts are the score levels the ordinal model asks about: Weights[k]
	// and Bias[k] give the probability that the score exceeds Cuts[k]. A
	// weight row holds the terms' weights, then the grams', then the
	// lexicon score's.
	Cuts    []float64   `json:"cuts"`
	Weights [][]float64 `json:"weights"`
	Bias    []float64   `json:"bias"`
	// Steps[k] is how much the expected score rises when the score passes
	// Cuts[k]: the mean training score just above the cut minus the one
	// just below. Base is the mean score below the first cut.
	Steps []float64 `json:"steps"`
	Base  float64   `json:"base"`
	// ScoreMin and ScoreMax are the training scores' range, mapped to −1
	// and 1.
	ScoreMin float64 `json:"score_min"`
	ScoreMax float64 `json:"score_max"`
	NTrain   int     `json:"n_train"`

	words, grams vocabulary
}

const sentimentModelFormat = 2

// sentimentC is the inverse L2 strength of each cut's logistic regression,
// chosen by 3-fold cross-validation inside the NHS training split (see
// docs/text-models.md).
const sentimentC = 5.0

// maxSentimentCuts bounds the ordinal cuts: scores with more distinct
// values (a continuous rating) are cut at quantiles instead.
const maxSentimentCuts = 10

// sentimentSolver stops each cut's fit earlier than the classifier's
// solver: ranking held-out comments did not change (Spearman within 0.002
// on the NHS split) and training is three times faster.
var sentimentSolver = lbfgsSettings{History: 10, GradTol: 1e-3, RelTol: 1e-6, MaxIter: 500}

// ErrNoScores is returned by [TrainSentiment] when the scores do not vary:
// there is nothing to learn which words go with better scores.
var ErrNoScores = errors.New("text: need at least two comments with different scores")

// TrainSentiment fits a sentiment model to scored comments. Scores are
// mapped linearly onto [−1, 1] by their range in data, so 0–10 NPS and 1–5
// CSAT both work. Training is deterministic.
func TrainSentiment(data []ScoredComment) (*SentimentModel, error) {
	return trainSentiment(data, sentimentC)
}

func trainSentiment(data []ScoredComment, c float64) (*SentimentModel, error) {
	lo, hi := scoreRange(data)
	if len(data) < 2 || lo == hi {
		return nil, ErrNoScores
	}
	words, grams := make([][]string, len(data)), make([][]string, len(data))
	scores := make([]float64, len(data))
	for i, d := range data {
		words[i], grams[i], scores[i] = terms(d.Text), charGrams(d.Text), d.Score
	}
	m := &SentimentModel{Format: sentimentModelFormat, ScoreMin: lo, ScoreMax: hi, NTrain: len(data),
		words: buildVocabulary(words, keepWordTerm), grams: buildVocabulary(grams, keepGram)}
	m.Terms, m.IDF, m.Grams, m.GramIDF = m.words.terms, m.words.idf, m.grams.terms, m.grams.idf
	m.Cuts = sentimentCuts(scores)
	m.Base, m.Steps = cutSteps(scores, m.Cuts)
	xs := make([]sparse, len(data))
	for i, d := range data {
		xs[i] = m.vector(d.Text)
	}
	nf := m.size()
	penalty := 1 / (c * float64(len(xs)))
	rows := pack(xs)
	m.Weights, m.Bias = fitLabels(rows, len(m.Cuts), func(k int) (binaryProblem, []float64, float64) {
		p := binaryProblem{y: make([]bool, len(xs)), weight: constant(len(xs), 1),
			prior: make([]float64, nf), penalty: penalty, solver: sentimentSolver}
		above := 0.5
		for i, s := range scores {
			p.y[i] = s > m.Cuts[k]
			if p.y[i] {
				above++
			}
		}
		q := above / (float64(len(xs)) + 1)
		return p, p.prior, logit(q)
	})
	return m, nil
}

// sentimentCuts are the ordinal model's questions: halfway between each
// pair of adjacent distinct scores, or, with more than maxSentimentCuts+1
// distinct scores, at evenly spaced quantiles.
func sentimentCuts(scores []float64) []float64 {
	sorted := slices.Clone(scores)
	slices.Sort(sorted)
	levels := slices.Compact(slices.Clone(sorted))
	var cuts []float64
	if len(levels) <= maxSentimentCuts+1 {
		for k := 1; k < len(levels); k++ {
			cuts = append(cuts, (levels[k-1]+levels[k])/2)
		}
		return cuts
	}
	for k := 1; k <= maxSentimentCuts; k++ {
		q := sorted[k*len(sorted)/(maxSentimentCuts+1)]
		// "above q" must leave someone on each side.
		if q < sorted[len(sorted)-1] && (len(cuts) == 0 || q > cuts[len(cuts)-1]) {
			cuts = append(cuts, q)
		}
	}
	return cuts
}

// cutSteps returns the mean score below the first cut and, per cut, the
// rise in mean score from the band below it to the band above it, so that
// base + Σ P(score > cut)·step is the expected score.
func cutSteps(scores, cuts []float64) (base float64, steps []float64) {
	sum, n := make([]float64, len(cuts)+1), make([]float64, len(cuts)+1)
	for _, s := range scores {
		// The band is the number of cuts the score is above.
		band, _ := slices.BinarySearch(cuts, s)
		sum[band] += s
		n[band]++
	}
	means := make([]float64, len(sum))
	for b := range means {
		means[b] = sum[b] / max(n[b], 1)
	}
	steps = make([]float64, len(cuts))
	for k := range steps {
		steps[k] = means[k+1] - means[k]
	}
	return means[0], steps
}

func scoreRange(data []ScoredComment) (lo, hi float64) {
	if len(data) == 0 {
		return 0, 0
	}
	lo, hi = data[0].Score, data[0].Score
	for _, d := range data {
		lo, hi = min(lo, d.Score), max(hi, d.Score)
	}
	return lo, hi
}

// size is the number of features.
func (m *SentimentModel) size() int { return len(m.words.terms) + len(m.grams.terms) + 1 }

// vector is the comment's word TF-IDF vector, then its character n-gram
// TF-IDF vector, then its lexicon score.
func (m *SentimentModel) vector(comment string) sparse {
	x := m.words.appendVector(sparse{}, terms(comment), 0)
	x = m.grams.appendVector(x, charGrams(comment), len(m.words.terms))
	x.idx = append(x.idx, m.size()-1)
	x.val = append(x.val, lexiconScore(comment))
	return x
}

// Score is the comment's sentiment in (−1, 1), higher being more positive:
// its expected score mapped onto [−1, 1] by the training range.
func (m *SentimentModel) Score(comment string) float64 {
	expected := m.Base
	for k, p := range probabilities(m.vector(comment), m.Weights, m.Bias) {
		expected += p * m.Steps[k]
	}
	s := 2*(expected-m.ScoreMin)/(m.ScoreMax-m.ScoreMin) - 1
	return min(max(s, -1+1e-9), 1-1e-9)
}

// UnmarshalJSON decodes a sentiment model and checks that its parts fit.
func (m *SentimentModel) UnmarshalJSON(data []byte) error {
	type plain SentimentModel
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*m = SentimentModel(p)
	switch {
	case m.Format != sentimentModelFormat:
		return fmt.Errorf("text: sentiment model format %d, want %d: retrain it", m.Format, sentimentModelFormat)
	case len(m.IDF) != len(m.Terms) || len(m.GramIDF) != len(m.Grams):
		return fmt.Errorf("text: sentiment model has %d terms with %d IDF weights, %d grams with %d", len(m.Terms), len(m.IDF), len(m.Grams), len(m.GramIDF))
	case len(m.Cuts) == 0 || len(m.Weights) != len(m.Cuts) || len(m.Bias) != len(m.Cuts) || len(m.Steps) != len(m.Cuts):
		return fmt.Errorf("text: sentiment model has %d cuts, %d weight rows, %d biases and %d steps", len(m.Cuts), len(m.Weights), len(m.Bias), len(m.Steps))
	case !(m.ScoreMax > m.ScoreMin) || !slices.IsSorted(m.Terms) || !slices.IsSorted(m.Grams):
		return errors.New("text: sentiment model is inconsistent")
	}
	for _, row := range m.Weights {
		if len(row) != len(m.Terms)+len(m.Grams)+1 {
			return fmt.Errorf("text: sentiment model weight row has %d weights for %d features", len(row), len(m.Terms)+len(m.Grams)+1)
		}
	}
	m.words = vocabulary{terms: m.Terms, idf: m.IDF, index: indexOf(m.Terms)}
	m.grams = vocabulary{terms: m.Grams, idf: m.GramIDF, index: indexOf(m.Grams)}
	return nil
}
