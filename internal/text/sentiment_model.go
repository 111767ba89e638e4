package text

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
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
// scored comments: ridge regression on the word TF-IDF vector plus the
// built-in lexicon score as one more feature, so the lexicon is the
// starting point and the business's own scores correct it. It is read-only
// once built, safe for concurrent use, and marshals to JSON.
type SentimentModel struct {
	Format int       `json:"format"`
	Terms  []string  `json:"terms"`
	IDF    []float64 `json:"idf"`
	// Weights are the terms' weights followed by the lexicon score's.
	Weights []float64 `json:"weights"`
	Bias    float64   `json:"bias"`
	// ScoreMin and ScoreMax are the training scores' range, mapped to −1
	// and 1.
	ScoreMin float64 `json:"score_min"`
	ScoreMax float64 `json:"score_max"`
	NTrain   int     `json:"n_train"`

	vocab vocabulary
}

const sentimentModelFormat = 1

// sentimentRidgeAlpha is the ridge penalty on the summed squared error, as
// scikit-learn's Ridge alpha. On the NHS split alpha 0.5, 1, 2, 3 and 10
// gave Spearman ρ 0.668, 0.679, 0.680, 0.679 and 0.642.
const sentimentRidgeAlpha = 2.0

// ErrNoScores is returned by [TrainSentiment] when the scores do not vary:
// there is nothing to learn which words go with better scores.
var ErrNoScores = errors.New("text: need at least two comments with different scores")

// TrainSentiment fits a sentiment model to scored comments. Scores are
// mapped linearly onto [−1, 1] by their range in data (so 0–10 NPS and 1–5
// CSAT both work), and the model is fitted to an atanh-stretched target so
// its tanh output stays strictly inside (−1, 1). Training is deterministic.
func TrainSentiment(data []ScoredComment) (*SentimentModel, error) {
	lo, hi := scoreRange(data)
	if len(data) < 2 || lo == hi {
		return nil, ErrNoScores
	}
	docs := make([][]string, len(data))
	for i, d := range data {
		docs[i] = terms(d.Text)
	}
	vocab := buildVocabulary(docs, keepWordTerm)
	m := &SentimentModel{Format: sentimentModelFormat, Terms: vocab.terms, IDF: vocab.idf,
		ScoreMin: lo, ScoreMax: hi, NTrain: len(data), vocab: vocab}
	xs, ys := make([]sparse, len(data)), make([]float64, len(data))
	for i, d := range data {
		xs[i] = m.vector(d.Text)
		ys[i] = math.Atanh(targetShrink * m.normalise(d.Score))
	}
	m.Weights, m.Bias = fitRidge(xs, ys, len(vocab.terms)+1, sentimentRidgeAlpha)
	return m, nil
}

// targetShrink keeps atanh finite at the ends of the score range.
const targetShrink = 0.95

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

// normalise maps a score onto [−1, 1] by the training range.
func (m *SentimentModel) normalise(score float64) float64 {
	return 2*(score-m.ScoreMin)/(m.ScoreMax-m.ScoreMin) - 1
}

// vector is the comment's word TF-IDF vector followed by its lexicon score.
func (m *SentimentModel) vector(comment string) sparse {
	x := m.vocab.appendVector(sparse{}, terms(comment), 0)
	x.idx = append(x.idx, len(m.vocab.terms))
	x.val = append(x.val, lexiconScore(comment))
	return x
}

// Score is the comment's sentiment in (−1, 1), higher being more positive.
func (m *SentimentModel) Score(comment string) float64 {
	return math.Tanh(m.Bias + m.vector(comment).dot(m.Weights))
}

// fitRidge minimises ½·Σ(y − b − w·x)² + ½·alpha·‖w‖² (intercept not
// penalised) with L-BFGS, scaled by 1/n so the tolerances mean the same
// for any data size.
func fitRidge(xs []sparse, ys []float64, nFeatures int, alpha float64) ([]float64, float64) {
	n := float64(len(xs))
	obj := func(w, grad []float64) float64 {
		bias := w[nFeatures]
		clear(grad)
		loss := 0.0
		for i, x := range xs {
			r := bias + x.dot(w[:nFeatures]) - ys[i]
			loss += r * r
			for k, j := range x.idx {
				grad[j] += r * x.val[k] / n
			}
			grad[nFeatures] += r / n
		}
		reg := 0.0
		for j := range nFeatures {
			reg += w[j] * w[j]
			grad[j] += alpha / n * w[j]
		}
		return (loss + alpha*reg) / (2 * n)
	}
	w := make([]float64, nFeatures+1)
	w[nFeatures] = mean(ys)
	minimise(obj, w, defaultLBFGS)
	return w[:nFeatures], w[nFeatures]
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
	case len(m.IDF) != len(m.Terms) || len(m.Weights) != len(m.Terms)+1:
		return fmt.Errorf("text: sentiment model has %d terms, %d IDF weights and %d weights", len(m.Terms), len(m.IDF), len(m.Weights))
	case !(m.ScoreMax > m.ScoreMin) || !slices.IsSorted(m.Terms):
		return errors.New("text: sentiment model is inconsistent")
	}
	m.vocab = vocabulary{terms: m.Terms, idf: m.IDF, index: indexOf(m.Terms)}
	return nil
}
