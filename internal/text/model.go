package text

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Example is one comment with the categories staff assigned to it.
type Example struct {
	Text   string   `json:"text"`
	Labels []string `json:"labels"`
}

// Suggestion is a category offered for a comment with its score in [0, 1]:
// a probability for a [Model], a keyword-match strength for a [Taxonomy].
type Suggestion struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// Policy turns ranked suggestions into the labels to assign. A comment may
// deserve several labels, so every label at or above Threshold is taken; and
// since almost every comment is about something, the top label is taken even
// below Threshold as long as it reaches Floor.
type Policy struct {
	Threshold float64 `json:"threshold"`
	Floor     float64 `json:"floor"`
	// MaxLabels caps how many labels one comment gets; 0 means no cap.
	MaxLabels int `json:"max_labels"`
}

// DefaultPolicy is the policy [Train] uses when none is given. Like the
// other training defaults it was chosen by 5-fold cross-validation on the
// training half of the bundled corpus, never on its test half.
var DefaultPolicy = Policy{Threshold: 0.5, Floor: 0.2, MaxLabels: 3}

// Apply picks labels from suggestions ranked best first.
func (p Policy) Apply(ranked []Suggestion) []string {
	var out []string
	for i, s := range ranked {
		if p.MaxLabels > 0 && len(out) == p.MaxLabels {
			break
		}
		if s.Score >= p.Threshold || (i == 0 && s.Score >= p.Floor) {
			out = append(out, s.Label)
		}
	}
	return out
}

