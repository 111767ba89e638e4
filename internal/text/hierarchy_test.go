package text

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// twoLevelExamples are comments with a subcategory and its broad label:
// "staff" has "rude" and "kind", "waiting" has "clinic" and "phone".
func twoLevelExamples() []Example {
	families := []struct{ broad, fine, text string }{
		{"staff", "rude", "The nurse was rude and dismissive to my mother, visit %d"},
		{"staff", "kind", "The nurse was kind and gentle with my mother, visit %d"},
		{"waiting", "clinic", "We waited %d hours in the clinic before anyone came"},
		{"waiting", "phone", "I waited %d hours on the phone before anyone answered"},
	}
	var out []Example
	for i := range 12 {
		for _, f := range families {
			out = append(out, Example{Text: fmt.Sprintf(f.text, i+2), Labels: []string{f.fine}, OtherLevel: []string{f.broad}})
		}
	}
	return out
}

// broadFirst swaps the levels: the broad label becomes the label.
func broadFirst(examples []Example) []Example {
	out := slices.Clone(examples)
	for i, e := range out {
		out[i].Labels, out[i].OtherLevel = e.OtherLevel, e.Labels
	}
	return out
}

// trainBothLevels trains on twoLevelExamples with the subcategory as the
// label, then with the broad label.
func trainBothLevels(t *testing.T) (fine, broad *Model) {
	t.Helper()
	fine, err := Train(twoLevelExamples(), TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	broad, err = Train(broadFirst(twoLevelExamples()), TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return fine, broad
}

func TestTrainTwoLevels(t *testing.T) {
	t.Parallel()
	fine, broad := trainBothLevels(t)
	// Labels sort as clinic, kind, phone, rude and staff, waiting.
	wantParent := []int{1, 0, 1, 0}
	for _, tt := range []struct {
		name  string
		m     *Model
		finer bool
		text  string
		want  string
	}{
		{"subcategory model", fine, false, "the receptionist was rude and dismissive", "rude"},
		{"broad model", broad, true, "we waited on the phone for an hour", "waiting"},
	} {
		if tt.m.Other == nil || tt.m.Other.Finer != tt.finer || !slices.Equal(tt.m.Other.Parent, wantParent) {
			t.Fatalf("%s: other level %+v, want finer %v and parents %v", tt.name, tt.m.Other, tt.finer, wantParent)
		}
		if got := tt.m.Predict(tt.text); !slices.Equal(got, []string{tt.want}) {
			t.Errorf("%s: Predict(%q) = %v, want [%s]", tt.name, tt.text, got, tt.want)
		}
		sum := 0.0
		for _, s := range tt.m.Suggest(tt.text) {
			sum += s.Score
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: scores sum to %v, want 1 (a distribution over one level)", tt.name, sum)
		}
	}
}

func TestTrainTwoLevelsRoundTrip(t *testing.T) {
	t.Parallel()
	m, err := Train(broadFirst(twoLevelExamples()), TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data := checkRoundTrip(t, m, "the nurse was rude on the phone")
	var back Model
	broken := strings.Replace(string(data), `"parent":[1,0,1,0]`, `"parent":[1,0,1,2]`, 1)
	if broken == string(data) {
		t.Fatal("parent list not found in the JSON")
	}
	if err := json.Unmarshal([]byte(broken), &back); err == nil || !strings.Contains(err.Error(), "parent") {
		t.Errorf("loading a model whose parent is out of range: err %v, want one naming the parent", err)
	}
}

func TestTrainTwoLevelsNeedsOneLabelEach(t *testing.T) {
	t.Parallel()
	examples := twoLevelExamples()
	examples[5].Labels = append(examples[5].Labels, "rude")
	examples[5].Labels = append(examples[5].Labels, "kind")
	if _, err := Train(examples, TrainOptions{}); err == nil || !strings.Contains(err.Error(), "example 6") {
		t.Errorf("two labels beside an other level: err %v, want one naming example 6", err)
	}
	examples = twoLevelExamples()
	examples[7].OtherLevel = nil
	if _, err := Train(examples, TrainOptions{}); err == nil || !strings.Contains(err.Error(), "example 8") {
		t.Errorf("an example without the other level: err %v, want one naming example 8", err)
	}
	if _, err := Train(examples[:0], TrainOptions{}); !errors.Is(err, ErrNoLabels) {
		t.Errorf("no examples: err %v, want ErrNoLabels", err)
	}
}

func TestTrainTwoLevelsOfEqualSizeIgnoresTheOther(t *testing.T) {
	t.Parallel()
	examples := twoLevelExamples()
	for i := range examples {
		examples[i].OtherLevel = []string{"x-" + examples[i].Labels[0]}
	}
	m, err := Train(examples, TrainOptions{WordsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Other != nil {
		t.Errorf("levels with as many labels each: other level %+v, want none (neither is finer)", m.Other)
	}
}

func TestTrainTwoLevelsSkipsUnlabelled(t *testing.T) {
	t.Parallel()
	examples := append([]Example{{Text: "not categorised yet"}}, twoLevelExamples()...)
	examples[3].OtherLevel = nil
	if _, err := Train(examples, TrainOptions{}); err == nil || !strings.Contains(err.Error(), "example 4") {
		t.Errorf("err %v, want one naming example 4 (numbered in the caller's list)", err)
	}
	m, err := Train(append(examples[:3:3], examples[4:]...), TrainOptions{WordsOnly: true})
	if err != nil || m.Other == nil {
		t.Errorf("an unlabelled comment without the other level: model %v, err %v; want a two-level model", m, err)
	}
}

func TestTrainTwoLevelsJointDecoding(t *testing.T) {
	t.Parallel()
	fine, broad := trainBothLevels(t)
	if broad.Joint != nil {
		t.Errorf("broad-level model has joint decoding %+v; only the finer level decides jointly", broad.Joint)
	}
	if fine.Joint == nil || len(fine.Joint.Offsets) != len(fine.Labels) {
		t.Fatalf("subcategory model: joint decoding %+v, want offsets for its %d labels", fine.Joint, len(fine.Labels))
	}
	data := checkRoundTrip(t, fine, "the receptionist on the phone was rude")
	var back Model
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	raw["joint"].(map[string]any)["offsets"] = []float64{0, 0}
	broken, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(broken, &back); err == nil || !strings.Contains(err.Error(), "offsets") {
		t.Errorf("loading a model with 2 offsets for 4 labels: err %v, want one naming the offsets", err)
	}
}

func TestNormaliseWithin(t *testing.T) {
	t.Parallel()
	p := []float64{0.2, 0.6, 0.5, 0.3}
	normaliseWithin(p, []int{0, 1, 0, 2})
	if want := []float64{2.0 / 7, 1, 5.0 / 7, 1}; !slices.EqualFunc(p, want, near) {
		t.Errorf("normaliseWithin = %v, want %v", p, want)
	}
}

// TestTuneOffsets plants rows where label 2 always loses to label 0 by a
// margin of 0.5 although it is right: an offset of at least 0.5 for label 2
// (or −0.5 for 0) wins those rows back without losing any, and tuning
// must find it.
func TestTuneOffsets(t *testing.T) {
	t.Parallel()
	var s [][]float64
	var y []int
	for i := range 30 {
		switch i % 3 {
		case 0: // right label 0, clear
			s, y = append(s, []float64{0, -2, -1}), append(y, 0)
		case 1: // right label 1, clear
			s, y = append(s, []float64{-2, 0, -2}), append(y, 1)
		default: // right label 2, narrowly behind 0
			s, y = append(s, []float64{0, -2, -0.5}), append(y, 2)
		}
	}
	rows := make([]int, len(s))
	for i := range rows {
		rows[i] = i
	}
	off := tuneOffsets(s, y, rows, 1, 0.25, 0)
	for i := range s {
		best := 0
		for l := range s[i] {
			if s[i][l]+off[l] > s[i][best]+off[best] {
				best = l
			}
		}
		if best != y[i] {
			t.Fatalf("offsets %v: row %d decided %d, want %d", off, i, best, y[i])
		}
	}
}

// checkRoundTrip marshals m, loads it back, checks that the loaded model
// scores comment as m does, and returns the JSON.
func checkRoundTrip(t *testing.T, m *Model, comment string) []byte {
	t.Helper()
	back, data := roundTrip(t, m)
	if got, want := back.Suggest(comment), m.Suggest(comment); !slices.Equal(got, want) {
		t.Errorf("after a JSON round trip Suggest = %v, want %v", got, want)
	}
	return data
}

func TestTrainTwoLevelsFewExamples(t *testing.T) {
	t.Parallel()
	m, err := Train(twoLevelExamples()[:8], TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Joint == nil || slices.ContainsFunc(m.Joint.Offsets, func(o float64) bool { return o != 0 }) {
		t.Errorf("8 comments: joint decoding %+v, want it with zero offsets (too few to tune on)", m.Joint)
	}
	if got := m.Predict("the nurse was rude and dismissive"); len(got) != 1 {
		t.Errorf("Predict = %v, want one label", got)
	}
}

func TestTrainTwoLevelsCalibratesBroad(t *testing.T) {
	t.Parallel()
	fine, broad := trainBothLevels(t)
	for _, w := range []levelWeights{broad.levelWeights, broad.Other.levelWeights} {
		if len(w.WordScale) != 2 || len(w.GramScale) != 2 || w.WordScale[0] <= 0 || w.GramScale[0] <= 0 {
			t.Fatalf("broad-level model: scales %v and %v, want [a b] with a > 0 for both members of both levels", w.WordScale, w.GramScale)
		}
	}
	if fine.WordScale != nil || fine.Other.WordScale != nil {
		t.Errorf("subcategory model: scales %v and %v, want none (its decision is left uncalibrated)", fine.WordScale, fine.Other.WordScale)
	}
	data := checkRoundTrip(t, broad, "we waited on the phone for an hour")
	broken := strings.Replace(string(data), `"word_scale":[`, `"word_scale":[1,`, 1)
	if broken == string(data) {
		t.Fatal("word scale not found in the JSON")
	}
	var back Model
	if err := json.Unmarshal([]byte(broken), &back); err == nil || !strings.Contains(err.Error(), "scales") {
		t.Errorf("loading a model with a 3-number scale: err %v, want one naming the scales", err)
	}
}

func TestPlattFit(t *testing.T) {
	t.Parallel()
	// Scores drawn so that P(positive | m) = σ(2m − 1): the fit recovers
	// a ≈ 2, b ≈ −1.
	var ms []float64
	var pos []bool
	for i := range 20000 {
		m := float64(i%200)/50 - 2
		u := float64((i*7919)%10007) / 10007
		ms, pos = append(ms, m), append(pos, u < sigmoid(2*m-1))
	}
	a, b := plattFit(ms, pos)
	if math.Abs(a-2) > 0.15 || math.Abs(b+1) > 0.15 {
		t.Errorf("plattFit = %.3f, %.3f; want about 2, −1", a, b)
	}
	// Separable scores: Platt's soft targets keep a finite.
	if a, _ := plattFit([]float64{-2, -1, 1, 2}, []bool{false, false, true, true}); math.IsInf(a, 0) || math.IsNaN(a) || a > 50 {
		t.Errorf("separable scores: a = %v, want finite and moderate", a)
	}
}

func TestTuneOffsetsMatchesScan(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 6 {
		n, nl := 300+50*trial, 3+trial
		s := matrix(n, nl)
		y := make([]int, n)
		for i := range s {
			y[i] = rng.IntN(nl)
			for l := range s[i] {
				s[i][l] = rng.NormFloat64()
			}
			s[i][y[i]] += rng.Float64() * 2
		}
		// Rows drawn with replacement, as bootstrap resamples are.
		rows := make([]int, n)
		for k := range rows {
			rows[k] = rng.IntN(n)
		}
		step, tolerance := []float64{0.25, 0.1}[trial%2], []float64{0, 0.01, 1}[trial%3]
		got := tuneOffsets(s, y, rows, 1, step, tolerance)
		want := tuneOffsetsByScan(s, y, rows, 1, step, tolerance)
		if !slices.Equal(got, want) {
			t.Errorf("trial %d (step %v, tolerance %v): offsets %v, want %v", trial, step, tolerance, got, want)
		}
	}
}

// tuneOffsetsByScan is the plain form of tuneOffsets, kept to check it:
// every grid point scores every row. It is coordinate ascent, offsetSweeps sweeps, on per-label
// additive offsets to log scores s, maximising micro-F1 +
// macroWeight·macro-F1 of the argmax over rows (y[i] is row i's label),
// keeping micro-F1 within tolerance of where it started, each label's
// offset searched on a grid of ±offsetRange in the given step.
func tuneOffsetsByScan(s [][]float64, y []int, rows []int, macroWeight, step, tolerance float64) []float64 {
	nl := len(s[0])
	off := make([]float64, nl)
	pred := make([]int, len(rows))
	top1, top2 := make([]float64, len(rows)), make([]float64, len(rows))
	refresh := func() {
		for k, i := range rows {
			best, a, bb := 0, math.Inf(-1), math.Inf(-1)
			for l, v := range s[i] {
				v += off[l]
				if v > a {
					bb, a, best = a, v, l
				} else if v > bb {
					bb = v
				}
			}
			pred[k], top1[k], top2[k] = best, a, bb
		}
	}
	minAccuracy := math.Inf(-1)
	tp, fp, fn := make([]int, nl), make([]int, nl), make([]int, nl)
	objective := func(p []int) (float64, float64) {
		clear(tp)
		clear(fp)
		clear(fn)
		correct := 0
		for k, i := range rows {
			if p[k] == y[i] {
				tp[y[i]]++
				correct++
			} else {
				fp[p[k]]++
				fn[y[i]]++
			}
		}
		macro := 0.0
		for l := range nl {
			macro += ratio(2*tp[l], 2*tp[l]+fp[l]+fn[l])
		}
		accuracy := float64(correct) / float64(len(rows))
		if accuracy < minAccuracy {
			return math.Inf(-1), accuracy
		}
		return accuracy + macroWeight*macro/float64(nl), accuracy
	}
	refresh()
	best, start := objective(pred)
	minAccuracy = start - tolerance
	trial := make([]int, len(rows))
	for range offsetSweeps {
		for l := range nl {
			bestDelta := off[l]
			for d := -offsetRange; d <= offsetRange+1e-9; d += step {
				for k, i := range rows {
					other := top1[k]
					if pred[k] == l {
						other = top2[k]
					}
					switch {
					case s[i][l]+d > other:
						trial[k] = l
					case pred[k] == l:
						trial[k] = secondBest(s[i], off, l)
					default:
						trial[k] = pred[k]
					}
				}
				if v, _ := objective(trial); v > best+1e-12 {
					best, bestDelta = v, d
				}
			}
			off[l] = bestDelta
			refresh()
		}
	}
	return off
}
