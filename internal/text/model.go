package text

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Example is one comment with the categories staff assigned to it.
type Example struct {
	Text   string   `json:"text"`
	Labels []string `json:"labels"`
	// OtherLevel, when set, is the comment's category at the other level
	// of a two-level hierarchy: its broad label when Labels holds a
	// subcategory, or its subcategory when Labels holds a broad label. The
	// model then learns both levels (see [OtherLevel]) and still predicts
	// Labels' level. Either every labelled example has one, with one label
	// at each level, or none has.
	OtherLevel []string `json:"other_level,omitempty"`
}

// Suggestion is a category offered for a comment with its score in [0, 1]:
// a probability for a [Model], a keyword-match strength for a [Taxonomy].
type Suggestion struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// TrainOptions tunes [Train]. The zero value means "use the defaults", field
// by field. The defaults were chosen by 3-fold cross-validation
// inside the training 80% of the NHS comments split (nhs_test.go; every
// variant tried is in docs/text-models.md), not by the held-out 20%.
type TrainOptions struct {
	// C is the inverse strength of the word model's L2 penalty, as in
	// scikit-learn (default 5): larger trusts the training labels more.
	C float64
	// CharC is the same for the character n-gram model (default 10).
	CharC float64
	// PositiveWeightPower up-weights each label's positive examples by
	// (negatives/positives)^power (default 0.75). In one-vs-rest every label
	// is rare, and an unweighted fit learns to say "no" to the rare ones;
	// power 1 is close to scikit-learn's "balanced", which gains a little
	// macro-F1 and loses more micro-F1.
	PositiveWeightPower float64
	// WordsOnly leaves out the character n-gram model. That model reads
	// character 2–5-grams, which survive misspellings and word forms
	// ("physio", "physiotherapist"); averaged with the word model it gained
	// half a point of micro-F1 and one of macro-F1 in cross-validation on
	// the NHS comments, and it takes most of the training time.
	WordsOnly bool
	// WordShare is the word model's weight when its probabilities are
	// averaged with the character model's (default 0.6).
	WordShare float64
	// ThresholdFolds is how many folds the out-of-fold scores that decision
	// thresholds are tuned on come from (default 3). Each fold costs one
	// more fit; single-label training data needs no thresholds.
	ThresholdFolds int
	// Seed fixes the fold assignment, so training is reproducible
	// (default 1).
	Seed uint64
	// WithoutWordVectors leaves out the pre-trained word vectors
	// (internal/text/wordvec) that the word model otherwise reads beside
	// the words: each comment's IDF-weighted average vector. They let a
	// word no labelled comment had count by its meaning. On the NHS
	// comments' whole-file 5-fold cross-validation they gained 0.45
	// points of subcategory micro-F1 and 0.8 of label macro-F1, and moved
	// subcategory macro-F1 and label micro-F1 by under 0.2 (docs/text-models.md,
	// round twelve).
	WithoutWordVectors bool
	// WithoutSentenceVectors leaves out the sentence vectors
	// (internal/text/sentenc) that the word model otherwise reads beside
	// the words: each comment's Universal Sentence Encoder embedding,
	// which reads a comment's words in their context. On the NHS
	// comments' whole-file 5-fold cross-validation they gained 0.5 points
	// of subcategory micro-F1, 2.1 of its macro-F1 and 1.1 of label
	// micro-F1 (docs/text-models.md, round fifteen). They cost time:
	// encoding about 1.3–2 ms of a core a comment the first time it is read
	// (later trainings reuse the vectors) and about half as much again to
	// fit (10,000 NHS comments: 9.1 s on 2 cores with their vectors
	// cached, 24.4 s with none; docs/text-models.md, session sixteen).
	// Without them the model has no sentence member either (sentmember.go).
	WithoutSentenceVectors bool
	// sentenceMember sets the sentence member (sentmember.go); tests vary
	// it, the product uses its defaults.
	sentenceMember sentenceMemberSettings
	// offsetMacroWeight, when set, replaces the constant of that name in
	// joint decoding's offset tuning (tests vary it).
	offsetMacroWeight float64
	// Taxonomy, when set, lets the model use keyword matches as evidence
	// alongside the words: one feature per category saying whether its
	// keywords occur. The weights of those features are learned like any
	// other, so staff labels decide how far each keyword list is trusted.
	// With few labelled comments this is worth a lot; labels without
	// keywords are learned from the words alone. It is stored in the model.
	Taxonomy Taxonomy
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.C <= 0 {
		o.C = 5
	}
	if o.CharC <= 0 {
		o.CharC = 10
	}
	if o.WordShare <= 0 || o.WordShare > 1 {
		o.WordShare = 0.6
	}
	if o.PositiveWeightPower <= 0 {
		o.PositiveWeightPower = 0.75
	}
	if o.ThresholdFolds <= 0 {
		o.ThresholdFolds = 3
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	o.sentenceMember = o.sentenceMember.withDefaults()
	return o
}

// modelFormat versions both the JSON layout and feature extraction (tokens,
// stemming, stopwords, character n-grams). Bump it when either changes: a
// stored model whose terms were made by other rules would silently score
// nonsense, so loading it fails instead and the server retrains.
const modelFormat = 5

// Model is a trained multi-label classifier: two one-vs-rest sets of
// L2-regularised logistic regressions, solved with L-BFGS, one over TF-IDF
// word unigrams and bigrams (and taxonomy keyword matches), one over TF-IDF
// character n-grams, whose probabilities are averaged, and, with sentence
// vectors, a ridge model of the sentence vector alone mixed in
// (sentmember.go); when trained with a
// two-level label hierarchy, the same pair for the other level, combined
// with the first ([OtherLevel]), each member calibrated on out-of-fold
// scores when the model's own labels are the broad level (calibrateBroad);
// and a decision threshold per label tuned on out-of-fold predictions. It is
// read-only once built and safe for concurrent use. It marshals to JSON
// with encoding/json.
type Model struct {
	Format int `json:"format"`
	// Labels are the labels seen in training, sorted.
	Labels []string `json:"labels"`
	// Terms is the word vocabulary in feature order, with its IDF weights.
	Terms []string  `json:"terms"`
	IDF   []float64 `json:"idf"`
	// Grams is the character n-gram vocabulary, whose features follow the
	// terms', with its IDF weights.
	Grams   []string  `json:"grams"`
	GramIDF []float64 `json:"gram_idf"`
	// Taxonomy holds the keyword rules whose matches are features after the
	// grams; empty when the model was trained without one.
	Taxonomy Taxonomy `json:"taxonomy,omitempty"`
	// WordVectors says the word features end with the comment's averaged
	// pre-trained word vector (wordvec.Dims features after the keyword
	// matches); VectorWords are the training comments' words that have a
	// vector, sorted, with their IDF weights in VectorIDF.
	WordVectors bool      `json:"word_vectors,omitempty"`
	VectorWords []string  `json:"vector_words,omitempty"`
	VectorIDF   []float64 `json:"vector_idf,omitempty"`
	// SentenceVectors says the word features end with the comment's
	// sentence vector (sentenc.Dims features after the word vector).
	SentenceVectors bool `json:"sentence_vectors,omitempty"`
	// Weights[l][f] is the word model's weight of word feature f (terms,
	// then keyword matches, then the averaged word vector, then the
	// sentence vector) for label l; Bias[l] is the label's intercept.
	// GramWeights and GramBias are the character model's, over the grams;
	// empty when the model was trained with WordsOnly.
	levelWeights
	// WordShare is the word model's weight in the averaged probability; 1
	// without a character model.
	WordShare float64 `json:"word_share"`
	// Thresholds[l] is the probability at which label l is assigned
	// beside the top label. They are tuned only for multi-label data:
	// with one label per training comment every comment gets its top
	// label, and the thresholds stay at 0.5, unused.
	Thresholds []float64 `json:"thresholds"`
	// MaxLabels is the most labels one comment gets: the most any training
	// comment carried, so single-label data gets single-label predictions.
	MaxLabels int `json:"max_labels"`
	// NTrain is the number of labelled examples the model learned from.
	NTrain int `json:"n_train"`
	// Other is the other level of a two-level label hierarchy, when the
	// model was trained with one; nil otherwise.
	Other *OtherLevel `json:"other_level,omitempty"`
	// Joint is how a model of the finer level of a hierarchy decides
	// between its labels; nil otherwise.
	Joint *JointDecoding `json:"joint,omitempty"`

	features featurizer
}

// ErrNoLabels is returned by [Train] when no example has a label.
var ErrNoLabels = errors.New("text: no labelled examples to train on")

// Train fits a model to examples. Examples without labels are skipped: a
// comment nobody has categorised yet says nothing about which categories it
// lacks. Training is deterministic for a given input and options.
func Train(examples []Example, opts TrainOptions) (*Model, error) {
	opts = opts.withDefaults()
	other, err := hierarchyExamples(examples)
	if err != nil {
		return nil, err
	}
	examples = labelled(examples)
	if len(examples) == 0 {
		return nil, ErrNoLabels
	}
	m := newModel(examples, opts)
	ys := targets(examples, m.Labels)
	parts := []modelPart{{data: trainingData{xs: make([]sparse, len(examples)), ys: ys,
		prior: keywordPrior(m.Labels, m.features), dense: m.features.denseSize()}, c: opts.C}}
	if m.SentenceVectors {
		sentenceVectors(commentsOf(examples)) // encoded together: faster than one by one
	}
	eachIndex(len(examples), func(i int) { parts[0].data.xs[i] = m.features.vector(examples[i].Text) })
	if !opts.WordsOnly {
		gx := make([]sparse, len(examples))
		eachIndex(len(examples), func(i int) { gx[i] = m.features.gramVector(examples[i].Text) })
		parts = append(parts, modelPart{data: trainingData{xs: gx, ys: ys,
			prior: matrix(len(m.Labels), m.features.gramSize())}, c: opts.CharC})
	}
	fitParts(parts, opts.PositiveWeightPower)
	m.levelWeights = fitted(parts)
	// The own level's member is fitted on the folds its out-of-fold
	// scores are taken on: joint decoding's, or the thresholds' for
	// multi-label data (which has no hierarchy).
	folds := jointFolds
	if m.MaxLabels > 1 {
		folds = opts.ThresholdFolds
	}
	sentences := m.sentenceMember(parts[0].data, folds, opts)
	m.Sentence = sentences.member(-1)
	if other != nil {
		var otherParts []modelPart
		m.Other, otherParts = fitOtherLevel(m.Labels, ys, other, parts, opts)
		var otherSentences *sentenceFit
		if m.Other != nil {
			otherSentences = m.sentenceMember(otherParts[0].data, jointFolds, opts)
			m.Other.Sentence = otherSentences.member(-1)
		}
		switch {
		case m.Other == nil:
		case m.Other.Finer:
			calibrateBroad(&m.levelWeights, &m.Other.levelWeights, parts, otherParts, opts)
		default:
			m.Joint = fitJoint(parts, otherParts, [2]*sentenceFit{sentences, otherSentences}, m.Other.Parent, m.WordShare, opts)
		}
	}
	if m.MaxLabels > 1 {
		m.Thresholds = tuneThresholds(parts, sentences, m.WordShare, opts)
	}
	return m, nil
}

func labelled(examples []Example) []Example {
	return slices.DeleteFunc(slices.Clone(examples), func(e Example) bool { return len(e.Labels) == 0 })
}

// newModel builds the vocabularies and the featurizer from the examples'
// texts; the weights are left to fit.
func newModel(examples []Example, opts TrainOptions) *Model {
	words, grams := make([][]string, len(examples)), make([][]string, len(examples))
	eachIndex(len(examples), func(i int) {
		words[i] = terms(examples[i].Text)
		if !opts.WordsOnly {
			grams[i] = charGrams(examples[i].Text)
		}
	})
	wordVocab, gramVocab := buildVocabulary(words, keepWordTerm), buildVocabulary(grams, keepGram)
	var vectors *vectorWeights
	if !opts.WithoutWordVectors {
		vectors = newVectorWeights(examples)
	}
	labels := labelSet(examples)
	taxonomy := taxonomyOf(labels, opts.Taxonomy)
	m := &Model{
		Format:          modelFormat,
		Labels:          labels,
		Terms:           wordVocab.terms,
		IDF:             wordVocab.idf,
		Grams:           gramVocab.terms,
		GramIDF:         gramVocab.idf,
		Taxonomy:        taxonomy,
		Thresholds:      constant(len(labels), 0.5),
		WordShare:       wordShare(opts),
		MaxLabels:       maxLabelsPerExample(examples),
		NTrain:          len(examples),
		features:        newFeaturizer(wordVocab, gramVocab, taxonomy, vectors, !opts.WithoutSentenceVectors),
		SentenceVectors: !opts.WithoutSentenceVectors,
	}
	if vectors != nil {
		m.WordVectors = true
		m.VectorWords, m.VectorIDF = vectors.stored()
	}
	return m
}

// taxonomyOf is the categories of t that label some training comment. A
// category nobody has used has no label whose weights could start out
// trusting its keywords; its matches would only be one more feature, at
// three times a word's weight (keywordFeatureScale), which made fitting
// crawl: on the NHS comments, whose labels no default category names,
// the default taxonomy made training 1.4 to 6 times slower and moved the
// figures by noise (docs/text-models.md, session sixteen).
func taxonomyOf(labels []string, t Taxonomy) Taxonomy {
	var out Taxonomy
	for _, c := range t {
		if _, ok := slices.BinarySearch(labels, c.Slug); ok {
			out = append(out, c)
		}
	}
	return out
}

func wordShare(opts TrainOptions) float64 {
	if opts.WordsOnly {
		return 1
	}
	return opts.WordShare
}

func constant(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func maxLabelsPerExample(examples []Example) int {
	most := 1
	for _, e := range examples {
		most = max(most, len(distinct(e.Labels)))
	}
	return most
}

// labelSet returns the distinct labels of examples, sorted.
func labelSet(examples []Example) []string {
	var out []string
	for _, e := range examples {
		out = append(out, e.Labels...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// targets[n][l] reports whether example n carries label l.
func targets(examples []Example, labels []string) [][]bool {
	out := make([][]bool, len(examples))
	for n, e := range examples {
		out[n] = make([]bool, len(labels))
		for _, l := range e.Labels {
			if i, ok := slices.BinarySearch(labels, l); ok {
				out[n][i] = true
			}
		}
	}
	return out
}

func matrix(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = make([]float64, cols)
	}
	return m
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// logit is sigmoid's inverse, the log-odds of p, with p kept inside
// [1e-6, 1 − 1e-6] so that a certainty gives a large number, not ±Inf.
func logit(p float64) float64 {
	p = min(max(p, 1e-6), 1-1e-6)
	return math.Log(p / (1 - p))
}

// Suggest scores every label the model knows for a comment, best first; ties
// are broken by label name so the order is stable.
func (m *Model) Suggest(comment string) []Suggestion {
	probs := m.probabilities(comment)
	out := make([]Suggestion, len(m.Labels))
	for l, label := range m.Labels {
		out[l] = Suggestion{Label: label, Score: probs[l]}
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int { return compareScoreDesc(a.Score, b.Score) })
	return out
}

// probabilities are the labels' probabilities for a comment: the word
// model's, averaged with the character model's when there is one, and
// combined with the other level's when the model has two
// ([OtherLevel.combine]).
func (m *Model) probabilities(comment string) []float64 {
	x := m.features.vector(comment)
	var g sparse
	if len(m.GramWeights) > 0 {
		g = m.features.gramVector(comment)
	}
	probs := m.levelWeights.probabilities(x, g, m.WordShare)
	if m.Other == nil {
		return probs
	}
	other := m.Other.levelWeights.probabilities(x, g, m.WordShare)
	if m.Joint == nil {
		return m.Other.combine(probs, other)
	}
	return m.Joint.scores(probs, other, m.Joint.conditional(x, g, m.WordShare, m.Other.Parent), m.Other.Parent)
}

// levelWeights are the word and character models of one level of labels.
// Embedded, their fields stay at the top level of the JSON.
type levelWeights struct {
	Weights     [][]float64 `json:"weights"`
	Bias        []float64   `json:"bias"`
	GramWeights [][]float64 `json:"gram_weights,omitempty"`
	GramBias    []float64   `json:"gram_bias,omitempty"`
	// WordScale and GramScale, when set, calibrate the word and character
	// models' probabilities: [a, b] turns log-odds z into σ(a·z + b), for
	// every label (see calibrateBroad).
	WordScale []float64 `json:"word_scale,omitempty"`
	GramScale []float64 `json:"gram_scale,omitempty"`
	// Sentence, when set, is the level's sentence member, mixed into the
	// word and character models' probabilities (sentmember.go).
	Sentence *sentenceMember `json:"sentence_member,omitempty"`

	// byFeature, when set (forScoring), are Weights and GramWeights laid
	// out feature by feature, for scoring many rows.
	byFeature [2]*featureMajor
}

// forScoring returns w with its weights also laid out feature by feature:
// for the many held-out rows training scores, each row is then one pass
// over its nonzeros for every label, not one pass per label.
func (w levelWeights) forScoring() levelWeights {
	w.byFeature = [2]*featureMajor{newFeatureMajor(w.Weights), newFeatureMajor(w.GramWeights)}
	return w
}

// probabilities are the word model's probabilities for word vector x,
// averaged with the character model's for gram vector g when there is one,
// each calibrated when it has a scale.
func (w levelWeights) probabilities(x, g sparse, wordShare float64) []float64 {
	probs := squash(w.byFeature[0].scores(x, w.Weights, w.Bias), w.WordScale)
	if len(w.GramWeights) > 0 {
		mixProbabilities(probs, squash(w.byFeature[1].scores(g, w.GramWeights, w.GramBias), w.GramScale), wordShare)
	}
	w.Sentence.mix(probs, x)
	return probs
}

// squash turns log-odds into probabilities in place, σ(a·z + b) with
// [a, b] = scale, or σ(z) when scale is empty, and returns them.
func squash(out, scale []float64) []float64 {
	a, b := 1.0, 0.0
	if len(scale) == 2 {
		a, b = scale[0], scale[1]
	}
	for l, z := range out {
		out[l] = sigmoid(a*z + b)
	}
	return out
}

// fitted collects the weights of fitted parts: words, then characters.
func fitted(parts []modelPart) levelWeights {
	w := levelWeights{Weights: parts[0].weights, Bias: parts[0].bias}
	if len(parts) > 1 {
		w.GramWeights, w.GramBias = parts[1].weights, parts[1].bias
	}
	return w
}

// mixProbabilities sets words to share·words + (1 − share)·grams.
func mixProbabilities(words, grams []float64, share float64) {
	for l := range words {
		words[l] = share*words[l] + (1-share)*grams[l]
	}
}

// probabilities are the labels' probabilities for feature vector x.
func probabilities(x sparse, weights [][]float64, bias []float64) []float64 {
	return squash(linearScores(x, weights, bias), nil)
}

// Predict returns the labels a comment gets, best first: the top label,
// since almost every comment is about something, then every other label
// whose probability reaches its threshold, at most MaxLabels in all.
func (m *Model) Predict(comment string) []string {
	ranked := m.Suggest(comment)
	if len(ranked) == 0 {
		return nil
	}
	out := []string{ranked[0].Label}
	for _, s := range ranked[1:] {
		if len(out) == m.MaxLabels {
			break
		}
		if l, _ := slices.BinarySearch(m.Labels, s.Label); s.Score >= m.Thresholds[l] {
			out = append(out, s.Label)
		}
	}
	return out
}

// Threshold is the probability at which the model assigns label beside the
// top label; 1 for a label it does not know.
func (m *Model) Threshold(label string) float64 {
	if l, ok := slices.BinarySearch(m.Labels, label); ok {
		return m.Thresholds[l]
	}
	return 1
}

// UnmarshalJSON decodes a model and checks that its parts fit together, so a
// truncated or hand-edited model fails on load rather than panicking in
// Suggest.
func (m *Model) UnmarshalJSON(data []byte) error {
	type plain Model // no methods: avoids recursing into UnmarshalJSON
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*m = Model(p)
	if err := m.validate(); err != nil {
		return err
	}
	var vectors *vectorWeights
	if m.WordVectors {
		vectors = storedVectorWeights(m.VectorWords, m.VectorIDF, m.NTrain)
	}
	m.features = newFeaturizer(vocabulary{terms: m.Terms, idf: m.IDF, index: indexOf(m.Terms)},
		vocabulary{terms: m.Grams, idf: m.GramIDF, index: indexOf(m.Grams)}, m.Taxonomy, vectors, m.SentenceVectors)
	return nil
}

func (m *Model) validate() error {
	switch {
	case m.Format != modelFormat:
		return fmt.Errorf("text: model format %d, want %d: retrain the model", m.Format, modelFormat)
	case len(m.IDF) != len(m.Terms):
		return fmt.Errorf("text: model has %d terms but %d IDF weights", len(m.Terms), len(m.IDF))
	case len(m.VectorIDF) != len(m.VectorWords) || (!m.WordVectors && len(m.VectorWords) > 0):
		return fmt.Errorf("text: model has %d vector words but %d IDF weights (word vectors %v)", len(m.VectorWords), len(m.VectorIDF), m.WordVectors)
	case len(m.GramIDF) != len(m.Grams):
		return fmt.Errorf("text: model has %d character n-grams but %d IDF weights", len(m.Grams), len(m.GramIDF))
	case len(m.Weights) != len(m.Labels) || len(m.Bias) != len(m.Labels) || len(m.Thresholds) != len(m.Labels):
		return fmt.Errorf("text: model has %d labels but %d weight rows, %d biases and %d thresholds",
			len(m.Labels), len(m.Weights), len(m.Bias), len(m.Thresholds))
	case len(m.GramWeights) != 0 && (len(m.GramWeights) != len(m.Labels) || len(m.GramBias) != len(m.Labels)):
		return fmt.Errorf("text: model has %d labels but %d character weight rows and %d biases", len(m.Labels), len(m.GramWeights), len(m.GramBias))
	case !(m.WordShare > 0 && m.WordShare <= 1) || (len(m.GramWeights) == 0 && m.WordShare != 1):
		return fmt.Errorf("text: model word share %v does not fit its %d character weight rows", m.WordShare, len(m.GramWeights))
	case m.MaxLabels < 1:
		return fmt.Errorf("text: model assigns at most %d labels", m.MaxLabels)
	case !slices.IsSorted(m.Labels):
		return errors.New("text: model labels are not sorted")
	case len(m.WordScale) != 0 && len(m.WordScale) != 2, len(m.GramScale) != 0 && len(m.GramScale) != 2:
		return fmt.Errorf("text: model has calibration scales of %d and %d numbers, want 2", len(m.WordScale), len(m.GramScale))
	}
	if err := m.Sentence.validate("model", len(m.Labels)); err != nil {
		return err
	}
	if m.Sentence != nil && !m.SentenceVectors {
		return errors.New("text: model has a sentence member but no sentence vectors")
	}
	for l, row := range m.Weights {
		if want := m.wordWidth(); len(row) != want {
			return fmt.Errorf("text: label %q has %d weights for %d features", m.Labels[l], len(row), want)
		}
	}
	for l, row := range m.GramWeights {
		if len(row) != len(m.Grams) {
			return fmt.Errorf("text: label %q has %d character weights for %d n-grams", m.Labels[l], len(row), len(m.Grams))
		}
	}
	if m.Other != nil {
		nGram := 0
		if len(m.GramWeights) > 0 {
			nGram = len(m.Grams)
		}
		if err := m.Other.validate(len(m.Labels), m.wordWidth(), nGram); err != nil {
			return err
		}
		if m.Joint != nil && m.Other.Finer {
			return errors.New("text: joint decoding needs the model's own labels to be the finer level")
		}
	}
	if m.Joint != nil {
		if m.Other == nil {
			return errors.New("text: joint decoding without an other level")
		}
		nGram := 0
		if len(m.GramWeights) > 0 {
			nGram = len(m.Grams)
		}
		if err := m.Joint.validate(len(m.Labels), m.wordWidth(), nGram); err != nil {
			return err
		}
	}
	for _, vocab := range [][]string{m.Terms, m.Grams, m.VectorWords} {
		if dup := firstDuplicate(vocab); dup != "" {
			return fmt.Errorf("text: model term %q appears twice", dup)
		}
	}
	return nil
}

// wordWidth is the number of word features (wordFeatures).
func (m *Model) wordWidth() int {
	return wordFeatures(len(m.Terms), len(m.Taxonomy), m.WordVectors, m.SentenceVectors)
}

func firstDuplicate(list []string) string {
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		if seen[s] {
			return s
		}
		seen[s] = true
	}
	return ""
}
