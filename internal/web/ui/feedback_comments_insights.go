package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/text"
)

// What the comments page shows about the classifier beyond its overall
// score: how well each category is recognised and what it still needs,
// the comments worth labelling next, themes nobody has categorised yet and
// the kept model versions.

// queueLength is how many doubtful comments the page offers for labelling.
const queueLength = 8

type commentInsights struct {
	Quality  []categoryQuality
	Queue    []queuedRow
	Themes   feedback.ThemeReport
	Emerging []themeRow
	Versions []feedback.ModelVersion
}

// categoryQuality is one category's cross-validated figures, named as
// staff name the category.
type categoryQuality struct {
	feedback.CategoryNeed
	Name string
}

// Weak reports whether the category is below the target score.
func (q categoryQuality) Weak() bool { return q.F1 < feedback.TargetCategoryF1 }

// queuedRow is a comment of the labelling queue with the model's two
// best guesses, between which it hesitates, or the category it is unsure
// to add (a model that gives several categories).
type queuedRow struct {
	feedback.QueuedComment
	Guesses []guess
	Unsure  *guess
	Needs   float64 // the probability from which the model adds Unsure
}

// Unplaced reports whether the classifier fits none of its categories to
// the comment (its best guess is under even odds): a comment about
// something new rather than one between two categories.
func (q queuedRow) Unplaced() bool { return len(q.Guesses) == 0 || q.Guesses[0].Probability < 0.5 }

type guess struct {
	Name        string
	Probability float64
}

// themeRow is an emerging theme with the category name "make this a
// category" proposes: its label with a capital.
type themeRow struct{ feedback.EmergingTheme }

func (t themeRow) Name() string {
	if t.Label == "" {
		return ""
	}
	return strings.ToUpper(t.Label[:1]) + t.Label[1:]
}

func (u *UI) commentInsights(ctx context.Context, cats text.Taxonomy) (commentInsights, error) {
	var in commentInsights
	needs, err := u.feedback.CategoryNeeds(ctx)
	if err != nil {
		return in, err
	}
	for _, n := range needs {
		in.Quality = append(in.Quality, categoryQuality{CategoryNeed: n, Name: categoryName(cats, n.Label)})
	}
	queue, err := u.feedback.LabellingQueue(ctx, queueLength)
	if err != nil {
		return in, err
	}
	for _, q := range queue {
		row := queuedRow{QueuedComment: q, Guesses: guesses(cats, q.Suggestions)}
		if d := q.Doubt; d != nil {
			row.Unsure, row.Needs = &guess{Name: categoryName(cats, d.Label), Probability: d.Score}, d.Threshold
		}
		in.Queue = append(in.Queue, row)
	}
	if in.Themes, err = u.feedback.Themes(ctx); err != nil {
		return in, err
	}
	for _, t := range in.Themes.Themes {
		in.Emerging = append(in.Emerging, themeRow{t})
	}
	in.Versions, err = u.feedback.ModelVersions(ctx)
	return in, err
}

func categoryName(cats text.Taxonomy, slug string) string {
	if c, ok := cats.Lookup(slug); ok {
		return c.Name
	}
	return slug
}

// guesses are the model's top two categories with their probabilities.
func guesses(cats text.Taxonomy, ranked []text.Suggestion) []guess {
	var out []guess
	for _, s := range ranked[:min(2, len(ranked))] {
		out = append(out, guess{Name: categoryName(cats, s.Label), Probability: s.Score})
	}
	return out
}

// FeedbackThemeCategory is POST /feedback/themes/category: "make this a
// category" from an emerging theme.
func (u *UI) FeedbackThemeCategory(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	c := feedback.NewCategory{Slug: r.PostForm.Get("slug"), Name: r.PostForm.Get("name"), Keywords: r.PostForm["keyword"],
		Description: r.PostForm.Get("description")}
	if _, err := u.feedback.AddCategory(r.Context(), c, v.actor()); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/feedback/comments#quality", http.StatusSeeOther)
}

// FeedbackRollback is POST /feedback/classifier/versions/{version}/rollback.
func (u *UI) FeedbackRollback(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	version, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || version <= 0 {
		u.renderError(w, r, http.StatusNotFound, "")
		return
	}
	if err := u.feedback.RollbackClassifier(r.Context(), version, v.actor()); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/feedback/comments#versions", http.StatusSeeOther)
}

// TargetF1 is the score below which the page calls a category weak.
func (fbCommentsView) TargetF1() float64 { return feedback.TargetCategoryF1 }
