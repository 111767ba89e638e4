package text

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestSentimentSign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		comment string
		want    Polarity
	}{
		{"The staff were wonderful and the room was perfect. Thank you!", Positive},
		{"Absolutely loved it, best meal we've had in years.", Positive},
		{"Rude staff, filthy room, never again.", Negative},
		{"The app is terrible and support is useless.", Negative},
		{"I ordered a blue one on Tuesday.", Neutral},
		{"", Neutral},
	}
	for _, tt := range tests {
		t.Run(tt.comment, func(t *testing.T) {
			t.Parallel()
			got := Sentiment(tt.comment)
			if got.Label != tt.want {
				t.Errorf("Sentiment(%q) = %+v, want %s", tt.comment, got, tt.want)
			}
			if got.Compound < -1 || got.Compound > 1 {
				t.Errorf("compound %v outside [-1, 1]", got.Compound)
			}
		})
	}
}

// TestSentimentConcurrent runs the shared analyzer from many goroutines; with
// -race it proves the analyzer is safe to share.
func TestSentimentConcurrent(t *testing.T) {
	t.Parallel()
	want := Sentiment("Lovely staff but the food was cold.")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := Sentiment("Lovely staff but the food was cold."); got != want {
					t.Errorf("concurrent Sentiment = %+v, want %+v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestStem(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{"wait", "waiting", "waited", "waits"},
		{"price", "prices", "priced", "pricing"},
		{"ship", "shipping", "shipped"},
		{"book", "booking", "booked", "books"},
		{"query", "queries"},
		{"rude", "rudely"},
	}
	for _, g := range groups {
		for _, w := range g[1:] {
			if stem(w) != stem(g[0]) {
				t.Errorf("stem(%q) = %q, want stem(%q) = %q", w, stem(w), g[0], stem(g[0]))
			}
		}
	}
}

func TestTermsKeepNegationsInBigrams(t *testing.T) {
	t.Parallel()
	got := terms("The fee was NOT clear, and didn't arrive.")
	for _, want := range []string{"not clear", "fee", "didnt arriv"} {
		if !slices.Contains(got, want) {
			t.Errorf("terms missing %q: %q", want, got)
		}
	}
}

func TestTaxonomySuggest(t *testing.T) {
	t.Parallel()
	tax := DefaultTaxonomy()
	tests := []struct {
		comment string
		want    []string // every one must be suggested
		notWant []string // none may be suggested
	}{
		{"We WAITED ages for our starters.", []string{"waiting-delivery"}, nil},
		{"The waiter was rude.", []string{"staff-manner"}, []string{"waiting-delivery"}},
		{"Totally overpriced and I was overcharged.", []string{"price-billing"}, nil},
		{"The terms and conditions are confusing.", []string{"confusing-terms"}, nil},
		{"It would be great if you added a dark mode.", []string{"feature-request"}, nil},
		{"Thanks, the room was spotless and the staff friendly.", []string{"praise", "staff-manner"}, nil},
		// Whole words only: "bookcase" is not "book", "pricey" is not "price".
		{"The bookcase is pricey.", nil, []string{"booking-ordering", "price-billing"}},
		{"Nothing to report.", nil, []string{"praise", "waiting-delivery"}},
	}
	for _, tt := range tests {
		t.Run(tt.comment, func(t *testing.T) {
			t.Parallel()
			got := tax.Predict(tt.comment)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Suggest(%q) = %v, missing %s", tt.comment, got, w)
				}
			}
			for _, w := range tt.notWant {
				if slices.Contains(got, w) {
					t.Errorf("Suggest(%q) = %v, should not include %s", tt.comment, got, w)
				}
			}
		})
	}
}

func TestTaxonomySuggestRanksMoreMatchesFirst(t *testing.T) {
	t.Parallel()
	got := DefaultTaxonomy().Suggest("Rude staff. The delivery was late.")
	// staff-manner matches "rude" and "staff", waiting-delivery "delivery" and "late":
	// equal scores keep taxonomy order, where waiting-delivery comes first.
	if len(got) < 2 || got[0].Label != "waiting-delivery" || got[1].Label != "staff-manner" || got[0].Score != 0.75 {
		t.Errorf("Suggest = %+v", got)
	}
}

