// Package text turns free-text customer comments into signals Fresco can act
// on: a sentiment score, suggested categories from an editable taxonomy, and a
// classifier that learns from the categories staff assign.
//
// The package is pure: no database, no HTTP, no global mutable state. Every
// function is deterministic and every value it returns is safe to share
// between goroutines once built.
//
// # Sentiment
//
// [Sentiment] scores a comment with the VADER lexicon (govader) and returns a
// compound score in [-1, 1] and a [Polarity] label.
//
// # Categories
//
// A [Taxonomy] is a list of [Category] values that staff may edit;
// [DefaultTaxonomy] seeds it. Before any comment has been labelled,
// [Taxonomy.Suggest] offers categories by keyword rules (whole words,
// case-insensitive, simple stemming), so the first labelling session is not
// from a blank page.
//
// Once staff have labelled comments, [Train] fits a [Model]: TF-IDF over
// unigrams and bigrams feeding one logistic regression per label
// (one-vs-rest), trained by seeded AdaGrad SGD so it is deterministic. When
// [TrainOptions].Taxonomy is set, each category's keyword matches become
// extra features whose weights start out trusting the taxonomy and are then
// corrected by the labels; that is what makes a few dozen labels useful,
// while labels without keywords are still learned from the words.
// [Model.Suggest] ranks every label by probability and [Model.Predict]
// applies the model's [Policy] (every label ≥ Threshold, else the top one if
// ≥ Floor, at most MaxLabels). A Model is read-only once built and marshals
// to JSON (encoding/json) so the server can store it; decoding validates it.
//
// # Evaluation
//
// [Evaluate] scores a model on held-out examples (micro- and macro-F1 plus
// per-label precision, recall and F1); [CrossValidate] does k-fold
// cross-validation so the server can show held-out accuracy for the labels
// staff have assigned so far. [ReadExamples] reads labelled comments from
// CSV with header-named columns.
package text