// TrainOptions tunes [Train]. The zero value means "use the defaults", field
// by field.
type TrainOptions struct {
	// Epochs is the number of passes of stochastic gradient descent (default 30).
	Epochs int
	// LearningRate is AdaGrad's base step (default 0.5).
	LearningRate float64
	// L2 is the ridge penalty pulling weights back to their prior; it keeps
	// words seen once from dominating (default 0.3).
	L2 float64
	// MinBigramDF drops bigrams seen in fewer documents (default 2).
	MinBigramDF int
	// Seed fixes the order examples are visited in, so training is
	// reproducible (default 1).
	Seed uint64
	// Policy is stored in the model for [Model.Predict] (default DefaultPolicy).
	Policy *Policy
	// Taxonomy, when set, lets the model use keyword matches as evidence
	// alongside the words: one feature per category saying whether its
	// keywords occur. The weights of those features are learned like any
	// other, so staff labels decide how far each keyword list is trusted.
	// With few labelled comments this is worth a lot; labels without
	// keywords are learned from the words alone. It is stored in the model.
	Taxonomy Taxonomy
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.Epochs <= 0 {
		o.Epochs = 30
	}
	if o.LearningRate <= 0 {
		o.LearningRate = 0.5
	}
	if o.L2 <= 0 {
		o.L2 = 0.3
	}
	if o.MinBigramDF <= 0 {
		o.MinBigramDF = 2
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Policy == nil {
		p := DefaultPolicy
		o.Policy = &p
	}
	return o
}

// modelFormat versions both the JSON layout and feature extraction (tokens,
// stemming, stopwords). Bump it when either changes: a stored model whose
// terms were made by other rules would silently score nonsense, so loading
// it fails instead and the server retrains.
const modelFormat = 1

// Model is a trained multi-label classifier: TF-IDF features over unigrams
// and bigrams and one logistic regression per label. It is read-only once
// built and safe for concurrent use. It marshals to JSON with encoding/json.
type Model struct {
	Format int `json:"format"`
	// Labels are the labels seen in training, sorted.
	Labels []string `json:"labels"`
	// Terms is the vocabulary in feature order, with its IDF weights.
	Terms []string  `json:"terms"`
	IDF   []float64 `json:"idf"`
	// Taxonomy holds the keyword rules whose matches are features after the
	// terms; empty when the model was trained without one.
	Taxonomy Taxonomy `json:"taxonomy,omitempty"`
	// Weights[l][f] is the weight of feature f for label l, where features
	// are the terms followed by one keyword feature per taxonomy category;
	// Bias[l] is the label's intercept.
	Weights [][]float64 `json:"weights"`
	Bias    []float64   `json:"bias"`
	Policy  Policy      `json:"policy"`
	// NTrain is the number of labelled examples the model learned from.
	NTrain int `json:"n_train"`

	features featurizer
}

// ErrNoLabels is returned by [Train] when no example has a label.
var ErrNoLabels = errors.New("text: no labelled examples to train on")

// Train fits a model to examples. Examples without labels are skipped: a
// comment nobody has categorised yet says nothing about which categories it
// lacks. Training is deterministic for a given input and options.
func Train(examples []Example, opts TrainOptions) (*Model, error) {
	opts = opts.withDefaults()
	examples = slices.DeleteFunc(slices.Clone(examples), func(e Example) bool { return len(e.Labels) == 0 })
	if len(examples) == 0 {
		return nil, ErrNoLabels
	}
	// The vocabulary is built from the training texts' terms; the vectors
	// are then made by the same featurizer Suggest uses.
	docs := make([][]string, len(examples))
	for i, e := range examples {
		docs[i] = terms(e.Text)
	}
	vocab := buildVocabulary(docs, opts.MinBigramDF)
	m := &Model{
		Format:   modelFormat,
		Labels:   labelSet(examples),
		Terms:    vocab.terms,
		IDF:      vocab.idf,
		Taxonomy: slices.Clone(opts.Taxonomy),
		Policy:   *opts.Policy,
		NTrain:   len(examples),
		features: newFeaturizer(vocab, opts.Taxonomy),
	}
	xs := make([]sparse, len(examples))
	for i, e := range examples {
		xs[i] = m.features.vector(e.Text)
	}
	prior := keywordPrior(m.Labels, m.features)
	m.Weights, m.Bias = fitOneVsRest(xs, targets(examples, m.Labels), prior, opts)
	return m, nil
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

// fitOneVsRest trains one logistic regression per label with AdaGrad SGD,
// its weights starting at prior and L2-penalised towards it. All labels
// share one pass over the data, so each example's features are read once
// per epoch.
func fitOneVsRest(xs []sparse, ys [][]bool, prior [][]float64, opts TrainOptions) ([][]float64, []float64) {
	nLabels, nFeatures := len(ys[0]), len(prior[0])
	w, gw := matrix(nLabels, nFeatures), matrix(nLabels, nFeatures)
	for l := range w {
		copy(w[l], prior[l])
	}
	b, gb := priorLogits(ys), make([]float64, nLabels)
	posWeight := positiveWeights(ys)
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	for range opts.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, n := range order {
			x := xs[n]
			for l := range nLabels {
				// g is the log-loss gradient with respect to the logit.
				g := sigmoid(b[l] + x.dot(w[l]))
				if ys[n][l] {
					g = (g - 1) * posWeight[l]
				}
				adagradStep(w[l], gw[l], prior[l], x, g, opts)
				gb[l] += g * g
				b[l] -= opts.LearningRate * g / math.Sqrt(gb[l]+1e-8)
			}
		}
	}
	return w, b
}

// adagradStep moves the weights of the features present in x. The L2 penalty
// is applied only to those weights ("lazy" regularisation): exact for the
// gradient direction that matters and keeps an update O(features in x).
func adagradStep(w, g2, prior []float64, x sparse, g float64, opts TrainOptions) {
	for k, i := range x.idx {
		grad := g*x.val[k] + opts.L2*(w[i]-prior[i])
		g2[i] += grad * grad
		w[i] -= opts.LearningRate * grad / math.Sqrt(g2[i]+1e-8)
	}
}

// keywordPrior is where each weight starts and where the L2 penalty pulls
// it back to: zero, except that a label's own keyword feature starts at
// keywordPriorWeight. The model thus begins by trusting the taxonomy and
// moves away from it only as far as staff labels push, which on a few dozen
// labelled comments beats both keywords alone and words alone.
func keywordPrior(labels []string, f featurizer) [][]float64 {
	prior := matrix(len(labels), f.size())
	for k, rule := range f.keywords {
		if l, ok := slices.BinarySearch(labels, rule.slug); ok {
			prior[l][len(f.vocab.terms)+k] = keywordPriorWeight
		}
	}
	return prior
}

// keywordPriorWeight was chosen by 5-fold cross-validation on the training
// half of the bundled corpus.
const keywordPriorWeight = 4.0

// positiveWeights up-weights each label's positive examples by the square
// root of its negative-to-positive ratio, capped at 5. In one-vs-rest every
// label is rare, and an unweighted fit learns to say "no" to all of them; the
// square root corrects that without overshooting into false alarms.
func positiveWeights(ys [][]bool) []float64 {
	out := make([]float64, len(ys[0]))
	for l := range out {
		pos := 0
		for _, y := range ys {
			if y[l] {
				pos++
			}
		}
		out[l] = min(5, max(1, math.Sqrt(float64(len(ys)-pos)/float64(pos))))
	}
	return out
}

// priorLogits starts each bias at the label's log-odds in the training data
// (smoothed), so early epochs do not waste steps learning base rates.
func priorLogits(ys [][]bool) []float64 {
	out := make([]float64, len(ys[0]))
	for l := range out {
		pos := 0.5
		for _, y := range ys {
			if y[l] {
				pos++
			}
		}
		p := pos / (float64(len(ys)) + 1)
		out[l] = math.Log(p / (1 - p))
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

// Suggest scores every label the model knows for a comment, best first; ties
// are broken by label name so the order is stable.
func (m *Model) Suggest(comment string) []Suggestion {
	x := m.features.vector(comment)
	out := make([]Suggestion, len(m.Labels))
	for l, label := range m.Labels {
		out[l] = Suggestion{Label: label, Score: sigmoid(m.Bias[l] + x.dot(m.Weights[l]))}
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int { return compareScoreDesc(a.Score, b.Score) })
	return out
}

// Predict returns the labels the model's policy assigns to a comment, best
// first.
func (m *Model) Predict(comment string) []string {
	return m.Policy.Apply(m.Suggest(comment))
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
	m.features = newFeaturizer(vocabulary{terms: m.Terms, idf: m.IDF, index: indexOf(m.Terms)}, m.Taxonomy)
	return nil
}

func (m *Model) validate() error {
	switch {
	case m.Format != modelFormat:
		return fmt.Errorf("text: model format %d, want %d: retrain the model", m.Format, modelFormat)
	case len(m.IDF) != len(m.Terms):
		return fmt.Errorf("text: model has %d terms but %d IDF weights", len(m.Terms), len(m.IDF))
	case len(m.Weights) != len(m.Labels) || len(m.Bias) != len(m.Labels):
		return fmt.Errorf("text: model has %d labels but %d weight rows and %d biases", len(m.Labels), len(m.Weights), len(m.Bias))
	case !slices.IsSorted(m.Labels):
		return errors.New("text: model labels are not sorted")
	}
	for l, row := range m.Weights {
		if want := len(m.Terms) + len(m.Taxonomy); len(row) != want {
			return fmt.Errorf("text: label %q has %d weights for %d features", m.Labels[l], len(row), want)
		}
	}
	if dup := firstDuplicate(m.Terms); dup != "" {
		return fmt.Errorf("text: model term %q appears twice", dup)
	}
	return nil
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
