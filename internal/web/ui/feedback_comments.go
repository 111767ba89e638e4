package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

type fbCommentsView struct {
	Taxonomy   string
	Rows       []fbCommentRow
	Categories text.Taxonomy
	Status     feedback.ClassifierStatus
	CanTrain   bool
	Filter     string
	Next       string
	Insights   commentInsights
	// Aspect filters the list to complaints about one process-quality
	// influence.
	Aspect  text.Aspect
	Aspects []feedback.AspectInfo
}

type fbCommentRow struct {
	R         *fresco.Response
	Suggested []string
	Assigned  map[string]bool
	Aspect    string // the influence a negative comment is about, in words
}

// NextQuery is the query of the next page: its cursor and the filters.
func (v fbCommentsView) NextQuery() string {
	q := url.Values{"cursor": {v.Next}}
	if v.Filter != "" {
		q.Set("show", v.Filter)
	}
	if v.Aspect != "" {
		q.Set("aspect", string(v.Aspect))
	}
	return q.Encode()
}

// Sentiment is the compound score with two decimals.
func (r fbCommentRow) Sentiment() string {
	if r.R.Sentiment == nil {
		return ""
	}
	return strconv.FormatFloat(*r.R.Sentiment, 'f', 2, 64)
}

// FeedbackComments is GET /feedback/comments: comments with sentiment and
// categories, and the classifier.
func (u *UI) FeedbackComments(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	ctx := r.Context()
	q := r.URL.Query()
	view := fbCommentsView{Filter: q.Get("show"), CanTrain: v.Role.CanManageEmployees(),
		Aspect: text.Aspect(q.Get("aspect")), Aspects: feedback.AspectInfos}
	if feedback.AspectName(view.Aspect) == "" {
		view.Aspect = ""
	}
	f := store.ResponseFilter{WithComment: true, Limit: 50, Cursor: q.Get("cursor")}
	switch view.Filter {
	case "unlabelled":
		b := false
		f.Labelled = &b
	case "labelled":
		b := true
		f.Labelled = &b
	}
	list, next, err := u.feedback.ListComments(ctx, f, view.Aspect)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.Next = next
	if view.Categories, err = u.feedback.Taxonomy(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	if view.Insights, err = u.commentInsights(ctx, view.Categories); err != nil {
		u.fail(w, r, err)
		return
	}
	view.Taxonomy = taxonomyText(view.Categories)
	if view.Status, err = u.feedback.ClassifierStatus(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	for _, resp := range list {
		row := fbCommentRow{R: resp, Assigned: map[string]bool{}, Aspect: feedback.AspectName(feedback.AspectOf(resp.Comment))}
		for _, c := range resp.Categories {
			row.Assigned[c] = true
		}
		_, row.Suggested, _ = u.feedback.Suggest(ctx, resp.Comment)
		view.Rows = append(view.Rows, row)
	}
	u.render(w, r, http.StatusOK, "feedback_comments", "Comments", view)
}

// FeedbackCategorise is POST /feedback/comments/{id}: staff assign categories.
func (u *UI) FeedbackCategorise(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id, ok := u.idAndForm(w, r, 64<<10)
	if !ok {
		return
	}
	if err := u.feedback.Categorise(r.Context(), id, r.PostForm["category"], v.actor()); err != nil {
		u.fail(w, r, err)
		return
	}
	back := "/feedback/comments"
	switch s := r.PostForm.Get("show"); s {
	case "labelled", "unlabelled":
		back += "?show=" + s
	case "queue": // labelled from the queue: back to the next doubtful comment
		http.Redirect(w, r, back+"#queue", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, back+"#r"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// FeedbackTrain is POST /feedback/classifier: queue the durable retraining
// job, which a worker runs in the background; the new version appears
// under "Model versions" when it is done.
func (u *UI) FeedbackTrain(w http.ResponseWriter, r *http.Request) {
	done := "classifier-queued"
	st, err := u.feedback.ClassifierStatus(r.Context())
	switch {
	case err != nil:
		u.fail(w, r, err)
		return
	case st.Labelled < feedback.MinTrainingExamples:
		done = "classifier-too-few"
	default:
		if _, err := u.feedback.QueueTraining(r.Context(), viewerFrom(r.Context()).actor()); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/feedback/comments?done="+done, http.StatusSeeOther)
}

// taxonomyText writes the taxonomy one category a line:
// "slug | Name | keyword, keyword | description".
func taxonomyText(t text.Taxonomy) string {
	var b strings.Builder
	for _, c := range t {
		fmt.Fprintf(&b, "%s | %s | %s | %s\n", c.Slug, c.Name, strings.Join(c.Keywords, ", "), c.Description)
	}
	return b.String()
}

// parseTaxonomy reads taxonomyText's format, naming the line at fault.
func parseTaxonomy(s string) (text.Taxonomy, error) {
	var t text.Taxonomy
	for i, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 4)
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		c := text.Category{Slug: strings.TrimSpace(parts[0]), Name: strings.TrimSpace(parts[1]), Description: strings.TrimSpace(parts[3])}
		for _, k := range strings.Split(parts[2], ",") {
			if k = strings.TrimSpace(k); k != "" {
				c.Keywords = append(c.Keywords, k)
			}
		}
		if c.Slug == "" || c.Name == "" {
			return nil, fresco.Errorf(fresco.EINVALID, "line %d: write “slug | Name | keywords | description”", i+1)
		}
		t = append(t, c)
	}
	if len(t) == 0 {
		return nil, fresco.Errorf(fresco.EINVALID, "the taxonomy needs at least one category")
	}
	if err := t.Validate(); err != nil {
		return nil, fresco.Errorf(fresco.EINVALID, "%s", err.Error())
	}
	return t, nil
}

// FeedbackTaxonomy is POST /feedback/categories: managers edit the taxonomy.
func (u *UI) FeedbackTaxonomy(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, 256<<10) {
		return
	}
	done := "categories-saved"
	t, err := parseTaxonomy(r.PostForm.Get("taxonomy"))
	if err == nil {
		err = u.feedback.SetTaxonomy(r.Context(), t, viewerFrom(r.Context()).actor())
	}
	if err != nil {
		if fresco.ErrorCode(err) != fresco.EINVALID {
			u.fail(w, r, err)
			return
		}
		done = "categories-invalid"
	}
	http.Redirect(w, r, "/feedback/comments?done="+done, http.StatusSeeOther)
}
