package text

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/text/sentenc"
)

// randomSentenceData is n rows whose last sentenc.Dims features are a
// random unit-length block, each row labelled by which of k directions
// its block leans on most, plus noise.
func randomSentenceData(n, k int, seed uint64) trainingData {
	rng := rand.New(rand.NewPCG(seed, 1))
	dirs := make([][]float64, k)
	for l := range dirs {
		dirs[l] = make([]float64, sentenc.Dims)
		for j := range dirs[l] {
			dirs[l][j] = rng.NormFloat64()
		}
	}
	d := trainingData{}
	for range n {
		l := rng.IntN(k)
		x := sparse{idx: []int{0}, val: []float64{1}} // a word feature before the block
		v := make([]float64, sentenc.Dims)
		for j := range v {
			v[j] = 0.5*dirs[l][j] + rng.NormFloat64()
		}
		nrm := norm(v)
		for j := range v {
			x.idx, x.val = append(x.idx, 1+j), append(x.val, v[j]/nrm)
		}
		d.xs, d.ys = append(d.xs, x), append(d.ys, oneHot(k, l))
	}
	return d
}

// The fold fits come from the total sums less the fold's: they must be the
// fits of the other folds' rows themselves (with rows weighed alike; with
// a power, the fold fits keep the whole data's class weights).
func TestSentenceMemberFoldFitsAreSubsetFits(t *testing.T) {
	t.Parallel()
	d := randomSentenceData(600, 4, 1)
	folds := assignFolds(len(d.xs), 3, 1)
	s := sentenceMemberSettings{Power: -1}.withDefaults()
	fit := fitSentenceMember(d, folds, 3, s)
	if fit == nil {
		t.Fatal("no member fitted")
	}
	train, _ := foldRows(folds, 1)
	direct := fitSentenceMember(d.subset(train), nil, 0, s)
	for l := range fit.byFold[1].Weights {
		if diff := math.Abs(fit.byFold[1].Bias[l] - direct.full.Bias[l]); diff > 1e-9 {
			t.Fatalf("label %d: fold fit's bias %v, subset fit's %v", l, fit.byFold[1].Bias[l], direct.full.Bias[l])
		}
		for j, w := range fit.byFold[1].Weights[l] {
			if diff := math.Abs(w - direct.full.Weights[l][j]); diff > 1e-9 {
				t.Fatalf("label %d, dimension %d: fold fit's weight %v, subset fit's %v", l, j, w, direct.full.Weights[l][j])
			}
		}
	}
}

// On separable data the member must learn the labels: out of fold, most
// rows' top probability is their own label's, and the Platt scale makes
// the scores sharper, not flatter.
func TestSentenceMemberLearns(t *testing.T) {
	t.Parallel()
	d := randomSentenceData(900, 3, 2)
	folds := assignFolds(len(d.xs), 3, 1)
	fit := fitSentenceMember(d, folds, 3, sentenceMemberSettings{}.withDefaults())
	right := 0
	for i, x := range d.xs {
		p := fit.member(folds[i]).probabilities(x)
		if d.ys[i][argmax(p)] {
			right++
		}
	}
	if acc := float64(right) / float64(len(d.xs)); acc < 0.9 {
		t.Errorf("out-of-fold accuracy %.3f, want at least 0.9", acc)
	}
	if a := fit.full.Scale[0]; a <= 1 {
		t.Errorf("Platt slope %v, want above 1 (ridge scores of 0/1 targets are compressed)", a)
	}
}

func argmax(p []float64) int {
	best := 0
	for l, v := range p {
		if v > p[best] {
			best = l
		}
	}
	return best
}