func TestTaxonomyValidate(t *testing.T) {
	t.Parallel()
	if err := DefaultTaxonomy().Validate(); err != nil {
		t.Fatalf("default taxonomy invalid: %v", err)
	}
	tests := map[string]Taxonomy{
		"bad slug":  {{Slug: "Price Billing", Name: "Price"}},
		"empty":     {{Slug: "", Name: "x"}},
		"duplicate": {{Slug: "a", Name: "A"}, {Slug: "a", Name: "B"}},
		"no name":   {{Slug: "a", Name: "  "}},
	}
	for name, tax := range tests {
		if err := tax.Validate(); err == nil {
			t.Errorf("%s: Validate() = nil, want error", name)
		}
	}
}

func TestDefaultTaxonomyIsACopy(t *testing.T) {
	t.Parallel()
	a := DefaultTaxonomy()
	a[0].Keywords[0] = "changed"
	if DefaultTaxonomy()[0].Keywords[0] == "changed" {
		t.Fatal("editing one DefaultTaxonomy() changed the next")
	}
	if c, ok := a.Lookup("praise"); !ok || c.Name != "Praise" {
		t.Errorf("Lookup(praise) = %+v, %v", c, ok)
	}
}

// accessibilityExamples teach a label no taxonomy has keywords for.
var accessibilityExamples = []Example{
	{Text: "There was no wheelchair ramp at the entrance.", Labels: []string{"accessibility"}},
	{Text: "My wheelchair would not fit through the bathroom door.", Labels: []string{"accessibility"}},
	{Text: "No step-free access to the dining room, so my father could not join us.", Labels: []string{"accessibility"}},
	{Text: "The ramp was far too steep for a wheelchair.", Labels: []string{"accessibility"}},
	{Text: "Step-free access was promised but there were stairs everywhere.", Labels: []string{"accessibility"}},
	{Text: "The lift for wheelchair users was broken.", Labels: []string{"accessibility"}},
	{Text: "The food took an hour to arrive.", Labels: []string{"waiting-delivery"}},
	{Text: "We waited ages for the bill.", Labels: []string{"waiting-delivery"}},
	{Text: "The delivery was two days late.", Labels: []string{"waiting-delivery"}},
	{Text: "The waiter was rude to us.", Labels: []string{"staff-manner"}},
	{Text: "Staff were friendly and helpful.", Labels: []string{"staff-manner"}},
	{Text: "The receptionist ignored us.", Labels: []string{"staff-manner"}},
	{Text: "Far too expensive.", Labels: []string{"price-billing"}},
	{Text: "I was charged twice.", Labels: []string{"price-billing"}},
	{Text: "Where is my refund?", Labels: []string{"price-billing"}},
}

func TestModelLearnsLabelWithoutKeywords(t *testing.T) {
	t.Parallel()
	tax := DefaultTaxonomy()
	comment := "The only wheelchair ramp was round the back by the bins."
	if slices.Contains(tax.Predict(comment), "accessibility") {
		t.Fatal("test is moot: the taxonomy already suggests accessibility")
	}
	m, err := Train(accessibilityExamples, TrainOptions{Taxonomy: tax})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Predict(comment); len(got) == 0 || got[0] != "accessibility" {
		t.Errorf("Predict(%q) = %v (suggestions %+v), want accessibility first", comment, got, m.Suggest(comment))
	}
	if got := m.Predict("We waited an hour for our food."); !slices.Contains(got, "waiting-delivery") || slices.Contains(got, "accessibility") {
		t.Errorf("Predict(waiting comment) = %v", got)
	}
}

func TestTrainRejectsUnlabelled(t *testing.T) {
	t.Parallel()
	if _, err := Train([]Example{{Text: "hello"}}, TrainOptions{}); !errors.Is(err, ErrNoLabels) {
		t.Errorf("Train(no labels) error = %v, want ErrNoLabels", err)
	}
}

func TestModelJSONRoundTrip(t *testing.T) {
	t.Parallel()
	m, err := Train(accessibilityExamples, TrainOptions{Taxonomy: DefaultTaxonomy()})
	if err != nil {
		t.Fatal(err)
	}
	loaded, _ := roundTrip(t, m)
	for _, c := range []string{"No ramp for my wheelchair.", "Rude and slow staff, overpriced too.", ""} {
		if got, want := loaded.Suggest(c), m.Suggest(c); !slices.Equal(got, want) {
			t.Errorf("Suggest(%q) after round trip = %v, want %v", c, got, want)
		}
	}
}

