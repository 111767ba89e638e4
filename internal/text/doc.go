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
// [Sentiment] scores a comment with the built-in model and returns a
// compound score in (−1, 1) and a [Polarity] label. The built-in model is
// VADER (govader) with words that are neutral in service feedback removed,
// plus service cues (service.go): waiting, cold food, rude staff, being
// passed around and requests for "more" or "better" read negative, an
// opening "nothing" (to "what could we improve?") positive, and complaint
// weighs double praise. [TrainSentiment] learns sentiment from the scores
// customers give beside their comments (NPS, CSAT: weak supervision):
// an ordinal model (one logistic regression per "score above this level?"
// cut, read as an expected score) over word and character n-gram TF-IDF
// with the built-in score as a feature, so it starts from the lexicon and
// the business's scores correct it.
//
// # Categories
//
// A [Taxonomy] is a list of [Category] values that staff may edit;
// [DefaultTaxonomy] seeds it. Before any comment has been labelled,
// [Taxonomy.Suggest] offers categories by keyword rules (whole words,
// case-insensitive, simple stemming), so the first labelling session is not
// from a blank page.
//
// Once staff have labelled comments, [Train] fits a [Model]: two sets of
// L2-regularised logistic regressions, one per label (one-vs-rest) with
// class-weighted positives, solved by L-BFGS (lbfgs.go; the labels'
// solvers share their passes over the comments, lockstep.go), one set over
// TF-IDF word unigrams and bigrams, one over TF-IDF character 2–5-grams
// (left out with [TrainOptions].WordsOnly), whose probabilities are
// averaged; a third member, a ridge regression on each comment's sentence
// vector alone, is mixed in at 0.4 when the model reads sentence vectors. For multi-label data each label gets a decision threshold
// tuned on out-of-fold predictions. When
// [TrainOptions].Taxonomy is set, each category's keyword matches become
// extra features whose weights start out trusting the taxonomy and are then
// corrected by the labels; that is what makes a few dozen labels useful,
// while labels without keywords are still learned from the words.
// [Model.Suggest] ranks every label by probability and [Model.Predict]
// gives the top label plus every other label at or above its threshold, at
// most as many as any training comment carried. A Model is read-only once built and marshals
// to JSON (encoding/json) so the server can store it; decoding validates it.
//
// # Themes and aspects
//
// [FindThemes] clusters unlabelled comments (spherical k-means over word
// TF-IDF) into themes named by their most distinctive phrases, with
// members and nearest examples; [ThemeGrowth] says whether a theme's share
// grew significantly from one period to the next. [ComplaintAspect] gives
// a negative comment the process-quality influence it is about
// (dependability, responsiveness, authority, empathy, tangible evidence)
// by cue phrases.
//
// # Evaluation
//
// [Evaluate] scores a model on held-out examples (micro- and macro-F1 plus
// per-label precision, recall and F1); [CrossValidate] does k-fold
// cross-validation so the server can show held-out accuracy for the labels
// staff have assigned so far. [ReadExamples] reads labelled comments from
// CSV with header-named columns; [ReadLevelledExamples] also reads each
// comment's category at the other level of a two-level hierarchy (a broad
// label beside a subcategory), which [Train] then learns beside the labels
// ([OtherLevel]); a model of the finer level decides jointly with the broad
// one and per-label offsets tuned out of fold ([JointDecoding]). Macro-F1
// averages over the labels true or predicted in the test data, as
// scikit-learn's average='macro' does.
//
// The NHS patient comments (shared/data, see nhs_test.go) are the
// benchmark, measured on two 80/20 splits: the data README's own (numpy's
// default_rng(7) permutation, reproduced in numpy_split_test.go) and the
// one rounds one to four used, [SplitHoldOut] with seed 7; and by 5-fold
// cross-validation over the whole file (docs/text-models.md).
package text