// Rarer classes weigh more with a positive power, and every row alike
// without one.
func TestClassRarityWeights(t *testing.T) {
	t.Parallel()
	ys := [][]bool{{true, false}, {true, false}, {true, false}, {false, true}}
	if w := classRarityWeights(ys, 0); w[0] != 1 || w[3] != 1 {
		t.Errorf("power 0: weights %v, want all 1", w)
	}
	w := classRarityWeights(ys, 1)
	if want := 4.0 / (2 * 1); math.Abs(w[3]-want) > 1e-12 {
		t.Errorf("power 1: rare row weighs %v, want %v", w[3], want)
	}
	if want := 4.0 / (2 * 3); math.Abs(w[0]-want) > 1e-12 {
		t.Errorf("power 1: common row weighs %v, want %v", w[0], want)
	}
}

// A model trained with sentence vectors carries a member at each level,
// and its mix moves the probabilities; without them, or switched off, it
// carries none.
func TestTrainSentenceMember(t *testing.T) {
	t.Parallel()
	examples := twoLevelExamples()
	m, err := Train(examples, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Sentence == nil || m.Other == nil || m.Other.Sentence == nil {
		t.Fatalf("sentence members: own %v, other level %+v; want both", m.Sentence != nil, m.Other)
	}
	if m.Sentence.Share != defaultSentenceShare {
		t.Errorf("share %v, want the default %v", m.Sentence.Share, defaultSentenceShare)
	}
	off, err := Train(examples, TrainOptions{sentenceMember: sentenceMemberSettings{Off: true}})
	if err != nil {
		t.Fatal(err)
	}
	if off.Sentence != nil || off.Other.Sentence != nil {
		t.Error("member switched off, but the model has one")
	}
	comment := "the nurse was rude and dismissive"
	if got, without := m.Suggest(comment), off.Suggest(comment); got[0].Score == without[0].Score {
		t.Errorf("the member did not move the top score (%v)", got[0].Score)
	}
	plain, err := Train(examples, TrainOptions{WithoutSentenceVectors: true})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Sentence != nil || plain.Other.Sentence != nil {
		t.Error("model without sentence vectors has a sentence member")
	}
	checkRoundTrip(t, m, comment)
}

// A stored model from before the member (no sentence_member) still loads
// and scores as it did; a member of the wrong shape is refused.
func TestSentenceMemberStored(t *testing.T) {
	t.Parallel()
	m, err := Train(twoLevelExamples(), TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, data := roundTrip(t, m)
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw, "sentence_member")
	delete(raw["other_level"].(map[string]any), "sentence_member")
	old, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	var loaded Model
	if err := json.Unmarshal(old, &loaded); err != nil {
		t.Fatalf("a model without sentence members does not load: %v", err)
	}
	if loaded.Sentence != nil {
		t.Error("loaded model has a sentence member")
	}
	raw["sentence_member"] = map[string]any{"weights": [][]float64{{1}}, "bias": []float64{0}, "scale": []float64{1, 0}, "share": 0.2}
	bad, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(bad, &loaded); err == nil || !strings.Contains(err.Error(), "sentence member") {
		t.Errorf("a misshapen sentence member loaded (error %v)", err)
	}
}

// BenchmarkSentenceMemberNHS is what the sentence member adds to training
// on the 10,000 comments: its fits at both levels (the full fit
// and the three fold fits joint decoding scores by). Run with -cpu 2.
func BenchmarkSentenceMemberNHS(b *testing.B) {
	sub := readNHSLevels(b, "subcategory", "label")[:10_000]
	m := newModel(sub, TrainOptions{}.withDefaults())
	sentenceVectors(commentsOf(sub))
	levels := []trainingData{
		{xs: make([]sparse, len(sub)), ys: targets(sub, m.Labels)},
		{ys: targets(otherLevelExamples(sub), labelSet(otherLevelExamples(sub)))},
	}
	eachIndex(len(sub), func(i int) { levels[0].xs[i] = m.features.vector(sub[i].Text) })
	levels[1].xs = levels[0].xs
	s := sentenceMemberSettings{}.withDefaults()
	for b.Loop() {
		for _, d := range levels {
			fitSentenceMember(d, assignFolds(len(sub), jointFolds, 1), jointFolds, s)
		}
	}
}