func TestWordsOnlyModel(t *testing.T) {
	t.Parallel()
	m, err := Train(accessibilityExamples, TrainOptions{WordsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Grams) != 0 || len(m.GramWeights) != 0 || m.WordShare != 1 {
		t.Fatalf("words-only model has %d grams, %d character weight rows, word share %v", len(m.Grams), len(m.GramWeights), m.WordShare)
	}
	loaded, _ := roundTrip(t, m)
	c := "No ramp for my wheelchair."
	if got, want := loaded.Suggest(c), m.Suggest(c); !slices.Equal(got, want) {
		t.Errorf("Suggest(%q) after round trip = %v, want %v", c, got, want)
	}
}

func TestModelJSONRejectsBrokenModels(t *testing.T) {
	t.Parallel()
	m, err := Train(accessibilityExamples, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]func(map[string]any){
		"old format":     func(j map[string]any) { j["format"] = 0 },
		"missing bias":   func(j map[string]any) { j["bias"] = []float64{} },
		"short idf":      func(j map[string]any) { j["idf"] = []float64{1} },
		"unsorted label": func(j map[string]any) { j["labels"] = []string{"z", "y", "x", "w"} },
		"short row": func(j map[string]any) {
			j["weights"].([]any)[0] = []float64{1}
		},
		"short character row": func(j map[string]any) {
			j["gram_weights"].([]any)[0] = []float64{1}
		},
		"missing character bias":  func(j map[string]any) { j["gram_bias"] = []float64{} },
		"word share out of range": func(j map[string]any) { j["word_share"] = 1.5 },
		"word share without character model": func(j map[string]any) {
			delete(j, "gram_weights")
			delete(j, "gram_bias")
		},
		"short vector idf":             func(j map[string]any) { j["vector_idf"] = []float64{1} },
		"vector words without vectors": func(j map[string]any) { j["word_vectors"] = false },
		"rows without the vector block": func(j map[string]any) {
			delete(j, "word_vectors")
			delete(j, "vector_words")
			delete(j, "vector_idf")
		},
	}
	for name, corrupt := range tests {
		data, _ := json.Marshal(m)
		var j map[string]any
		if err := json.Unmarshal(data, &j); err != nil {
			t.Fatal(err)
		}
		corrupt(j)
		data, _ = json.Marshal(j)
		if err := json.Unmarshal(data, new(Model)); err == nil {
			t.Errorf("%s: Unmarshal accepted a broken model", name)
		}
	}
}

func TestTrainIsDeterministic(t *testing.T) {
	t.Parallel()
	train := readCorpus(t, "comments_train.csv")
	a, _ := Train(train, TrainOptions{Taxonomy: DefaultTaxonomy()})
	b, _ := Train(train, TrainOptions{Taxonomy: DefaultTaxonomy()})
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Error("two trainings on the same data differ")
	}
}

type fixedPredictor map[string][]string

func (f fixedPredictor) Predict(text string) []string { return f[text] }

