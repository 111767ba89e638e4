package text

import (
	"bytes"
	"slices"
	"testing"

	"github.com/fresco-cx/fresco/internal/text/wordvec"
)

// vectorExamples teach two categories with words that the comments in
// TestWordVectorsCarryMeaning never use.
var vectorExamples = []Example{
	{Text: "The nurse was kind.", Labels: []string{"staff"}},
	{Text: "A lovely doctor.", Labels: []string{"staff"}},
	{Text: "The nurses were caring.", Labels: []string{"staff"}},
	{Text: "Our doctor listened.", Labels: []string{"staff"}},
	{Text: "The soup was cold.", Labels: []string{"food"}},
	{Text: "Tasty sandwiches.", Labels: []string{"food"}},
	{Text: "The soup was bland.", Labels: []string{"food"}},
	{Text: "Lovely sandwiches and tea.", Labels: []string{"food"}},
}

// unseenMeanings are comments of words vectorExamples never use, with the
// category their meaning belongs to.
var unseenMeanings = map[string]string{
	"Physician and midwife were attentive.": "staff",
	"Pizza, pasta and salad.":               "food",
	"Surgeon.":                              "staff",
	"Dessert.":                              "food",
}

// TestWordVectorsCarryMeaning is a known answer: comments whose words no
// training comment had are put in the category their meaning belongs to
// when the model reads word vectors, and the vector block survives a JSON
// round trip. Without the vectors the same comments have no feature the
// model knows (character n-grams aside), so both get the same scores.
func TestWordVectorsCarryMeaning(t *testing.T) {
	t.Parallel()
	m, err := Train(vectorExamples, TrainOptions{WordsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !m.WordVectors || len(m.VectorWords) == 0 {
		t.Fatalf("model trained with the defaults has no word vectors (%d vector words)", len(m.VectorWords))
	}
	checkUnseenMeanings(t, m)
	plain, err := Train(vectorExamples, TrainOptions{WordsOnly: true, WithoutWordVectors: true, WithoutSentenceVectors: true})
	if err != nil {
		t.Fatal(err)
	}
	if plain.WordVectors || len(plain.VectorWords) > 0 {
		t.Fatal("WithoutWordVectors kept the vectors")
	}
	if a, b := plain.Suggest("Surgeon."), plain.Suggest("Dessert."); !slices.Equal(a, b) {
		t.Errorf("without vectors two comments of unknown words scored differently: %v, %v", a, b)
	}
}

// checkUnseenMeanings checks that m, after a JSON round trip, puts each of
// unseenMeanings in its category and scores it as m does.
func checkUnseenMeanings(t *testing.T, m *Model) {
	t.Helper()
	loaded, _ := roundTrip(t, m)
	for comment, want := range unseenMeanings {
		if got := loaded.Predict(comment); len(got) == 0 || got[0] != want {
			t.Errorf("Predict(%q) = %v (%+v), want %s", comment, got, loaded.Suggest(comment), want)
		}
		if got, want := loaded.Suggest(comment), m.Suggest(comment); !slices.Equal(got, want) {
			t.Errorf("Suggest(%q) after round trip = %v, want %v", comment, got, want)
		}
	}
}

// TestUnusedTaxonomyCategoriesLeftOut: a category no training comment
// carries adds no keyword feature (the model equals one trained without
// it), while a used one keeps its keywords.
func TestUnusedTaxonomyCategoriesLeftOut(t *testing.T) {
	t.Parallel()
	used := Category{Slug: "food", Name: "Food", Keywords: []string{"soup"}}
	unused := Category{Slug: "parking", Name: "Parking", Keywords: []string{"car park"}}
	opts := TrainOptions{WordsOnly: true, WithoutSentenceVectors: true}
	train := func(tax Taxonomy) []byte {
		t.Helper()
		opts.Taxonomy = tax
		m, err := Train(vectorExamples, opts)
		if err != nil {
			t.Fatal(err)
		}
		_, raw := roundTrip(t, m)
		return raw
	}
	if with, without := train(Taxonomy{used, unused}), train(Taxonomy{used}); !bytes.Equal(with, without) {
		t.Error("an unused category changed the model")
	}
	opts.Taxonomy = Taxonomy{used, unused}
	m, err := Train(vectorExamples, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Taxonomy) != 1 || m.Taxonomy[0].Slug != "food" || m.wordWidth() != len(m.Terms)+1+wordvec.Dims {
		t.Errorf("model's taxonomy %v, %d word features for %d terms", m.Taxonomy, m.wordWidth(), len(m.Terms))
	}
}