func TestEvaluateCounts(t *testing.T) {
	t.Parallel()
	train := []Example{{Text: "x", Labels: []string{"a"}}, {Text: "y", Labels: []string{"b"}}, {Text: "z", Labels: []string{"d"}}}
	test := []Example{
		{Text: "1", Labels: []string{"a"}},      // predicted a: tp a
		{Text: "2", Labels: []string{"a", "b"}}, // predicted a, c: tp a, fn b, fp c
		{Text: "3", Labels: []string{"b"}},      // predicted nothing: fn b
	}
	p := fixedPredictor{"1": {"a"}, "2": {"a", "c"}}
	ev := EvaluatePredictor(p, train, test)
	// micro: tp 2, fp 1, fn 2 → F1 = 4/7.
	if !near(ev.MicroF1, 4.0/7) || !near(ev.MicroPrecision, 2.0/3) || !near(ev.MicroRecall, 0.5) {
		t.Errorf("micro = P %v R %v F1 %v", ev.MicroPrecision, ev.MicroRecall, ev.MicroF1)
	}
	// macro over the labels true or predicted in test, as scikit-learn's
	// average='macro': a 1, b 0 (never predicted), c 0 (never true); d,
	// taught but neither true nor predicted, is left out.
	if !near(ev.MacroF1, 1.0/3) {
		t.Errorf("macro F1 = %v, want 1/3", ev.MacroF1)
	}
	if ev.NTrain != 3 || ev.NTest != 3 || len(ev.PerLabel) != 4 {
		t.Errorf("n_train %d n_test %d per-label %+v", ev.NTrain, ev.NTest, ev.PerLabel)
	}
	if b := ev.PerLabel[1]; b.Label != "b" || b.Support != 2 || b.Predicted != 0 || b.Recall != 0 {
		t.Errorf("label b = %+v", b)
	}
	// Every test label and prediction right: macro-F1 is 1 whatever labels
	// training had besides (scikit-learn gives 1.0 for the same).
	perfect := EvaluatePredictor(fixedPredictor{"1": {"a"}, "3": {"b"}}, train,
		[]Example{{Text: "1", Labels: []string{"a"}}, {Text: "3", Labels: []string{"b"}}})
	if !near(perfect.MacroF1, 1) || len(perfect.PerLabel) != 3 {
		t.Errorf("macro F1 = %v with per-label %+v, want 1 over a and b", perfect.MacroF1, perfect.PerLabel)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// mostFrequentLabel is the trivial baseline: every comment gets the label
// most common in training.
type mostFrequentLabel string

func (m mostFrequentLabel) Predict(string) []string { return []string{string(m)} }

func newMostFrequentLabel(train []Example) mostFrequentLabel {
	counts := map[string]int{}
	best := ""
	for _, e := range train {
		for _, l := range e.Labels {
			counts[l]++
			if counts[l] > counts[best] || (counts[l] == counts[best] && l < best) {
				best = l
			}
		}
	}
	return mostFrequentLabel(best)
}

// minCorpusMicroF1 is the floor the model must clear on the held-out corpus.
// The most-frequent-label baseline scores about 0.14 there and a words-only
// model (no taxonomy) about 0.40; the model with the default taxonomy 0.67.
const minCorpusMicroF1 = 0.55

func TestCorpusHeldOutAccuracy(t *testing.T) {
	t.Parallel()
	train, test := readCorpus(t, "comments_train.csv"), readCorpus(t, "comments_test.csv")
	if len(train) < 200 || len(test) < 100 {
		t.Fatalf("corpus too small: %d train, %d test", len(train), len(test))
	}
	m, err := Train(train, TrainOptions{Taxonomy: DefaultTaxonomy()})
	if err != nil {
		t.Fatal(err)
	}
	ev := Evaluate(m, test)
	baseline := EvaluatePredictor(newMostFrequentLabel(train), train, test)
	keywords := EvaluatePredictor(DefaultTaxonomy(), train, test)
	wordsOnly, err := Train(train, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("model micro-F1 %.3f macro-F1 %.3f; words alone %.3f; keywords alone %.3f; most-frequent baseline %.3f",
		ev.MicroF1, ev.MacroF1, Evaluate(wordsOnly, test).MicroF1, keywords.MicroF1, baseline.MicroF1)
	if ev.MicroF1 < minCorpusMicroF1 {
		t.Errorf("model micro-F1 %.3f below floor %.2f", ev.MicroF1, minCorpusMicroF1)
	}
	if baseline.MicroF1 >= minCorpusMicroF1 {
		t.Errorf("baseline micro-F1 %.3f clears the floor %.2f: the floor proves nothing", baseline.MicroF1, minCorpusMicroF1)
	}
	if ev.MacroF1 < minCorpusMicroF1-0.05 {
		t.Errorf("model macro-F1 %.3f: some category is badly learned: %+v", ev.MacroF1, ev.PerLabel)
	}
}

// TestCorpusSplitIsHonest checks that no sentence of the test set occurs in
// the training set, so held-out accuracy is not recall. Neutral openers
// ("First time here.") are shared on purpose; they are the sentences that
// recur within the training set, and are skipped.
func TestCorpusSplitIsHonest(t *testing.T) {
	t.Parallel()
	inTrain := map[string]int{}
	for _, e := range readCorpus(t, "comments_train.csv") {
		for _, s := range sentences(e.Text) {
			inTrain[s]++
		}
	}
	for _, e := range readCorpus(t, "comments_test.csv") {
		for _, s := range sentences(e.Text) {
			if inTrain[s] == 1 {
				t.Errorf("test sentence also in training: %q", s)
			}
		}
	}
}

func sentences(text string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(text, func(r rune) bool { return r == '.' || r == '!' || r == '?' }) {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func TestCrossValidate(t *testing.T) {
	t.Parallel()
	train := readCorpus(t, "comments_train.csv")
	a, err := CrossValidate(train, 5, TrainOptions{Taxonomy: DefaultTaxonomy()})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CrossValidate(train, 5, TrainOptions{Taxonomy: DefaultTaxonomy()})
	if a.MicroF1 != b.MicroF1 {
		t.Errorf("cross-validation not reproducible: %v vs %v", a.MicroF1, b.MicroF1)
	}
	if a.NTest != len(train) || a.NTrain != len(train)*4/5 || a.MicroF1 < minCorpusMicroF1 {
		t.Errorf("CrossValidate = n_train %d n_test %d micro %.3f", a.NTrain, a.NTest, a.MicroF1)
	}
	for _, k := range []int{0, 1, len(train) + 1} {
		if _, err := CrossValidate(train, k, TrainOptions{}); err == nil {
			t.Errorf("CrossValidate(k=%d) succeeded", k)
		}
	}
}

func TestSplitHoldOut(t *testing.T) {
	t.Parallel()
	all := readCorpus(t, "comments_train.csv")
	train, test := SplitHoldOut(all, 0.25, 7)
	if len(train)+len(test) != len(all) || len(test) != (len(all)+2)/4 {
		t.Errorf("split %d + %d of %d", len(train), len(test), len(all))
	}
	train2, _ := SplitHoldOut(all, 0.25, 7)
	if train[0].Text != train2[0].Text {
		t.Error("split not reproducible")
	}
}

func readCorpus(t testing.TB, name string) []Example {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	examples, err := ReadExamples(f, "text", "label")
	if err != nil {
		t.Fatal(err)
	}
	return examples
}

// FuzzSentiment checks that no input makes the lexicon code panic or leave
// [-1, 1]: comments are arbitrary customer input.
func FuzzSentiment(f *testing.F) {
	f.Add("Great!!! :) but the food was NOT good")
	f.Add("\xff\xfe 😀 kind of")
	f.Fuzz(func(t *testing.T, comment string) {
		if s := Sentiment(comment); !(s.Compound >= -1 && s.Compound <= 1) {
			t.Fatalf("Sentiment(%q) = %+v", comment, s)
		}
	})
}

// roundTrip is m after a JSON round trip, as a server stores and loads
// it, and the JSON.
func roundTrip(t *testing.T, m *Model) (*Model, []byte) {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var loaded Model
	if err := json.Unmarshal(data, &loaded); err != nil {
		t.Fatal(err)
	}
	return &loaded, data
}

// TestCharGramsAreSizedExactly: charGrams sizes its result before filling
// it (gramsOf), so a wrong count shows as spare or grown capacity; words of
// one, two and many runes, some of them not ASCII.
func TestCharGramsAreSizedExactly(t *testing.T) {
	for _, text := range []string{"", "a", "ab", "The café was naïve", "Wait 40 minutes for cold food, ok?"} {
		g := charGrams(text)
		if len(g) != cap(g) {
			t.Errorf("charGrams(%q): %d grams in room for %d", text, len(g), cap(g))
		}
	}
	if g := charGrams("ab"); !slices.Equal(g, []string{" a", "ab", "b ", " ab", "ab ", " ab "}) {
		t.Errorf("charGrams(\"ab\") = %q", g)
	}
}

// TestPackDenseSizesItsRows: the entries outside the dense block are
// counted before they are stored, so nothing is copied to grow them.
func TestPackDenseSizesItsRows(t *testing.T) {
	xs := []sparse{{idx: []int{0, 3, 4, 9}, val: []float64{1, 2, 3, 4}}, {idx: []int{4, 5}, val: []float64{5, 6}}, {}}
	p := packDense(xs, 3, 3) // features 3, 4 and 5 dense
	if len(p.idx) != 2 || cap(p.idx) != 2 || cap(p.val) != 2 || !slices.Equal(p.idx, []int32{0, 9}) {
		t.Errorf("outside the block: %v (room for %d)", p.idx, cap(p.idx))
	}
	if !slices.Equal(p.dense, []float32{2, 3, 0, 0, 5, 6, 0, 0, 0}) {
		t.Errorf("dense block %v", p.dense)
	}
}
